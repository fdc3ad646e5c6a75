/**
 * A failure the requester can act on. `message` is safe to show in any conversation: it never contains a
 * password, a token or raw Graph text. The directory adapter (`graph/graphErrors.ts`) maps Graph's errors onto
 * these, so the use cases never look at HTTP status codes.
 */
export type AgentFacingErrorKind =
  | 'NotAllowed'
  | 'NotResettable'
  | 'UserNotFound'
  | 'PasswordRejected'
  | 'OnPremisesMastered'
  | 'Throttled'
  | 'GraphUnavailable'
  /** The bot's app registration lacks a Microsoft Graph permission (consent), so it cannot check or act. */
  | 'MissingPermission'
  /** The click's time ran out before the password change could start. */
  | 'TimedOut'
  /** The requester's own sign-in (their delegated token) is missing, expired or refused: sign in again. */
  | 'SignInRequired'
  | 'BadInput';

export interface AgentFacingErrorOptions {
  /** The failure behind it, for code that must know more (never shown or logged whole). */
  cause?: unknown;
  /**
   * The request may still have been applied: no answer came back (a dropped connection, a timeout) or the
   * service failed after receiving it. Only meaningful for writes.
   */
  outcomeUnknown?: boolean;
}

export class AgentFacingError extends Error {
  /** See {@link AgentFacingErrorOptions.outcomeUnknown}. */
  readonly outcomeUnknown: boolean;

  constructor(
    readonly kind: AgentFacingErrorKind,
    /** What happened, in plain words. */
    message: string,
    /** What the requester can do next. */
    readonly nextStep: string,
    /** Graph's request-id, kept for support. */
    readonly requestId?: string,
    options: AgentFacingErrorOptions = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = kind;
    this.outcomeUnknown = options.outcomeUnknown ?? false;
  }
}

/**
 * Why the bot's own store could not serve a call: it did not answer in time, could not be reached, failed on
 * its side (Blob Storage 5xx), or, for the embedded file, was locked, unreadable, read-only or full.
 */
export type StoreFailure =
  'timeout' | 'unreachable' | 'server-error' | 'busy' | 'io-error' | 'cannot-open' | 'read-only' | 'full';

/**
 * The store that holds conversation state, pending card actions, reset counters and the audit trail is out
 * of reach (an outage, not a bug and not a lost race: a failed eTag condition is `StoreConflict`). Whatever
 * needed it was not done; the same request succeeds once the store is back. Carries only the failure's
 * shape: never the store's own message, which may name the account or the file.
 */
export class StoreUnavailable extends Error {
  /** The underlying error's code (`ECONNREFUSED`, `SQLITE_BUSY`), when it has one, for the log line. */
  readonly code: string | undefined;
  /** Blob Storage's HTTP status, for a failure on its side. */
  readonly statusCode: number | undefined;

  constructor(
    readonly store: 'blob' | 'sqlite',
    readonly failure: StoreFailure,
    details: { code?: string; statusCode?: number; cause?: unknown } = {},
  ) {
    super(`The ${store} state store is unavailable (${failure})`, { cause: details.cause });
    this.name = 'StoreUnavailable';
    this.code = details.code;
    this.statusCode = details.statusCode;
  }
}
