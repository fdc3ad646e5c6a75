import { DANGEROUS_UNAUTHENTICATED_SWITCH, type BotConfig } from '../bot/config';
import { createAppCredential } from '../graph/appCredential';
import { result, type CheckResult } from './checks';
import { SIGN_IN_TIMEOUT_MS } from './graphSignIn';
import { adviseOnSignInFailure } from './signInFailure';

/**
 * What a single-tenant bot's app registration asks Entra for before it can post to the Bot Connector
 * service ("Authentication with the Bot Connector API", step 1: client credentials for
 * `https://api.botframework.com/.default`, from the bot's tenant).
 */
export const BOT_FRAMEWORK_SCOPE = 'https://api.botframework.com/.default';

/**
 * Asks Entra for the token the Bot Framework SDK will ask for, with `MicrosoftAppId`/`MicrosoftAppPassword`.
 * The SDK always signs in at login.microsoftonline.com; this check uses AZURE_AUTHORITY_HOST, which is that
 * same host unless set otherwise (the simulator, in tests).
 */
export async function checkBotFramework(config: BotConfig): Promise<CheckResult> {
  const check = 'Bot Framework credentials';
  const auth = config.botAuthentication;
  if (auth === null) {
    return result(
      check,
      'warning',
      `authentication is OFF (${DANGEROUS_UNAUTHENTICATED_SWITCH}=true): anyone who can reach /api/messages ` +
        'could make the bot post replies, temporary passwords included, to a server of theirs',
      `Only for a local client such as the Agents Playground. For Teams, set MicrosoftAppId, ` +
        `MicrosoftAppPassword, MicrosoftAppType and MicrosoftAppTenantId and remove ${DANGEROUS_UNAUTHENTICATED_SWITCH} ` +
        '(the server refuses it when NODE_ENV=production).',
    );
  }
  if (auth.appType === 'UserAssignedMSI') {
    return result(
      check,
      'warning',
      `MicrosoftAppType=UserAssignedMSI (${auth.appId}): a managed identity can only be checked on the Azure host it is assigned to`,
      'Run npm run doctor on that host, or send the bot a message in Teams and watch its log.',
    );
  }
  try {
    const credential = createAppCredential({
      tenantId: auth.appTenantId,
      clientId: auth.appId,
      clientSecret: auth.appPassword,
      authorityHost: config.graph.authorityHost,
    });
    await credential.getToken(BOT_FRAMEWORK_SCOPE, { abortSignal: AbortSignal.timeout(SIGN_IN_TIMEOUT_MS) });
  } catch (error) {
    const advice = adviseOnSignInFailure(
      error,
      {
        what: "the Azure Bot's app registration",
        clientId: auth.appId,
        tenantId: auth.appTenantId,
        authorityHost: config.graph.authorityHost,
        clientIdVariable: 'MicrosoftAppId',
        credentialVariable: 'MicrosoftAppPassword',
        managedIdentity: false,
      },
      [auth.appPassword],
    );
    return result(check, 'blocking', advice.detail, advice.fix);
  }
  return result(
    check,
    'ok',
    `MicrosoftAppId ${auth.appId} (SingleTenant) got a token for https://api.botframework.com from tenant ${auth.appTenantId}`,
  );
}
