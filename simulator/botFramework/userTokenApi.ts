import { z } from 'zod';
import { redeemAuthorizationCode, publicBaseUrl, resolveDelegatedScopes } from '../auth/tokenEndpoint';
import { botFrameworkAudience } from '../auth/tokenService';
import type { SimulatorContext } from '../context';
import type { GraphUser } from '../directory/directory';
import type { FixtureOAuthConnection } from '../fixture/tenantFixture';
import { escapeHtml, htmlPage, redirect } from '../http/html';
import { parseJsonBody } from '../http/requestBody';
import { emptyResponse, jsonResponse, type SimRequest, type SimResponse } from '../http/types';
import { UserTokenStore, type StoredUserToken } from './userTokenStore';

/** The path prefix of the token service: the bot's `OAuthUrl` is `<simulator url>/botframework`. */
export const tokenServicePrefix = 'botframework';

/** The real service refreshes a stored token before handing it out when it is about to expire. */
const refreshMarginMs = 5 * 60 * 1000;

/** `TokenExchangeState`, base64 JSON built by botbuilder's `UserTokenClient.createTokenExchangeState`. */
const exchangeStateSchema = z.object({
  connectionName: z.string(),
  conversation: z
    .object({
      channelId: z.string().optional(),
      user: z.object({ id: z.string() }).passthrough().optional(),
    })
    .passthrough(),
  msAppId: z.string(),
});

const exchangeRequestSchema = z.object({ uri: z.string().optional(), token: z.string().optional() });

/**
 * A stand-in for the Bot Framework token service (`https://token.botframework.com`, "Microsoft Bot Token API -
 * V3.1"): the operations botbuilder 4.23.3's `UserTokenClientImpl` calls, the sign-in link it hands out, and
 * the OAuth redirect (`/.auth/web/redirect`) an Azure Bot OAuth connection registers.
 */
export function routeTokenService(context: SimulatorContext, request: SimRequest): SimResponse {
  const path = request.segments.slice(1).join('/').toLowerCase();
  const route = `${request.method} ${path}`;
  // Browser endpoints: no bearer token (the user's browser follows them).
  if (route === 'GET api/oauth/signin') return startSignIn(context, request);
  if (route === 'GET .auth/web/redirect') return finishSignIn(context, request);

  const caller = authenticateBot(context, request);
  if (caller) return caller;
  switch (route) {
    case 'GET api/usertoken/gettoken':
      return getToken(context, request);
    case 'GET api/botsignin/getsigninresource':
      return getSignInResource(context, request, false);
    case 'GET api/botsignin/getsigninurl':
      return getSignInResource(context, request, true);
    case 'POST api/usertoken/exchange':
      return exchange(context, request);
    case 'DELETE api/usertoken/signout':
      return signOut(context, request);
    case 'GET api/usertoken/gettokenstatus':
      return getTokenStatus(context, request);
    case 'POST api/usertoken/getaadtokens':
      return getAadTokens(context, request);
    default:
      return serviceError(404, 'NotFound', `No token service endpoint ${request.method} ${request.rawPath}.`);
  }
}

/** The Token API's `ErrorResponse`: `{"error": {"code", "message"}}`. */
function serviceError(status: number, code: string, message: string): SimResponse {
  return jsonResponse(status, { error: { code, message } });
}

/** A bearer token for `https://api.botframework.com` issued to the bot registration's app; else 401. */
function authenticateBot(context: SimulatorContext, request: SimRequest): SimResponse | null {
  const token = /^Bearer\s+(.+)$/i.exec(request.headers.authorization ?? '')?.[1]?.trim();
  const check = context.tokens.verifyForAudience(token, botFrameworkAudience);
  const registration = context.directory.botRegistration;
  if (
    !check.ok ||
    check.claims.idtyp !== 'app' ||
    !registration ||
    check.claims.appid.toLowerCase() !== registration.msAppId.toLowerCase()
  ) {
    return serviceError(401, 'Unauthorized', 'Authorization has been denied for this request.');
  }
  return null;
}

type Lookup<T> = { ok: true; value: T } | { ok: false; response: SimResponse };

function requireParams(request: SimRequest, names: string[]): Lookup<Record<string, string>> {
  const values: Record<string, string> = {};
  for (const name of names) {
    const value = request.query.get(name);
    if (!value) {
      return {
        ok: false,
        response: serviceError(400, 'BadArgument', `The parameter '${name}' is required.`),
      };
    }
    values[name] = value;
  }
  return { ok: true, value: values };
}

function findConnection(context: SimulatorContext, name: string): Lookup<FixtureOAuthConnection> {
  const connection = context.directory.botRegistration?.oauthConnections.find(
    (c) => c.name.toLowerCase() === name.toLowerCase(),
  );
  return connection
    ? { ok: true, value: connection }
    : {
        ok: false,
        response: serviceError(
          400,
          'BadArgument',
          `The connection '${name}' is not configured for this bot.`,
        ),
      };
}

/**
 * The stored token, refreshed when it is about to expire; nothing when the grant no longer holds (account
 * disabled or deleted, or sign-in sessions revoked after the sign-in: "revokeSignInSessions … invalidates all
 * the refresh tokens issued to applications for a user").
 */
function currentToken(context: SimulatorContext, stored: StoredUserToken): StoredUserToken | undefined {
  const user = context.directory.findUser(stored.userObjectId);
  const revoked =
    !user ||
    !user.accountEnabled ||
    (user.signInSessionsValidFromDateTime !== null &&
      Date.parse(user.signInSessionsValidFromDateTime) > Date.parse(stored.signedInAt));
  if (revoked) {
    context.userTokens.delete(stored.userId, stored.connectionName);
    return undefined;
  }
  if (stored.expiresAt - Date.now() < refreshMarginMs) {
    const connection = findConnection(context, stored.connectionName);
    if (!connection.ok) return undefined;
    const issued = context.tokens.issueUserToken({ appId: connection.value.clientId }, user, stored.scopes);
    stored.accessToken = issued.accessToken;
    stored.expiresAt = Date.now() + issued.expiresIn * 1000;
  }
  return stored;
}

function tokenResponse(stored: StoredUserToken, channelId: string): Record<string, string> {
  return {
    channelId,
    connectionName: stored.connectionName,
    token: stored.accessToken,
    expiration: new Date(stored.expiresAt).toISOString(),
  };
}

/**
 * `GET api/usertoken/GetToken?userId&connectionName&channelId&code`: 200 `TokenResponse`, or 404 with an empty
 * body when there is none (botbuilder's OAuthPrompt treats any parsed body as a token response).
 */
function getToken(context: SimulatorContext, request: SimRequest): SimResponse {
  const params = requireParams(request, ['userId', 'connectionName']);
  if (!params.ok) return params.response;
  const connection = findConnection(context, params.value.connectionName ?? '');
  if (!connection.ok) return connection.response;
  const stored = context.userTokens.get(params.value.userId ?? '', connection.value.name);
  const current = stored ? currentToken(context, stored) : undefined;
  const code = request.query.get('code');
  if (!current || (code && current.magicCode !== null && code !== current.magicCode)) {
    return emptyResponse(404);
  }
  return jsonResponse(200, tokenResponse(current, request.query.get('channelId') ?? current.channelId));
}

/**
 * `GET api/botsignin/GetSignInResource?state&code_challenge&emulatorUrl&finalRedirect`: a `SignInUrlResponse`
 * whose `signInLink` starts the sign-in here, and a `tokenExchangeResource` when the connection has a Token
 * Exchange URL (SSO). `GetSignInUrl` answers the link alone.
 */
function getSignInResource(context: SimulatorContext, request: SimRequest, linkOnly: boolean): SimResponse {
  const raw = request.query.get('state');
  let state: z.infer<typeof exchangeStateSchema> | null = null;
  try {
    const parsed = exchangeStateSchema.safeParse(
      JSON.parse(Buffer.from(raw ?? '', 'base64').toString('utf8')) as unknown,
    );
    state = parsed.success ? parsed.data : null;
  } catch {
    state = null;
  }
  const userId = state?.conversation.user?.id;
  if (!state || !userId) {
    return serviceError(400, 'BadArgument', 'The state parameter is not a valid token exchange state.');
  }
  const connection = findConnection(context, state.connectionName);
  if (!connection.ok) return connection.response;
  const signInId = context.userTokens.startSignIn({
    userId,
    connectionName: connection.value.name,
    channelId: state.conversation.channelId ?? '',
    msAppId: state.msAppId,
    finalRedirect: request.query.get('finalRedirect'),
  });
  const signInLink = `${publicBaseUrl(request)}/${tokenServicePrefix}/api/oauth/signin?signin=${signInId}`;
  if (linkOnly) return jsonResponse(200, signInLink);
  const exchangeUri = connection.value.tokenExchangeUrl;
  return jsonResponse(200, {
    signInLink,
    ...(exchangeUri
      ? { tokenExchangeResource: { id: signInId, uri: exchangeUri, providerId: connection.value.clientId } }
      : {}),
  });
}

/** `GET api/oauth/signin?signin=…` (the sign-in link): on to Entra's authorize endpoint for the connection. */
function startSignIn(context: SimulatorContext, request: SimRequest): SimResponse {
  const signInId = request.query.get('signin') ?? '';
  const pending = context.userTokens.peekSignIn(signInId);
  const connection = pending ? findConnection(context, pending.connectionName) : null;
  if (!pending || !connection?.ok) {
    return htmlPage(
      400,
      'Sign-in link',
      '<p id="error">This sign-in link is not valid or has been used.</p>',
    );
  }
  const base = publicBaseUrl(request);
  const authorize = new URL(`${base}/${context.directory.tenantId}/oauth2/v2.0/authorize`);
  authorize.searchParams.set('response_type', 'code');
  authorize.searchParams.set('client_id', connection.value.clientId);
  authorize.searchParams.set('redirect_uri', callbackUri(request));
  authorize.searchParams.set('scope', connection.value.scopes.join(' '));
  authorize.searchParams.set('state', signInId);
  return redirect(authorize.toString());
}

function callbackUri(request: SimRequest): string {
  return `${publicBaseUrl(request)}/${tokenServicePrefix}/.auth/web/redirect`;
}

/**
 * `GET .auth/web/redirect?code&state` (or `error`, `error_description`): redeems the code with the connection's
 * client secret, stores the token for the user and connection, and says the window can be closed. The page
 * also shows a magic code for clients that ask the user for one (Teams sends it in `signin/verifyState`).
 */
function finishSignIn(context: SimulatorContext, request: SimRequest): SimResponse {
  const pending = context.userTokens.takeSignIn(request.query.get('state') ?? '');
  if (!pending) {
    return htmlPage(400, 'Sign-in', '<p id="error">This sign-in is not valid or has already completed.</p>');
  }
  const error = request.query.get('error');
  if (error) {
    return htmlPage(
      400,
      'Sign-in failed',
      `<p id="error">Sign-in failed: ${escapeHtml(error)}</p>\n<p>${escapeHtml(request.query.get('error_description') ?? '')}</p>`,
    );
  }
  const connection = findConnection(context, pending.connectionName);
  const app = connection.ok ? context.directory.findApplication(connection.value.clientId) : undefined;
  if (!connection.ok || !app?.clientSecrets.includes(connection.value.clientSecret)) {
    return htmlPage(
      400,
      'Sign-in failed',
      '<p id="error">The connection setting could not sign in to Entra ID.</p>',
    );
  }
  const redeemed = redeemAuthorizationCode(
    context,
    request.query.get('code') ?? '',
    connection.value.clientId,
    callbackUri(request),
  );
  if (!redeemed.ok) {
    return htmlPage(
      400,
      'Sign-in failed',
      `<p id="error">AADSTS${redeemed.code}: ${escapeHtml(redeemed.description)}</p>`,
    );
  }
  const magicCode = UserTokenStore.newMagicCode();
  store(
    context,
    pending.userId,
    connection.value,
    pending.channelId,
    redeemed.user,
    redeemed.scopes,
    magicCode,
  );
  if (pending.finalRedirect) return redirect(pending.finalRedirect);
  return htmlPage(
    200,
    'Signed in',
    `<h1>You're signed in</h1>\n<p>You can close this window.</p>\n<p>If the bot asks for a code, type <span id="magic-code">${magicCode}</span>.</p>`,
  );
}

function store(
  context: SimulatorContext,
  userId: string,
  connection: FixtureOAuthConnection,
  channelId: string,
  user: GraphUser,
  scopes: string[],
  magicCode: string | null,
): StoredUserToken {
  const issued = context.tokens.issueUserToken({ appId: connection.clientId }, user, scopes);
  const stored: StoredUserToken = {
    userId,
    connectionName: connection.name,
    channelId,
    userObjectId: user.id,
    scopes,
    signedInAt: new Date().toISOString(),
    accessToken: issued.accessToken,
    expiresAt: Date.now() + issued.expiresIn * 1000,
    magicCode,
  };
  context.userTokens.put(stored);
  return stored;
}

/**
 * `POST api/usertoken/exchange?userId&connectionName&channelId` with `{"token"}`: on-behalf-of the user of a
 * token Entra issued for the connection's Token Exchange URL (the Teams SSO token). 200 `TokenResponse`;
 * anything it cannot exchange: 400 `ErrorResponse`, which botbuilder turns into a 412 invoke answer so that
 * Teams shows the sign-in card.
 */
function exchange(context: SimulatorContext, request: SimRequest): SimResponse {
  const params = requireParams(request, ['userId', 'connectionName', 'channelId']);
  if (!params.ok) return params.response;
  const connection = findConnection(context, params.value.connectionName ?? '');
  if (!connection.ok) return connection.response;
  const body = exchangeRequestSchema.safeParse(parseJsonBody(request.body));
  const notExchangeable = serviceError(400, 'BadArgument', 'The provided token is not exchangeable.');
  if (!body.success || !body.data.token || !connection.value.tokenExchangeUrl) return notExchangeable;
  const check = context.tokens.verifyForAudience(body.data.token, connection.value.tokenExchangeUrl);
  if (!check.ok || check.claims.idtyp !== 'user') return notExchangeable;
  const user = context.directory.findUser(check.claims.oid);
  const app = context.directory.findApplication(connection.value.clientId);
  const revoked =
    user?.signInSessionsValidFromDateTime != null &&
    Date.parse(user.signInSessionsValidFromDateTime) > check.claims.iat * 1000;
  if (!user?.accountEnabled || !app || revoked) return notExchangeable;
  const scopes = resolveDelegatedScopes(connection.value.scopes.join(' '), app);
  if (!('granted' in scopes)) return notExchangeable;
  const stored = store(
    context,
    params.value.userId ?? '',
    connection.value,
    params.value.channelId ?? '',
    user,
    scopes.granted,
    null,
  );
  return jsonResponse(200, tokenResponse(stored, params.value.channelId ?? ''));
}

/** `DELETE api/usertoken/SignOut?userId&connectionName&channelId`: one connection, or all without a name. */
function signOut(context: SimulatorContext, request: SimRequest): SimResponse {
  const params = requireParams(request, ['userId']);
  if (!params.ok) return params.response;
  const userId = params.value.userId ?? '';
  const name = request.query.get('connectionName');
  const names = name ? [name] : context.userTokens.connectionsWithToken(userId);
  for (const connectionName of names) context.userTokens.delete(userId, connectionName);
  return emptyResponse(204);
}

/** `GET api/usertoken/GetTokenStatus?userId&channelId&include`: one `TokenStatus` per connection. */
function getTokenStatus(context: SimulatorContext, request: SimRequest): SimResponse {
  const params = requireParams(request, ['userId']);
  if (!params.ok) return params.response;
  const include = (request.query.get('include') ?? '')
    .split(',')
    .map((n) => n.trim().toLowerCase())
    .filter(Boolean);
  const connections = (context.directory.botRegistration?.oauthConnections ?? []).filter(
    (c) => include.length === 0 || include.includes(c.name.toLowerCase()),
  );
  return jsonResponse(
    200,
    connections.map((c) => {
      const stored = context.userTokens.get(params.value.userId ?? '', c.name);
      return {
        channelId: request.query.get('channelId') ?? stored?.channelId ?? '',
        connectionName: c.name,
        hasToken: stored !== undefined && currentToken(context, stored) !== undefined,
        serviceProviderDisplayName: 'Azure Active Directory v2',
      };
    }),
  );
}

/**
 * `POST api/usertoken/GetAadTokens?userId&connectionName&channelId` with `{"resourceUrls": […]}`: a
 * `TokenResponse` per resource the user's grant covers (Graph only here); others, or all when the user has no
 * token, are left out.
 */
function getAadTokens(context: SimulatorContext, request: SimRequest): SimResponse {
  const params = requireParams(request, ['userId', 'connectionName']);
  if (!params.ok) return params.response;
  const connection = findConnection(context, params.value.connectionName ?? '');
  if (!connection.ok) return connection.response;
  const body = z.object({ resourceUrls: z.array(z.string()) }).safeParse(parseJsonBody(request.body));
  if (!body.success) return serviceError(400, 'BadArgument', 'Expected {"resourceUrls": [string]}.');
  const stored = context.userTokens.get(params.value.userId ?? '', connection.value.name);
  const current = stored ? currentToken(context, stored) : undefined;
  if (!current) return jsonResponse(200, {});
  const channelId = request.query.get('channelId') ?? current.channelId;
  const result: Record<string, Record<string, string>> = {};
  for (const url of body.data.resourceUrls) {
    if (/^https:\/\/graph\.microsoft\.com\/?$/i.test(url)) result[url] = tokenResponse(current, channelId);
  }
  return jsonResponse(200, result);
}
