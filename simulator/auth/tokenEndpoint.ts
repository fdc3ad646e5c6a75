import type { SimulatorContext } from '../context';
import type { FixtureApplication } from '../fixture/tenantFixture';
import type { GraphUser } from '../directory/directory';
import { checkSignIn } from '../directory/signIn';
import { jsonResponse, type SimRequest, type SimResponse } from '../http/types';
import { checkClientAssertion } from './clientAssertion';
import { entraError } from './entraErrors';
import { botFrameworkAudience, graphAudiences } from './tokenService';

const jwtBearerAssertion = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
const oidcScopes = new Set(['openid', 'profile', 'offline_access', 'email']);

/** The base URL as the client reached us, so that discovery's `issuer` matches the authority host. */
export function publicBaseUrl(request: SimRequest): string {
  return `https://${request.headers.host ?? '127.0.0.1'}`;
}

/** Resolves the `{tenant}` path segment: the tenant id or one of its verified domains. */
export function knownTenant(context: SimulatorContext, segment: string): boolean {
  const directory = context.directory;
  return segment.toLowerCase() === directory.tenantId || directory.domains.has(segment.toLowerCase());
}

export function tenantNotFoundText(tenant: string): string {
  return `Tenant '${tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud. Check with your subscription administrator, this may happen if there are no active subscriptions for the tenant.`;
}

function tenantNotFound(request: SimRequest, tenant: string): SimResponse {
  return entraError(request, 400, 'invalid_request', 90002, tenantNotFoundText(tenant));
}

/** `GET /{tenant}/v2.0/.well-known/openid-configuration` (OpenID Connect discovery, v2.0 endpoint). */
export function openIdConfiguration(
  context: SimulatorContext,
  request: SimRequest,
  tenant: string,
): SimResponse {
  if (!knownTenant(context, tenant)) return tenantNotFound(request, tenant);
  const base = publicBaseUrl(request);
  const tid = context.directory.tenantId;
  return jsonResponse(200, {
    token_endpoint: `${base}/${tid}/oauth2/v2.0/token`,
    token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
    jwks_uri: `${base}/${tid}/discovery/v2.0/keys`,
    response_modes_supported: ['query', 'fragment', 'form_post'],
    subject_types_supported: ['pairwise'],
    id_token_signing_alg_values_supported: ['RS256'],
    response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
    scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
    issuer: `${base}/${tid}/v2.0`,
    request_uri_parameter_supported: false,
    userinfo_endpoint: `${base}/oidc/userinfo`,
    authorization_endpoint: `${base}/${tid}/oauth2/v2.0/authorize`,
    device_authorization_endpoint: `${base}/${tid}/oauth2/v2.0/devicecode`,
    http_logout_supported: true,
    frontchannel_logout_supported: true,
    end_session_endpoint: `${base}/${tid}/oauth2/v2.0/logout`,
    claims_supported: [
      'sub',
      'iss',
      'aud',
      'exp',
      'iat',
      'auth_time',
      'nonce',
      'name',
      'tid',
      'ver',
      'oid',
      'preferred_username',
    ],
    tenant_region_scope: 'NA',
    cloud_instance_name: 'microsoftonline.com',
    cloud_graph_host_name: 'graph.windows.net',
    msgraph_host: 'graph.microsoft.com',
  });
}

/** `GET /{tenant}/discovery/v2.0/keys`: the public key that signs the simulator's tokens. */
export function signingKeys(context: SimulatorContext, request: SimRequest, tenant: string): SimResponse {
  if (!knownTenant(context, tenant)) return tenantNotFound(request, tenant);
  return jsonResponse(200, { keys: [context.tokens.publicJwk()] });
}

/**
 * `POST /{tenant}/oauth2/v2.0/token`: client credentials (secret or certificate), password and authorization
 * code grants.
 */
export function tokenRequest(context: SimulatorContext, request: SimRequest, tenant: string): SimResponse {
  if (!knownTenant(context, tenant)) return tenantNotFound(request, tenant);
  const form = new URLSearchParams(request.body.toString('utf8'));
  const basic = basicCredentials(request.headers.authorization);
  const clientId = form.get('client_id') ?? basic?.clientId ?? null;
  if (!clientId) {
    return entraError(
      request,
      400,
      'invalid_request',
      900144,
      "The request body must contain the following parameter: 'client_id'.",
    );
  }
  const app = context.directory.findApplication(clientId);
  if (!app) {
    return entraError(request, 400, 'unauthorized_client', 700016, appNotFoundText(context, clientId));
  }
  const grantType = form.get('grant_type');
  if (grantType === 'client_credentials')
    return clientCredentialsGrant(context, request, tenant, form, app, basic?.secret);
  if (grantType === 'password') return passwordGrant(context, request, tenant, form, app, basic?.secret);
  if (grantType === 'authorization_code') {
    const client = authenticateClient(context, request, tenant, form, app, basic?.secret);
    if (!client.ok) return client.response;
    return authorizationCodeGrant(context, request, form, app);
  }
  return entraError(
    request,
    400,
    'unsupported_grant_type',
    70003,
    `The app requested an unsupported grant type '${grantType ?? ''}'.`,
  );
}

export function appNotFoundText(context: SimulatorContext, clientId: string): string {
  return `Application with identifier '${clientId}' was not found in the directory '${context.directory.tenantName}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.`;
}

type ClientAuthentication = { ok: true; usedCertificate: boolean } | { ok: false; response: SimResponse };

function authenticateClient(
  context: SimulatorContext,
  request: SimRequest,
  tenant: string,
  form: URLSearchParams,
  app: FixtureApplication,
  basicSecret: string | undefined,
): ClientAuthentication {
  const secret = form.get('client_secret') ?? basicSecret;
  const assertion = form.get('client_assertion');
  if (secret !== undefined && secret !== null) {
    if (app.clientSecrets.includes(secret)) return { ok: true, usedCertificate: false };
    return {
      ok: false,
      response: entraError(
        request,
        401,
        'invalid_client',
        7000215,
        `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${app.appId}'.`,
      ),
    };
  }
  if (assertion !== null) {
    if (form.get('client_assertion_type') !== jwtBearerAssertion) {
      return {
        ok: false,
        response: entraError(request, 400, 'invalid_request', 50027, 'Invalid client_assertion_type.'),
      };
    }
    const base = publicBaseUrl(request);
    const audiences: [string, ...string[]] = [
      `${base}/${tenant}/oauth2/v2.0/token`,
      `${base}/${context.directory.tenantId}/oauth2/v2.0/token`,
    ];
    const registered = app.generatedCertificateCredential ? [context.generatedAppCertificate] : [];
    const check = checkClientAssertion(assertion, app.appId, registered, audiences);
    if (check.ok) return { ok: true, usedCertificate: true };
    return { ok: false, response: entraError(request, 401, 'invalid_client', check.code, check.description) };
  }
  return {
    ok: false,
    response: entraError(
      request,
      401,
      'invalid_client',
      7000218,
      "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.",
    ),
  };
}

function clientCredentialsGrant(
  context: SimulatorContext,
  request: SimRequest,
  tenant: string,
  form: URLSearchParams,
  app: FixtureApplication,
  basicSecret: string | undefined,
): SimResponse {
  const scopes = (form.get('scope') ?? '').split(' ').filter((s) => s && !oidcScopes.has(s));
  if (scopes.length !== 1 || !scopes[0]?.endsWith('/.default')) {
    return entraError(
      request,
      400,
      'invalid_scope',
      1002012,
      `The provided value for scope ${form.get('scope') ?? ''} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).`,
    );
  }
  const resource = scopes[0].slice(0, -'/.default'.length);
  const forBotFramework = isBotFrameworkResource(resource);
  if (!isGraphResource(resource) && !forBotFramework) return unknownResource(context, request, resource);
  const client = authenticateClient(context, request, tenant, form, app, basicSecret);
  if (!client.ok) return client.response;
  const token = forBotFramework
    ? context.tokens.issueAppToken(
        { appId: app.appId, servicePrincipalId: app.servicePrincipalId, roles: [] },
        client.usedCertificate,
        botFrameworkAudience,
      )
    : context.tokens.issueAppToken(
        { appId: app.appId, servicePrincipalId: app.servicePrincipalId, roles: app.applicationPermissions },
        client.usedCertificate,
      );
  return jsonResponse(200, {
    token_type: 'Bearer',
    expires_in: token.expiresIn,
    ext_expires_in: token.expiresIn,
    access_token: token.accessToken,
  });
}

/**
 * Resource-owner password grant (`UsernamePasswordCredential`): only so that tests can get a delegated
 * token for a fixture user. Entra discourages it; it refuses users who must change their password or do MFA.
 */
function passwordGrant(
  context: SimulatorContext,
  request: SimRequest,
  tenant: string,
  form: URLSearchParams,
  app: FixtureApplication,
  basicSecret: string | undefined,
): SimResponse {
  if (
    !app.isFallbackPublicClient ||
    form.has('client_secret') ||
    form.has('client_assertion') ||
    basicSecret
  ) {
    const client = authenticateClient(context, request, tenant, form, app, basicSecret);
    if (!client.ok) return client.response;
  }
  const scopes = resolveDelegatedScopes(form.get('scope') ?? '', app);
  if ('unknownResource' in scopes) return unknownResource(context, request, scopes.unknownResource);
  if ('notConsented' in scopes) {
    return entraError(
      request,
      400,
      'invalid_grant',
      65001,
      `The user or administrator has not consented to use the application with ID '${app.appId}' named '${app.displayName}'. Send an interactive authorization request for this user and resource.`,
    );
  }
  const username = form.get('username') ?? '';
  const outcome = checkSignIn(context.directory, username, form.get('password') ?? '');
  if (outcome.error === 'user_not_found' || outcome.error === 'no_credential_in_tenant') {
    return entraError(
      request,
      400,
      'invalid_grant',
      50034,
      `The user account {EmailHidden} does not exist in the ${context.directory.tenantId} directory. To sign into this application, the account must be added to the directory.`,
    );
  }
  if (outcome.error === 'account_disabled') {
    return entraError(request, 400, 'invalid_grant', 50057, 'The user account is disabled.');
  }
  if (outcome.error !== undefined || !outcome.user) {
    return entraError(
      request,
      400,
      'invalid_grant',
      50126,
      'Error validating credentials due to invalid username or password.',
    );
  }
  if (outcome.mfaRequired) {
    return entraError(
      request,
      400,
      'interaction_required',
      50076,
      "Due to a configuration change made by your administrator, or because you moved to a new location, you must use multi-factor authentication to access '00000003-0000-0000-c000-000000000000'.",
    );
  }
  if (outcome.passwordChangeRequired) {
    return entraError(request, 400, 'invalid_grant', 50055, 'The password is expired.');
  }
  return delegatedTokenResponse(context, request, app, outcome.user, scopes.granted);
}

function delegatedTokenResponse(
  context: SimulatorContext,
  request: SimRequest,
  app: FixtureApplication,
  user: GraphUser,
  granted: string[],
): SimResponse {
  const token = context.tokens.issueUserToken({ appId: app.appId }, user, granted);
  const tid = context.directory.tenantId;
  const clientInfo = Buffer.from(JSON.stringify({ uid: user.id, utid: tid })).toString('base64url');
  return jsonResponse(200, {
    token_type: 'Bearer',
    scope: granted.map((s) => `https://graph.microsoft.com/${s}`).join(' '),
    expires_in: token.expiresIn,
    ext_expires_in: token.expiresIn,
    access_token: token.accessToken,
    id_token: context.tokens.issueIdToken(app.appId, `${publicBaseUrl(request)}/${tid}/v2.0`, user),
    client_info: clientInfo,
  });
}

/**
 * The `authorization_code` grant (auth code flow, Learn): a code from `/authorize`, once, by the client it was
 * issued to, with the same `redirect_uri`; "invalid_grant: The authorization code … is invalid or has expired".
 */
function authorizationCodeGrant(
  context: SimulatorContext,
  request: SimRequest,
  form: URLSearchParams,
  app: FixtureApplication,
): SimResponse {
  const code = form.get('code');
  if (!code) {
    return entraError(
      request,
      400,
      'invalid_request',
      900144,
      "The request body must contain the following parameter: 'code'.",
    );
  }
  const redeemed = redeemAuthorizationCode(context, code, app.appId, form.get('redirect_uri') ?? '');
  if (!redeemed.ok) return entraError(request, 400, 'invalid_grant', redeemed.code, redeemed.description);
  return delegatedTokenResponse(context, request, app, redeemed.user, redeemed.scopes);
}

export type CodeRedemption =
  { ok: true; user: GraphUser; scopes: string[] } | { ok: false; code: number; description: string };

/** Redeems a code for an already authenticated client (the token endpoint, or the Bot token service's callback). */
export function redeemAuthorizationCode(
  context: SimulatorContext,
  code: string,
  clientId: string,
  redirectUri: string,
): CodeRedemption {
  const redemption = context.authorizationCodes.redeem(code, clientId, redirectUri);
  if (!redemption.ok) {
    switch (redemption.reason) {
      case 'redeemed':
        return {
          ok: false,
          code: 54005,
          description:
            'OAuth2 Authorization code was already redeemed, please retry with a new valid code or use an existing refresh token.',
        };
      case 'expired':
        return {
          ok: false,
          code: 70008,
          description:
            'The provided authorization code or refresh token has expired due to inactivity. Send a new interactive authorization request for this user and resource.',
        };
      default:
        return {
          ok: false,
          code: 70000,
          description:
            "The provided value for the 'code' parameter is not valid. The code was not issued to this client for this redirect URI.",
        };
    }
  }
  const user = context.directory.findUser(redemption.grant.userId);
  if (!user?.accountEnabled) {
    return { ok: false, code: 50057, description: 'The user account is disabled.' };
  }
  return { ok: true, user, scopes: redemption.grant.scopes };
}

export function resolveDelegatedScopes(
  scopeText: string,
  app: FixtureApplication,
): { granted: string[] } | { unknownResource: string } | { notConsented: true } {
  const requested = scopeText.split(' ').filter((s) => s && !oidcScopes.has(s));
  const granted = new Set<string>();
  for (const scope of requested) {
    const slash = scope.lastIndexOf('/');
    const resource = slash > 0 ? scope.slice(0, slash) : 'https://graph.microsoft.com';
    const name = slash > 0 ? scope.slice(slash + 1) : scope;
    if (!isGraphResource(resource)) return { unknownResource: resource };
    if (name === '.default') {
      app.delegatedPermissions.forEach((p) => granted.add(p));
    } else if (app.delegatedPermissions.includes(name)) {
      granted.add(name);
    } else {
      return { notConsented: true };
    }
  }
  return { granted: [...granted] };
}

function isGraphResource(resource: string): boolean {
  return (graphAudiences as readonly string[]).includes(resource.replace(/\/$/, '').toLowerCase());
}

function isBotFrameworkResource(resource: string): boolean {
  return resource.replace(/\/$/, '').toLowerCase() === botFrameworkAudience;
}

function unknownResource(context: SimulatorContext, request: SimRequest, resource: string): SimResponse {
  return entraError(
    request,
    400,
    'invalid_resource',
    500011,
    `The resource principal named ${resource} was not found in the tenant named ${context.directory.tenantName}. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You might have sent your authentication request to the wrong tenant.`,
  );
}

function basicCredentials(authorization: string | undefined): { clientId: string; secret: string } | null {
  const encoded = /^Basic\s+(.+)$/i.exec(authorization ?? '')?.[1];
  if (!encoded) return null;
  const decoded = Buffer.from(encoded, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return null;
  return {
    clientId: decodeURIComponent(decoded.slice(0, colon)),
    secret: decodeURIComponent(decoded.slice(colon + 1)),
  };
}
