import { CloudAdapter, ConfigurationBotFrameworkAuthentication, type TurnContext } from 'botbuilder';
import { randomUUID } from 'node:crypto';
import type { BotConfig } from './config';
import { describeError, stackFramesOf } from './errorShape';
import type { Logger } from './logger';
import { tenantAccepted } from './tenantGuard';

/** The Bot Framework adapter, authenticated with the bot's own app registration unless switched off. */
export function createAdapter(config: BotConfig, logger: Logger): CloudAdapter {
  const auth = config.botAuthentication;
  const authentication = new ConfigurationBotFrameworkAuthentication(
    auth
      ? {
          MicrosoftAppId: auth.appId,
          MicrosoftAppPassword: auth.appPassword,
          MicrosoftAppType: auth.appType,
          MicrosoftAppTenantId: auth.appTenantId,
        }
      : {},
  );
  const adapter = new CloudAdapter(authentication);

  adapter.onTurnError = async (context: TurnContext, error: Error) => {
    // Errors here are unexpected (connector, storage, a bug). A connector error's message, details and body
    // may echo what was posted, a temporary password included: only the error's shape is logged, and the
    // reply names only a reference the log line shares.
    const reference = randomUUID();
    logger.error(
      {
        reference,
        error: { ...describeError(error), stack: stackFramesOf(error) },
        activityType: context.activity.type,
      },
      'unhandled error in a turn',
    );
    // Only a message gets an apology, in its own conversation, and only if the tenant guard accepted the
    // turn (otherwise the conversation is a stranger's). An invoke's card says what happened, and an event is
    // a turn the bot started itself (a proactive message), whose conversation may not be the one the person
    // is looking at.
    if (context.activity.type !== 'message' || !tenantAccepted(context)) return;
    await context
      .sendActivity(
        `Sorry, something went wrong on my side. If a reset was in progress, its card shows what happened. Reference: ${reference}`,
      )
      .catch(() => undefined);
  };
  return adapter;
}
