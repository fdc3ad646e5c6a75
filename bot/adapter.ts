import { CloudAdapter, ConfigurationBotFrameworkAuthentication, type TurnContext } from 'botbuilder';
import { randomUUID } from 'node:crypto';
import type { BotConfig } from './config';
import type { Logger } from './logger';

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
    // Errors here are unexpected (connector, storage, a bug). Our errors never carry a password, and the
    // reply names only a reference the log line shares, never the error's own text.
    const reference = randomUUID();
    logger.error(
      {
        reference,
        error: { name: error.name, message: error.message, stack: error.stack },
        activityType: context.activity.type,
      },
      'unhandled error in a turn',
    );
    if (context.activity.type === 'invoke') return;
    await context
      .sendActivity(
        `Sorry, something went wrong on my side. If a reset was in progress, its card shows what happened. Reference: ${reference}`,
      )
      .catch(() => undefined);
  };
  return adapter;
}
