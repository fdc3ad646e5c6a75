import type { Logger } from '../logger';

/**
 * One line per decision the bot takes on someone's password, for the security team. Entra's own audit
 * log names only the bot's service principal for an app-only reset; this record names the agent who
 * asked. It carries ids and outcomes, never a password.
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
  sessions?: 'revoked' | 'not-requested' | 'failed';
  passwordDelivery?: 'delivered' | 'failed';
  requireMfa?: boolean;
  conversationType?: string;
}

export interface AuditLog {
  record(event: AuditEvent): void;
}

/** Writes audit events as structured log lines tagged `audit: true`, so a log pipeline can route them. */
export class LoggerAuditLog implements AuditLog {
  constructor(private readonly logger: Logger) {}

  record(event: AuditEvent): void {
    this.logger.info({ audit: true, ...event }, `audit: ${event.action}`);
  }
}
