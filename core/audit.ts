import type { PasswordDeliveryOutcome, SessionsOutcome } from './resets/afterReset';
import type { CallerVerificationMethod } from './resets/callerVerification';
import type { UnreachableReason } from './resets/privateChat';

/**
 * One record per decision the bot takes on someone's password, for the security team. Entra's own audit
 * log names only the bot's service principal for an app-only reset (the agent, when they reset as themselves);
 * this record names the requester either way. It carries ids and outcomes, never a password or a token.
 */
export interface AuditEvent {
  action: 'reset-refused' | 'reset-cancelled' | 'reset-succeeded' | 'reset-failed' | 'card-action-rejected';
  requesterAadObjectId: string | undefined;
  targetId?: string;
  targetUserPrincipalName?: string;
  /** Policy rule or error kind behind a refusal or failure. */
  reason?: string;
  graphRequestId?: string;
  /** A failed reset whose request may still have been applied (no answer from Graph, or a 5xx). */
  outcomeUnknown?: boolean;
  sessions?: SessionsOutcome;
  /** Why signing the user out failed, with Graph's request-id, when it did. */
  sessionsFailure?: { reason: string; graphRequestId?: string };
  passwordDelivery?: PasswordDeliveryOutcome;
  /** Why the requester's private chat could not be reached, when that refused the reset. */
  privateChat?: UnreachableReason;
  requireMfa?: boolean;
  /** Whose identity changed the password in Entra: the bot's (app-only) or the signed-in requester's. */
  resetAs?: 'bot' | 'agent';
  conversationType?: string;
  /**
   * How the agent verified the caller (a stable code) and the ticket reference, on every record of a claimed
   * reset whose card asked: null when the agent left an optional one empty; absent when the card did not ask.
   */
  callerVerification?: CallerVerificationMethod | null;
  ticketReference?: string | null;
  /** The reset limit that refused a reset (`reason: 'rate-limited'`): which, its size, and when a slot frees. */
  rateLimit?: { limit: 'per-agent' | 'per-target'; max: number; windowMinutes: number; retryAt: string };
}

/** Where audit records go (today structured log lines; see `bot/auditLog.ts`). */
export interface AuditSink {
  record(event: AuditEvent): void;
}
