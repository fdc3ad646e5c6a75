import type { SimulatorContext } from '../context';
import type { FixtureApplication } from '../fixture/tenantFixture';
import { checkSignIn } from '../directory/signIn';
import { escapeHtml, htmlPage, redirect } from '../http/html';
import type { SimRequest, SimResponse } from '../http/types';
import {
  appNotFoundText,
  knownTenant,
  publicBaseUrl,
  resolveDelegatedScopes,
  tenantNotFoundText,
} from './tokenEndpoint';

/** The request parameters the page carries through its form. */
const carried = [
  'client_id',
  'response_type',
  'redirect_uri',
  'scope',
  'state',
  'response_mode',
  'login_hint',
] as const;

/**
 * `GET|POST /{tenant}/oauth2/v2.0/authorize` (Learn: "Microsoft identity platform and OAuth 2.0 authorization
 * code flow"): a sign-in page for the tenant's people, then a redirect to `redirect_uri` with `code` and `state`,
 * or with `error` and `error_description`. Problems that make the redirect untrustworthy (unknown tenant, app or
 * redirect URI) are shown on the page instead, as Entra does.
 */
export function authorizeRequest(
  context: SimulatorContext,
  request: SimRequest,
  tenant: string,
): SimResponse {
  const params =
    request.method === 'POST' ? new URLSearchParams(request.body.toString('utf8')) : request.query;
  if (!knownTenant(context, tenant)) return errorPage(90002, tenantNotFoundText(tenant));
  const clientId = params.get('client_id') ?? '';
  const app = context.directory.findApplication(clientId);
  if (!clientId) {
    return errorPage(900144, "The request body must contain the following parameter: 'client_id'.");
  }
  if (!app) return errorPage(700016, appNotFoundText(context, clientId));
  const redirectUri = params.get('redirect_uri') ?? '';
  if (!registeredRedirectUris(app, request).includes(redirectUri)) {
    return errorPage(
      50011,
      `The redirect URI '${redirectUri}' specified in the request does not match the redirect URIs configured for the application '${app.appId}'. Make sure the redirect URI sent in the request matches one added to your application in the Azure portal.`,
    );
  }
  const state = params.get('state');
  const fail = (error: string, code: number, description: string): SimResponse =>
    redirect(withQuery(redirectUri, { error, error_description: `AADSTS${code}: ${description}`, state }));

  const responseType = params.get('response_type') ?? '';
  if (responseType !== 'code') {
    return fail(
      'unsupported_response_type',
      70005,
      `response_type '${responseType}' is not enabled for the application.`,
    );
  }
  const scopeText = params.get('scope') ?? '';
  if (!scopeText.trim()) {
    return fail('invalid_request', 900144, "The request body must contain the following parameter: 'scope'.");
  }
  const scopes = resolveDelegatedScopes(scopeText, app);
  if ('unknownResource' in scopes) {
    return fail(
      'invalid_resource',
      500011,
      `The resource principal named ${scopes.unknownResource} was not found in the tenant named ${context.directory.tenantName}.`,
    );
  }
  if ('notConsented' in scopes) {
    return fail(
      'consent_required',
      65001,
      `The user or administrator has not consented to use the application with ID '${app.appId}' named '${app.displayName}'. Send an interactive authorization request for this user and resource.`,
    );
  }
  if (request.method !== 'POST') return signInPage(params, app, null);
  if (params.get('action') === 'cancel') {
    return fail('access_denied', 65004, 'User declined to consent to access the app.');
  }
  const login = params.get('login') ?? '';
  const outcome = checkSignIn(context.directory, login, params.get('passwd') ?? '');
  switch (outcome.error) {
    case undefined:
      break;
    case 'user_not_found':
    case 'no_credential_in_tenant':
      return signInPage(params, app, "We couldn't find an account with that username.");
    case 'account_disabled':
      return signInPage(params, app, 'AADSTS50057: The user account is disabled.');
    case 'federated_domain':
      return signInPage(
        params,
        app,
        'AADSTS50107: This account signs in at its organization’s identity provider, which the simulator does not host.',
      );
    default:
      return signInPage(
        params,
        app,
        "Your account or password is incorrect. If you don't remember your password, reset it now.",
      );
  }
  if (outcome.mfaRequired || outcome.passwordChangeRequired || !outcome.user) {
    // Entra would continue with an MFA or password-change page; the simulator has neither.
    return signInPage(
      params,
      app,
      outcome.mfaRequired
        ? 'AADSTS50076: You must use multi-factor authentication, which the simulator does not offer.'
        : 'AADSTS50055: You must update your password, which this page does not offer.',
    );
  }
  const code = context.authorizationCodes.issue({
    clientId: app.appId,
    redirectUri,
    userId: outcome.user.id,
    scopes: scopes.granted,
  });
  return redirect(withQuery(redirectUri, { code, state }));
}

/** The app's redirect URIs, `{simulator}` replaced by the base URL the browser used. */
function registeredRedirectUris(app: FixtureApplication, request: SimRequest): string[] {
  return app.redirectUris.map((uri) => uri.replace('{simulator}', publicBaseUrl(request)));
}

function withQuery(uri: string, values: Record<string, string | null>): string {
  const url = new URL(uri);
  for (const [name, value] of Object.entries(values)) if (value !== null) url.searchParams.set(name, value);
  return url.toString();
}

function errorPage(code: number, description: string): SimResponse {
  return htmlPage(
    400,
    'Sign in to your account',
    `<h1>Sorry, but we’re having trouble signing you in.</h1>\n<p id="error">AADSTS${code}: ${escapeHtml(description)}</p>`,
  );
}

function signInPage(params: URLSearchParams, app: FixtureApplication, error: string | null): SimResponse {
  const hidden = carried
    .map((name) => {
      const value = params.get(name);
      return value === null ? '' : `<input type="hidden" name="${name}" value="${escapeHtml(value)}">`;
    })
    .join('\n');
  // `login_hint` pre-fills the user name ("Can be used to pre-fill the username/email address field").
  const login = escapeHtml(params.get('login') ?? params.get('login_hint') ?? '');
  return htmlPage(
    200,
    'Sign in to your account',
    [
      `<h1>Sign in</h1>`,
      `<p>to continue to ${escapeHtml(app.displayName)}</p>`,
      error === null ? '' : `<p id="error" role="alert">${escapeHtml(error)}</p>`,
      `<form method="post">`,
      hidden,
      `<label>Email or user principal name <input name="login" type="text" value="${login}" autocomplete="username"></label>`,
      `<label>Password <input name="passwd" type="password" autocomplete="current-password"></label>`,
      `<button type="submit" name="action" value="signin">Sign in</button>`,
      `<button type="submit" name="action" value="cancel">Cancel</button>`,
      `</form>`,
    ].join('\n'),
  );
}
