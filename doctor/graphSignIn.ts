import { appCredentialKind, createAppCredential } from '../graph/appCredential';
import { graphTokenScope, type GraphConnectionConfig } from '../graph/graphClient';
import { result, type CheckResult } from './checks';
import { adviseOnSignInFailure } from './signInFailure';
import { readAppTokenClaims, type AppTokenClaims } from './tokenClaims';

export const SIGN_IN_TIMEOUT_MS = 30_000;

/** Gets a Graph token exactly as the bot does (its credential, its scope) and reads who it names. */
export async function signInToGraph(
  config: GraphConnectionConfig,
): Promise<{ result: CheckResult; claims: AppTokenClaims | null }> {
  const check = 'Graph sign-in';
  const kind = appCredentialKind(config);
  const subject = {
    what: 'the Graph app registration',
    clientId: config.clientId,
    tenantId: config.tenantId,
    authorityHost: config.authorityHost,
    clientIdVariable: 'AZURE_CLIENT_ID',
    credentialVariable: kind === 'certificate' ? 'AZURE_CLIENT_CERTIFICATE_PATH' : 'AZURE_CLIENT_SECRET',
    managedIdentity: kind === 'managed identity',
  };
  let token: string | undefined;
  try {
    const credential = createAppCredential(config);
    const scope = graphTokenScope(config);
    token = (await credential.getToken(scope, { abortSignal: AbortSignal.timeout(SIGN_IN_TIMEOUT_MS) }))
      ?.token;
  } catch (error) {
    const advice = adviseOnSignInFailure(error, subject, [config.clientSecret ?? '']);
    return { result: result(check, 'blocking', advice.detail, advice.fix), claims: null };
  }
  const claims = token === undefined ? null : readAppTokenClaims(token);
  if (claims === null) {
    return {
      result: result(
        check,
        'blocking',
        'Entra issued a token the preflight cannot read (no oid or tid claim): not an app-only token',
        'Check AZURE_AUTHORITY_HOST and GRAPH_BASE_URL: they must name Entra and Microsoft Graph of one cloud.',
      ),
      claims: null,
    };
  }
  if (claims.tenantId.toLowerCase() !== config.tenantId.toLowerCase()) {
    return {
      result: result(
        check,
        'blocking',
        `the token is for tenant ${claims.tenantId}, not AZURE_TENANT_ID ${config.tenantId}`,
        'Set AZURE_TENANT_ID to the tenant whose directory the bot changes.',
      ),
      claims: null,
    };
  }
  return {
    result: result(
      check,
      'ok',
      `token issued with a ${kind} to app ${claims.appId ?? config.clientId ?? '?'} ` +
        `(service principal ${claims.servicePrincipalId}) for ${graphTokenScope(config)}`,
    ),
    claims,
  };
}
