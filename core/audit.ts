import type { PasswordDeliveryOutcome, SessionsOutcome } from './resets/afterReset';
import type { CallerVerificationMethod } from './resets/callerVerification';
import type { UnreachableReason } from './resets/privateChat';

/**
 * One record per decision the bot takes on someone's password, for the security team. Entra's own audit
 * log names only the bot's service principal for an app-only reset (the agent, when they reset as themselves);
 * this record names the requester either way. It carries ids and outcomes, never a password or a token.
 */
export interface AuditEvent {
  action:
    | 'reset-offered'
    | 'reset-refused'
    | 'reset-cancelled'
    | 'reset-succeeded'
    | 'reset-failed'
    | 'card-action-rejected';
  requesterAadObjectId: string | undefined;
  targetId?: string;
  targetUserPrincipalName?: string;
  /**
   * The confirmation card's record (`reset-offered`, and every record of a click on it): links a reset to the
   * card that offered it, across restarts and instances.
   */
  pendingActionId?: string;
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

/**
 * Where audit events go as they happen (`bot/auditLog.ts`: a structured log line for a SIEM, and a record in
 * the audit trail). Never waited for: a reset does not wait on its audit record, and `record` never throws.
 */
export interface AuditSink {
  record(event: AuditEvent): void;
}

/** One audit record as the trail keeps it: when the bot decided, and what. */
export interface AuditRecord {
  /** ISO 8601, UTC, milliseconds. */
  at: string;
  event: AuditEvent;
}

/**
 * The audit trail (a port: `storage/` implements it in each store): records are appended and read, never
 * changed. The only removal is the retention's: every record older than the cutoff, at once. No code path
 * updates or deletes a single record.
 */
export interface AuditTrail {
  append(record: AuditRecord): Promise<void>;
  /** Records with `since <= at < until`, oldest first. */
  list(since: Date, until: Date): Promise<AuditRecord[]>;
  /**
   * Removes the records with `at < cutoff`, in the store's own blocks (Blob storage: whole hours, so a record may
   * outlive the cutoff by up to an hour), never a record at or after it; resolves to how many it removed.
   */
  removeOlderThan(cutoff: Date): Promise<number>;
}
