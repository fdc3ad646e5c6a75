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
