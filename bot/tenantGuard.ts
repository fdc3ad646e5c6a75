import type { Middleware, TurnContext } from 'botbuilder';
import { readTenantId } from './activity';
import type { Logger } from './logger';

/** Set in a turn's state once the guard has let the turn through. */
const TENANT_ACCEPTED = Symbol('tenantAccepted');

/**
 * Whether the tenant guard let this turn through. Nothing may be posted in a turn it did not: the
 * conversation and the `serviceUrl` of such a turn are whatever a stranger wrote.
 */
export function tenantAccepted(context: TurnContext): boolean {
  return context.turnState.get(TENANT_ACCEPTED) === true;
}

/**
 * The bot changes passwords in one tenant, so it talks only to people of that tenant. Activities from
 * anywhere else stop here, before any state is read or any directory call is made, and get no reply: an
 * invoke is answered 403 in its HTTP response, everything else only logged.
 */
export class TenantGuard implements Middleware {
  constructor(
    private readonly tenantId: string,
    private readonly logger: Logger,
  ) {}

  async onTurn(context: TurnContext, next: () => Promise<void>): Promise<void> {
    const activityTenant = readTenantId(context.activity)?.toLowerCase();
    if (activityTenant === this.tenantId) {
      context.turnState.set(TENANT_ACCEPTED, true);
      await next();
      return;
    }
    this.logger.warn(
      {
        // Another tenant's id is a GUID; anything else is not worth a log line's room.
        activityTenant: activityTenant?.slice(0, 40) ?? null,
        type: typeof context.activity.type === 'string' ? context.activity.type.slice(0, 40) : null,
      },
      'refused an activity from another tenant',
    );
    if (context.activity.type === 'invoke') {
      await context.sendActivity({ type: 'invokeResponse', value: { status: 403 } });
    }
  }
}
