import {
  type Activity,
  CloudAdapter,
  ConfigurationBotFrameworkAuthentication,
  type InvokeResponse,
  type TurnContext,
} from 'botbuilder';
import type { AuthenticateRequestResult, AuthenticationConfiguration, Claim } from 'botframework-connector';
import { randomUUID } from 'node:crypto';
import { storeUnavailableMessage } from '../cards';
import { StoreUnavailable } from '../core/errors';
import { DialogContextError } from '../dialogs/botbuilderDialogs';
import { NotAChannelToken } from './authenticationFailures';
import type { BotAuthenticationConfig, BotConfig } from './config';
import { describeError, stackFramesOf } from './errorShape';
import type { Logger } from './logger';
import { tenantAccepted } from './tenantGuard';

/**
 * botbuilder's CloudAdapter with its two steps apart: checking a request's token, then running the turn.
 * `CloudAdapter.process` does both and answers every failure itself (500 with the JWT library's message for
 * some refusals); bot/inboundActivities.ts answers them instead, and runs the turn only once the token passed.
 */
export class InboundCloudAdapter extends CloudAdapter {
  /** Checks the `Authorization` header against the activity; throws when it does not authenticate it. */
  authenticate(activity: Activity, authHeader: string): Promise<AuthenticateRequestResult> {
    return this.botFrameworkAuthentication.authenticateRequest(activity, authHeader);
  }

  /** Runs the middleware and `logic` for a request `authenticate` accepted. */
  runTurn(
    authentication: AuthenticateRequestResult,
    activity: Activity,
    logic: (context: TurnContext) => Promise<void>,
  ): Promise<InvokeResponse | undefined> {
    return this.processActivity(authentication, activity, logic);
  }
}

/** The Bot Framework adapter, authenticated with the bot's own app registration unless switched off. */
export function createAdapter(config: BotConfig, logger: Logger): InboundCloudAdapter {
  const auth = config.botAuthentication;
  const authentication = auth
    ? new ConfigurationBotFrameworkAuthentication(
        {
          MicrosoftAppId: auth.appId,
          MicrosoftAppPassword: auth.appPassword,
          MicrosoftAppType: auth.appType,
          MicrosoftAppTenantId: auth.appTenantId,
          // Every one of botbuilder's cloud settings, always: given any one, it takes them all as given.
          ChannelService: auth.cloud.channelService,
          ValidateAuthority: auth.cloud.validateAuthority,
          ToChannelFromBotLoginUrl: auth.cloud.toChannelFromBotLoginUrl,
          ToChannelFromBotOAuthScope: auth.cloud.toChannelFromBotOAuthScope,
          ToBotFromChannelTokenIssuer: auth.cloud.toBotFromChannelTokenIssuer,
          ToBotFromChannelOpenIdMetadataUrl: auth.cloud.toBotFromChannelOpenIdMetadataUrl,
          ToBotFromEmulatorOpenIdMetadataUrl: auth.cloud.toBotFromEmulatorOpenIdMetadataUrl,
          OAuthUrl: auth.cloud.oAuthUrl,
          CallerId: auth.cloud.callerId,
        },
        undefined,
        onlyChannelTokens(auth),
      )
    : new ConfigurationBotFrameworkAuthentication({});
  const adapter = new InboundCloudAdapter(authentication);

  adapter.onTurnError = async (context: TurnContext, error: Error) => {
    // Errors here are unexpected (connector, storage, a bug). A connector error's message, details and body
    // may echo what was posted, a temporary password included: only the error's shape is logged, and the
    // reply names only a reference the log line shares.
    const reference = randomUUID();
    // The store's outage is no bug: it is named by its shape, and the person is told to try again shortly.
    const storeDown = storeOutageBehind(error);
    if (storeDown) {
      logger.error(
        {
          reference,
          store: storeDown.store,
          failure: storeDown.failure,
          error: describeError(error),
          activityType: context.activity.type,
        },
        'turn stopped: the state store is unavailable',
      );
    } else {
      logger.error(
        {
          reference,
          error: { ...describeError(error), stack: stackFramesOf(error) },
          activityType: context.activity.type,
        },
        'unhandled error in a turn',
      );
    }
    // Only a message gets an apology, in its own conversation, and only if the tenant guard accepted the
    // turn (otherwise the conversation is a stranger's). An invoke's card says what happened, and an event is
    // a turn the bot started itself (a proactive message), whose conversation may not be the one the person
    // is looking at.
    if (context.activity.type !== 'message' || !tenantAccepted(context)) return;
    await context
      .sendActivity(
        storeDown
          ? storeUnavailableMessage(reference)
          : `Sorry, something went wrong on my side. If a reset was in progress, its card shows what happened. Reference: ${reference}`,
      )
      .catch(() => undefined);
  };
  return adapter;
}

/**
 * The store's outage behind a turn's error, if that is what it is: thrown as it is, or wrapped, once per
 * dialog it passed through, in botbuilder-dialogs' `DialogContextError` (which keeps it as `error`).
 */
export function storeOutageBehind(error: unknown): StoreUnavailable | undefined {
  let current = error;
  for (let depth = 0; depth < 10 && current instanceof DialogContextError; depth += 1)
    current = current.error;
  return current instanceof StoreUnavailable ? current : undefined;
}

/**
 * Teams reaches the bot only through the Bot Framework channel service, whose tokens carry its issuer. botbuilder
 * also accepts Emulator tokens (any Entra token whose `appid` is the bot's own, for any audience, from a list of
 * Microsoft tenants plus the token's own `tid`) and skill tokens; this bot is neither tested with the Emulator
 * nor a skill host, so such a token, however genuine, is refused (403). This check runs after the signature,
 * lifetime, audience and `serviceurl` checks, on every path.
 */
function onlyChannelTokens(auth: BotAuthenticationConfig): AuthenticationConfiguration {
  return {
    requiredEndorsements: [],
    validateClaims: (claims: Claim[]) => {
      const issuer = claims.find((claim) => claim.type === 'iss')?.value;
      return issuer === auth.cloud.toBotFromChannelTokenIssuer
        ? Promise.resolve()
        : Promise.reject(new NotAChannelToken());
    },
  };
}
