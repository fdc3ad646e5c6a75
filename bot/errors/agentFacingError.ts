/**
 * A failure the agent can act on. `message` is safe to show in any conversation: it never contains a
 * password, a token or raw Graph text. Subclasses name the failure; `bot/errors/graphErrors.ts` maps
 * Graph's errors onto them.
 */
export type AgentFacingErrorKind =
  | 'NotAllowed'
  | 'NotResettable'
  | 'UserNotFound'
  | 'PasswordRejected'
  | 'OnPremisesMastered'
  | 'Throttled'
  | 'GraphUnavailable'
  | 'BadInput';

export class AgentFacingError extends Error {
  constructor(
    readonly kind: AgentFacingErrorKind,
    /** What happened, in plain words. */
    message: string,
    /** What the agent can do next. */
    readonly nextStep: string,
    /** Graph's request-id, kept for support. */
    readonly requestId?: string,
    /** The failure behind it, for code that must know more (never shown or logged whole). */
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = kind;
  }
}
