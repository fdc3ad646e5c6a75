import type { Middleware, TurnContext } from 'botbuilder';
import { readTenantId } from './activity';
import type { Logger } from './logger';

/**
 * The bot changes passwords in one tenant, so it talks only to people of that tenant. Activities from
 * anywhere else stop here, before any state is read or any directory call is made.
 */
export class TenantGuard implements Middleware {
  constructor(
    private readonly tenantId: string,
    private readonly logger: Logger,
  ) {}

  async onTurn(context: TurnContext, next: () => Promise<void>): Promise<void> {
    const activityTenant = readTenantId(context.activity)?.toLowerCase();
    if (activityTenant === this.tenantId) {
      await next();
      return;
    }
    this.logger.warn(
      {
        activityTenant: activityTenant ?? null,
        type: context.activity.type,
        channelId: context.activity.channelId,
      },
      'refused an activity from another tenant',
    );
    if (context.activity.type === 'invoke') {
      await context.sendActivity({ type: 'invokeResponse', value: { status: 403 } });
    } else if (context.activity.type === 'message') {
      await context.sendActivity('This bot serves only its own organization.');
    }
  }
}
