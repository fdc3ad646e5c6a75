import { AuthenticationError } from 'botframework-connector';

/**
 * Why an inbound request was refused, as one short code for the log line. Never the library's message: those
 * quote the token's claims (`Invalid AppId passed on token: <aud>`) and its key id.
 */
export type RefusalReason =
  | 'no-token'
  | 'untrusted-token'
  | 'unknown-key'
  | 'invalid-token'
  | 'expired'
  | 'not-yet-valid'
  | 'other-audience'
  | 'serviceurl-mismatch'
  | 'channel-not-endorsed'
  | 'not-a-channel-token'
  | 'refused'
  | 'metadata-unreachable'
  | 'metadata-timeout'
  | 'authentication-bug';

export interface AuthenticationFailure {
  /**
   * 401: no token, or one we cannot trust (unsigned, unknown key, bad signature, another issuer, out of its
   * validity). 403: a token the channel's key really signed, but not for this request (another bot, another
   * `serviceUrl`, a channel its key is not endorsed for, an Emulator or skill token). 503: the keys could not
   * be fetched, so nothing could be checked. 500: something else went wrong while checking (a bug).
   */
  status: 401 | 403 | 500 | 503;
  reason: RefusalReason;
}

/** Thrown by the bot's own claim check (`validateClaims`) for a genuine token that is not a channel's. */
export class NotAChannelToken extends Error {
  constructor() {
    super('not a channel token');
    this.name = 'NotAChannelToken';
  }
}

/** The authentication step took longer than its budget (a metadata or key endpoint that never answers). */
export class AuthenticationTimedOut extends Error {
  constructor() {
    super('authentication timed out');
    this.name = 'AuthenticationTimedOut';
  }
}

/**
 * botframework-connector 4.23.3 throws every refusal as one `AuthenticationError` (status 401) that differs
 * only in its message, so telling 401 from 403 takes the message. These are its exact openings
 * (`jwtTokenExtractor.ts`, `parameterizedBotFrameworkAuthentication.ts`, `endorsementsValidator.ts`); kept in
 * this one table and each one proven by test/e2e/inboundAuthentication.test.ts against the real library. An
 * unknown message (a new botbuilder) falls to 401 `refused`: never more trust than before.
 */
const AUTHENTICATION_ERROR_MESSAGES: ReadonlyArray<[RegExp, AuthenticationFailure]> = [
  [/^Unauthorized Access\. Request is not authorized$/, { status: 401, reason: 'no-token' }],
  [/^Unauthorized\. No valid identity\./, { status: 401, reason: 'untrusted-token' }],
  [/^Signing Key could not be retrieved\./, { status: 401, reason: 'unknown-key' }],
  [/^The token has expired$/, { status: 401, reason: 'expired' }],
  [/^Unauthorized\. Invalid AppId passed on token:/, { status: 403, reason: 'other-audience' }],
  [/^Unauthorized\. ServiceUrl claim do not match\./, { status: 403, reason: 'serviceurl-mismatch' }],
  [/^Could not validate (additional )?endorsement for key:/, { status: 403, reason: 'channel-not-endorsed' }],
];

/** jsonwebtoken's error classes, by their `name` (botframework-connector rethrows them unchanged). */
const JSON_WEB_TOKEN_ERRORS: Readonly<Record<string, AuthenticationFailure>> = {
  TokenExpiredError: { status: 401, reason: 'expired' },
  NotBeforeError: { status: 401, reason: 'not-yet-valid' },
  // Bad signature, malformed token, `alg: none` or an algorithm the key is not for.
  JsonWebTokenError: { status: 401, reason: 'invalid-token' },
};

/** What to answer for an error thrown while authenticating an inbound request. */
export function classifyAuthenticationFailure(error: unknown): AuthenticationFailure {
  if (error instanceof NotAChannelToken) return { status: 403, reason: 'not-a-channel-token' };
  if (error instanceof AuthenticationTimedOut) return { status: 503, reason: 'metadata-timeout' };
  if (error instanceof AuthenticationError) {
    // OpenIdMetadata throws status 500 when the metadata document or the key set answers with an error.
    if (error.statusCode >= 500) return { status: 503, reason: 'metadata-unreachable' };
    const known = AUTHENTICATION_ERROR_MESSAGES.find(([opening]) => opening.test(error.message));
    return known ? known[1] : { status: 401, reason: 'refused' };
  }
  const name = typeof error === 'object' && error !== null ? (error as { name?: unknown }).name : undefined;
  if (typeof name === 'string') {
    if (Object.hasOwn(JSON_WEB_TOKEN_ERRORS, name)) return JSON_WEB_TOKEN_ERRORS[name];
    // node-fetch (which OpenIdMetadata uses): connection refused or reset, DNS, a body that is not JSON.
    if (name === 'FetchError') return { status: 503, reason: 'metadata-unreachable' };
  }
  return { status: 500, reason: 'authentication-bug' };
}
