import type { AgentSignInConfig, BotConfig } from '../bot/config';
import { TokenServiceClient } from '../bot/tokenService';
import { appCredentialKind, createAppCredential } from '../graph/appCredential';
import { AGENT_DELEGATED_SCOPES } from '../graph/permissions';
import { result, type CheckResult } from './checks';
import { BOT_FRAMEWORK_SCOPE } from './botFrameworkCheck';
import { SIGN_IN_TIMEOUT_MS } from './graphSignIn';
import { adviseOnSignInFailure } from './signInFailure';

export const OAUTH_CONNECTION_CHECK = 'Agent sign-in (OAuth connection)';

/**
 * Who the preflight asks the token service about: no Teams user has this id, so an OAuth connection the
 * service knows answers "no token" (404), as it does for an agent who has not signed in yet.
 */
export const PROBE_USER_ID = 'helpdesk-reset-doctor-probe';
const PROBE_CHANNEL_ID = 'msteams';

const DELEGATED = AGENT_DELEGATED_SCOPES.join(' ');
const NEEDS_DELEGATED =
  "The connection's app registration needs the delegated Microsoft Graph permission " +
  'UserAuthenticationMethod.ReadWrite.All (plus openid, profile, offline_access), with admin consent';

/**
 * With `RESET_AS=agent`: asks the Bot Framework token service for a probe user's token through the
 * connection `OAUTH_CONNECTION_NAME`, with the bot's own token service client and credential. "No token"
 * means the service knows the connection; an error names what is wrong.
 */
export async function checkOAuthConnection(
  config: BotConfig,
  signIn: AgentSignInConfig,
): Promise<CheckResult> {
  const { connectionName, tokenServiceUrl, credential: credentialConfig } = signIn;
  const fromBotApp = config.botAuthentication !== null;
  const appId = credentialConfig.clientId ?? config.botAuthentication?.appId ?? '';
  const kind = appCredentialKind(credentialConfig);
  const unreachable = `the token service at ${tokenServiceUrl} (OAuthUrl)`;

  const credential = createAppCredential(credentialConfig);
  try {
    await credential.getToken(BOT_FRAMEWORK_SCOPE, { abortSignal: AbortSignal.timeout(SIGN_IN_TIMEOUT_MS) });
  } catch (error) {
    const managedIdentity = kind === 'managed identity';
    const advice = adviseOnSignInFailure(
      error,
      {
        what: 'the app registration the bot calls the token service as',
        clientId: credentialConfig.clientId,
        tenantId: credentialConfig.tenantId,
        authorityHost: credentialConfig.authorityHost,
        clientIdVariable: fromBotApp ? 'MicrosoftAppId' : 'AZURE_CLIENT_ID',
        credentialVariable: fromBotApp
          ? 'MicrosoftAppPassword'
          : kind === 'certificate'
            ? 'AZURE_CLIENT_CERTIFICATE_PATH'
            : 'AZURE_CLIENT_SECRET',
        managedIdentity,
      },
      [credentialConfig.clientSecret ?? ''],
    );
    const offAzure = managedIdentity && error instanceof Error && error.name === 'CredentialUnavailableError';
    return result(
      OAUTH_CONNECTION_CHECK,
      offAzure ? 'warning' : 'blocking',
      `cannot authenticate to ${unreachable}: ${advice.detail}`,
      offAzure ? 'Run npm run doctor on the Azure host the managed identity is assigned to.' : advice.fix,
    );
  }

  const client = new TokenServiceClient({ tokenServiceUrl, appId }, credential);
  let failure: unknown;
  try {
    await withTimeout(client.getUserToken(PROBE_USER_ID, connectionName, PROBE_CHANNEL_ID, undefined));
  } catch (error) {
    failure = error;
  }
  if (failure === undefined) {
    return result(
      OAUTH_CONNECTION_CHECK,
      'ok',
      `${unreachable} knows the connection "${connectionName}" (GetToken for a probe user: no token) and ` +
        `accepts the bot's app ${appId}. ${NEEDS_DELEGATED}; each agent needs an active Entra role that may ` +
        'reset the user. The preflight cannot see the connection’s scopes: use Test Connection on the Azure Bot',
    );
  }

  const { status, code, message } = describeFailure(failure);
  const answer = [status, code].filter((part) => part !== null).join(' ');
  const quoted = `${answer}${message ? `: ${message}` : ''}`;
  if (status === 400 || status === 404) {
    return result(
      OAUTH_CONNECTION_CHECK,
      'blocking',
      `${unreachable} does not know the connection "${connectionName}" (${quoted}): no agent can sign in, ` +
        'so no reset can be made',
      'Azure portal → the Azure Bot → Settings → Configuration → Add OAuth Connection Settings: name ' +
        `"${connectionName}" (or set OAUTH_CONNECTION_NAME to the name of the connection that exists), service ` +
        `provider Azure Active Directory v2, tenant ${config.tenantId}, the client id and secret of an app ` +
        `registration, Token Exchange URL api://botid-${appId}, scopes "${DELEGATED}". ${NEEDS_DELEGATED}. ` +
        'Then Test Connection there.',
    );
  }
  if (status === 401 || status === 403) {
    return result(
      OAUTH_CONNECTION_CHECK,
      'blocking',
      `cannot authenticate to ${unreachable}: it refused the token of app ${appId} (${quoted})`,
      'The token service answers only the Azure Bot’s own app registration: check that ' +
        `${fromBotApp ? 'MicrosoftAppId' : 'AZURE_CLIENT_ID'} is the Azure Bot's Microsoft App ID (Azure Bot → ` +
        'Settings → Configuration), that MicrosoftAppTenantId is its tenant, and that OAuthUrl is the token ' +
        'service of its cloud and region (default https://token.botframework.com).',
    );
  }
  if (status !== null && status >= 500) {
    return result(
      OAUTH_CONNECTION_CHECK,
      'warning',
      `could not check the connection "${connectionName}": ${unreachable} answered ${quoted}`,
      'Run the preflight again in a few minutes.',
    );
  }
  return result(
    OAUTH_CONNECTION_CHECK,
    'blocking',
    `could not ask ${unreachable} about the connection "${connectionName}": ${quoted || 'no answer'}`,
    'Check OAuthUrl (the Bot Framework token service, default https://token.botframework.com) and that this ' +
      'host can reach it over HTTPS.',
  );
}

/** What the token service answered, from botbuilder's error (a RestError with `statusCode` and `code`). */
function describeFailure(error: unknown): { status: number | null; code: string | null; message: string } {
  const { statusCode, code } = (error ?? {}) as { statusCode?: unknown; code?: unknown };
  const message = error instanceof Error ? error.message : String(error);
  const firstLine = message.split(/\r?\n/)[0] ?? '';
  return {
    status: typeof statusCode === 'number' && statusCode > 0 ? statusCode : null,
    code: typeof code === 'string' && code !== '' ? code : null,
    message: firstLine.length > 300 ? `${firstLine.slice(0, 300)}…` : firstLine,
  };
}

function withTimeout<T>(work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`no answer within ${SIGN_IN_TIMEOUT_MS / 1000} seconds`)),
      SIGN_IN_TIMEOUT_MS,
    );
    timer.unref();
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}
