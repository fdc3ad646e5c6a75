import { AgentFacingError } from '../core/errors';
import { AGENT_TOKEN_UNAVAILABLE } from './delegatedToken';
import { GRAPH_REQUEST_NOT_SENT } from './requestTimeout';

/**
 * The parts of the Graph SDK's `GraphError` this mapping reads. Matched by shape rather than `instanceof` so a
 * second copy of the SDK in node_modules cannot make a Graph failure look like an unknown one.
 */
interface GraphErrorLike {
  statusCode: number;
  code?: string | null;
  message: string;
  requestId?: string | null;
  headers?: unknown;
}

/** Error names `@azure/identity` uses when the bot cannot get its own token from Entra. */
const SIGN_IN_FAILURES = new Set([
  'AuthenticationError',
  'AggregateAuthenticationError',
  'CredentialUnavailableError',
  'AuthenticationRequiredError',
]);

const SSPR_URL = 'https://aka.ms/sspr';
const CONTACT_BOT_ADMIN = "Contact the team that runs this bot and give them the support id, if there's one.";
const TRY_AGAIN_LATER =
  'Try again in a few minutes. If it keeps failing, contact the team that runs this bot.';

/**
 * What a Graph call was for, so that its failure can be explained. Entra refuses an app-only read only for a
 * missing permission, but a write also for the bot's own directory role: a 403 means different things.
 */
export interface GraphCallContext {
  /** What the bot was doing, in plain words ("reset the password"). */
  action: string;
  access: 'read' | 'write';
  /**
   * The Microsoft Graph permission the call needs, as the README asks to grant it: an application permission
   * for the bot's own calls, a delegated one for the agent's.
   */
  permission: string;
  /**
   * Whose token the call carries: the bot's app-only token (the default), or the signed-in agent's delegated
   * token, with which Entra checks the agent's own role and a 401 means the agent's sign-in, not the bot's.
   */
  caller?: 'bot' | 'agent';
}

/**
 * Maps any failure of a Graph call onto what the requester can act on. `call` says what the bot was doing
 * (plain words alone when nothing more is known). Messages are written here, never copied from Graph: Graph's
 * own messages are for developers and may echo what the request carried.
 */
export function toAgentFacingError(error: unknown, call: GraphCallContext | string): AgentFacingError {
  if (error instanceof AgentFacingError) {
    return error;
  }
  const mapped = mapFailure(error, call);
  return new AgentFacingError(mapped.kind, mapped.message, mapped.nextStep, mapped.requestId, {
    cause: error,
    outcomeUnknown: mayHaveBeenApplied(error),
  });
}

function mapFailure(error: unknown, call: GraphCallContext | string): AgentFacingError {
  const action = typeof call === 'string' ? call : call.action;
  if (isAgentTokenUnavailable(error)) {
    return agentSignInRequired(action);
  }
  // Before the Graph check: @azure/identity's AuthenticationError also carries a `statusCode` (Entra's).
  if (error instanceof Error && SIGN_IN_FAILURES.has(error.name)) {
    return botSignInFailed(action);
  }
  if (isGraphErrorLike(error)) {
    return fromGraphError(error, call);
  }
  return unavailable(action);
}

/**
 * The bot's app registration lacks `permission`: an administrator has not added it or not granted admin
 * consent. Graph says so with a 403 on a read, or by returning objects with limited information.
 */
export function missingPermission(action: string, permission: string, requestId?: string): AgentFacingError {
  return new AgentFacingError(
    'MissingPermission',
    `The bot is not allowed to ${action}: its app registration lacks the Microsoft Graph application permission ${permission}, or admin consent for it. Until it has it, the bot cannot check resets, so it refuses them.`,
    `Ask the team that runs this bot to have an administrator add ${permission} (application) to the bot's app registration and grant admin consent in the Microsoft Entra admin center.`,
    requestId,
  );
}

/**
 * Entra refused a change the bot's policy allowed: the requester's role covers the user, the role of the
 * bot's own identity does not (or, if nothing can be changed at all, the bot lacks the permission).
 */
function botRoleTooLow(call: GraphCallContext, requestId?: string): AgentFacingError {
  return new AgentFacingError(
    'NotAllowed',
    `Microsoft Entra ID refused to let the bot ${call.action}: your role covers this user, but the directory role of the bot's own identity (its service principal) does not.`,
    'Ask a Privileged Authentication Administrator to do it in the Microsoft Entra admin center, and tell the team ' +
      'that runs this bot: its service principal needs a directory role that covers this user (for other ' +
      `administrators, Privileged Authentication Administrator), or, if it can change no one, the ${call.permission} permission.`,
    requestId,
  );
}

/** A Graph response the bot cannot read is treated like Graph being down: fail closed, never crash or allow. */
export function malformedGraphResponse(action: string, requestId?: string): AgentFacingError {
  return new AgentFacingError(
    'GraphUnavailable',
    `Microsoft Graph sent an answer the bot could not read while trying to ${action}.`,
    TRY_AGAIN_LATER,
    requestId,
  );
}

function fromGraphError(error: GraphErrorLike, call: GraphCallContext | string): AgentFacingError {
  const action = typeof call === 'string' ? call : call.action;
  const requestId = requestIdOf(error);
  const { statusCode, code } = error;
  if (statusCode === -1) {
    // No HTTP response: the SDK wraps network failures and credential failures alike; the name tells which.
    return typeof code === 'string' && SIGN_IN_FAILURES.has(code)
      ? botSignInFailed(action)
      : unavailable(action);
  }
  if (typeof call !== 'string' && call.caller === 'agent') {
    const agentFailure = fromAgentCall(error, call, requestId);
    if (agentFailure) return agentFailure;
  }
  if (statusCode === 401) {
    return botSignInFailed(action, requestId);
  }
  if (statusCode === 403 && typeof call !== 'string') {
    // An app-only read is refused for a missing permission only; a write also for the bot's role.
    return call.access === 'read'
      ? missingPermission(call.action, call.permission, requestId)
      : botRoleTooLow(call, requestId);
  }
  if (statusCode === 403 && code === 'Authorization_RequestDenied') {
    return new AgentFacingError(
      'NotAllowed',
      `Microsoft Entra ID refused to let the bot ${action}: the bot's directory role does not cover this user.`,
      'Ask an administrator with a higher role (for example a Privileged Authentication Administrator) ' +
        'to do it in the Microsoft Entra admin center.',
      requestId,
    );
  }
  if (statusCode === 404 && code === 'Request_ResourceNotFound') {
    return new AgentFacingError(
      'UserNotFound',
      'That user was not found in the directory. They may have been deleted or renamed.',
      'Search for the user again.',
      requestId,
    );
  }
  if (statusCode === 400 && code === 'Request_BadRequest') {
    const refinement = badRequestKind(error.message);
    if (refinement === 'password') {
      return new AgentFacingError(
        'PasswordRejected',
        'Microsoft Entra ID did not accept the generated temporary password.',
        'Try the reset again: the bot will generate a different password.',
        requestId,
      );
    }
    if (refinement === 'on-premises') {
      return new AgentFacingError(
        'OnPremisesMastered',
        "This user's account is managed in on-premises Active Directory, so its password cannot be changed in the cloud.",
        'Reset the password in on-premises Active Directory, or ask your administrators to turn on password writeback.',
        requestId,
      );
    }
  }
  if (statusCode === 429 || (statusCode === 503 && code === 'Request_ThrottledTemporarily')) {
    return new AgentFacingError(
      'Throttled',
      `Microsoft Graph is busy and asked the bot to slow down, so it could not ${action}.`,
      retryAdvice(error),
      requestId,
    );
  }
  if (statusCode >= 400 && statusCode < 500) {
    return new AgentFacingError(
      'GraphUnavailable',
      `Microsoft Graph did not accept the bot's request to ${action}.`,
      CONTACT_BOT_ADMIN,
      requestId,
    );
  }
  return unavailable(action, requestId);
}

/**
 * The failures that mean something else when Graph checked the agent's own token and role: a 401 is the
 * agent's sign-in, a 403 the agent's role (or the bot's delegated permission), and a refused
 * `resetPassword` says why in a 400. Anything else is mapped like the bot's own calls.
 */
function fromAgentCall(
  error: GraphErrorLike,
  call: GraphCallContext,
  requestId: string | undefined,
): AgentFacingError | null {
  if (error.statusCode === 401) {
    return agentSignInRequired(call.action, requestId);
  }
  if (error.statusCode === 403) {
    return new AgentFacingError(
      'NotAllowed',
      `Microsoft Entra ID refused to let you ${call.action}: the bot now acts with your own Entra role, not its own, and your role does not cover this user.`,
      'Ask an administrator whose role covers this user (for other administrators, a Privileged Authentication ' +
        'Administrator) to reset the password. If you cannot reset anyone, ask the team that runs this bot to ' +
        `check that the bot has the delegated Microsoft Graph permission ${call.permission} with admin consent.`,
      requestId,
    );
  }
  if (error.statusCode !== 400 || !/^(request_)?badrequest$/i.test(error.code ?? '')) {
    return null;
  }
  switch (agentBadRequestKind(error.message)) {
    case 'own-account':
      return ownAccountRefused(requestId);
    case 'on-premises':
      return new AgentFacingError(
        'OnPremisesMastered',
        "This user's password is managed in on-premises Active Directory, and Microsoft Entra ID could not write the new one back to it.",
        'A reset from the cloud needs password writeback turned on in Microsoft Entra Connect and the user in a ' +
          'managed (not federated) domain; otherwise reset the password in on-premises Active Directory. If ' +
          "writeback is on and the reset still fails, ask an Active Directory administrator to review the user's " +
          'AdminCount attribute in on-premises AD: AdminCount=1 blocks resets (Entra Connect logs hr=80231367).',
        requestId,
      );
    case 'written-back-refused':
      return new AgentFacingError(
        'OnPremisesMastered',
        "This user's password is kept in on-premises Active Directory, and Microsoft Entra ID could not write the new one back to it, so nothing was changed.",
        // The seed: "If the attribute AdminCount is set to 1, this will prevent an administrator from resetting
        // the user's password" (Entra Connect logs hr=80231367).
        "Ask an Active Directory administrator to check the user's AdminCount attribute: AdminCount=1 blocks " +
          'resets (Entra Connect logs hr=80231367) and must be 0. Otherwise reset the password in on-premises ' +
          'Active Directory.',
        requestId,
      );
    case 'federated':
      return new AgentFacingError(
        'NotResettable',
        "This user's domain is federated, so their password is not kept in Microsoft Entra ID.",
        'Change the password in the identity provider that federates the domain (usually on-premises Active Directory).',
        requestId,
      );
    case 'password':
      return new AgentFacingError(
        'PasswordRejected',
        'Microsoft Entra ID did not accept the generated temporary password.',
        'Try the reset again: the bot will generate a different password.',
        requestId,
      );
    default:
      return null;
  }
}

/**
 * Why `resetPassword` answered 400. Learn documents no codes for these, so, as for the PATCH below, narrow
 * phrases of the observed or simulated messages decide, and anything else stays a generic failure.
 */
function agentBadRequestKind(
  message: string,
): 'own-account' | 'on-premises' | 'written-back-refused' | 'federated' | 'password' | null {
  if (/own account/i.test(message)) return 'own-account';
  if (/federated/i.test(message)) return 'federated';
  // Writeback is on, but on-premises AD refused the password (the seed's AdminCount=1 case).
  if (/could not be written back/i.test(message)) return 'written-back-refused';
  if (
    /writeback|mastered on-premises|on-premises mastered|directory sync objects|hybrid password/i.test(
      message,
    )
  ) {
    return 'on-premises';
  }
  if (
    badRequestKind(message) === 'password' ||
    /easily guessable|harder .*to guess|too many times/i.test(message)
  ) {
    return 'password';
  }
  return null;
}

/** Nobody resets their own password as an administrator: Entra refuses it, and the bot says so first. */
export function ownAccountRefused(requestId?: string): AgentFacingError {
  return new AgentFacingError(
    'NotResettable',
    'You cannot reset your own password with this bot.',
    `Use self-service password reset at ${SSPR_URL}.`,
    requestId,
  );
}

/** The agent's delegated token is missing, expired or refused: nothing was changed. */
function agentSignInRequired(action: string, requestId?: string): AgentFacingError {
  return new AgentFacingError(
    'SignInRequired',
    `Your sign-in to the bot has expired or was refused, so it could not ${action} as you.`,
    'Sign in to the bot again, then try again.',
    requestId,
  );
}

/**
 * Graph says not to branch on `message`, but both failures of a password PATCH come back as 400
 * `Request_BadRequest` and only the message tells them apart. The match is narrow (phrases of the observed
 * messages); anything else stays a generic failure rather than a wrong explanation.
 */
function badRequestKind(message: string): 'password' | 'on-premises' | null {
  if (/password complexity|does not comply with password/i.test(message)) {
    return 'password';
  }
  if (/on-premises mastered|directory sync objects/i.test(message)) {
    return 'on-premises';
  }
  return null;
}

function retryAdvice(error: GraphErrorLike): string {
  const retryAfter = Number(headerOf(error, 'retry-after') ?? NaN);
  if (Number.isInteger(retryAfter) && retryAfter > 0 && retryAfter <= 3600) {
    const minutes = Math.ceil(retryAfter / 60);
    return `Wait about ${minutes} minute${minutes === 1 ? '' : 's'} and try again.`;
  }
  return 'Wait a minute and try again.';
}

function botSignInFailed(action: string, requestId?: string): AgentFacingError {
  return new AgentFacingError(
    'GraphUnavailable',
    `The bot could not sign in to Microsoft Entra ID, so it could not ${action}.`,
    CONTACT_BOT_ADMIN,
    requestId,
  );
}

function unavailable(action: string, requestId?: string): AgentFacingError {
  return new AgentFacingError(
    'GraphUnavailable',
    `The bot could not reach Microsoft Graph to ${action}.`,
    TRY_AGAIN_LATER,
    requestId,
  );
}

function requestIdOf(error: GraphErrorLike): string | undefined {
  const id = error.requestId ?? headerOf(error, 'request-id');
  // Only an id-shaped value travels on: it is shown to the requester and written to logs.
  return typeof id === 'string' && /^[0-9A-Za-z-]{1,64}$/.test(id) ? id : undefined;
}

function headerOf(error: GraphErrorLike, name: string): string | null {
  const headers = error.headers;
  return headers instanceof Headers ? headers.get(name) : null;
}

/** The agent's token could not be had (`delegatedToken.ts`): the SDK wraps it without an HTTP status. */
function isAgentTokenUnavailable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  if (error.name === AGENT_TOKEN_UNAVAILABLE) return true;
  return isGraphErrorLike(error) && error.statusCode === -1 && error.code === AGENT_TOKEN_UNAVAILABLE;
}

function isGraphErrorLike(error: unknown): error is GraphErrorLike {
  if (!(error instanceof Error)) {
    return false;
  }
  const candidate = error as Partial<Record<keyof GraphErrorLike, unknown>>;
  return (
    typeof candidate.statusCode === 'number' &&
    (candidate.code === null || candidate.code === undefined || typeof candidate.code === 'string') &&
    (candidate.requestId === null ||
      candidate.requestId === undefined ||
      typeof candidate.requestId === 'string')
  );
}

/**
 * Whether a failed write may still have been applied: the one rule for every write (the password change,
 * revoking sessions). True when the request was sent and no answer came back (a dropped connection, a
 * timeout) or Graph answered 5xx; false when Graph answered 4xx, or the request never left the bot (no token,
 * the connection could not be opened, or the time was up before it was sent: `requestTimeout.ts`).
 */
export function mayHaveBeenApplied(error: unknown): boolean {
  if (error instanceof AgentFacingError) return error.outcomeUnknown;
  if (error instanceof Error && SIGN_IN_FAILURES.has(error.name)) return false;
  if (error instanceof Error && error.name === GRAPH_REQUEST_NOT_SENT) return false;
  if (isAgentTokenUnavailable(error)) return false;
  if (isGraphErrorLike(error)) {
    if (error.statusCode === -1) {
      return !(
        typeof error.code === 'string' &&
        (SIGN_IN_FAILURES.has(error.code) || error.code === GRAPH_REQUEST_NOT_SENT)
      );
    }
    return error.statusCode >= 500;
  }
  return true;
}
