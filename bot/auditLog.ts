import type { AuditEvent, AuditSink, AuditTrail } from '../core/audit';
import { describeError } from './errorShape';
import type { Logger } from './logger';

/**
 * Every audit event twice: at once as a structured log line tagged `audit: true` (for a log pipeline or SIEM),
 * and as a record appended to the audit trail in the bot's store (`npm run audit`). A reset never waits on
 * either; `flush()` waits for the appends still under way (before the process stops).
 *
 * A record the store refuses is not retried: the log line already carries it, and the failure is logged
 * (`audit record not stored`) with the action only, so an operator can tell which records the trail lacks.
 */
export class RecordedAuditLog implements AuditSink {
  private readonly appending = new Set<Promise<void>>();

  constructor(
    private readonly logger: Logger,
    private readonly trail: AuditTrail,
    private readonly now: () => Date = () => new Date(),
  ) {}

  record(event: AuditEvent): void {
    this.logger.info({ audit: true, ...event }, `audit: ${event.action}`);
    const at = this.now().toISOString();
    const appended = this.trail
      .append({ at, event })
      .catch((error: unknown) => {
        this.logger.error(
          { auditAction: event.action, at, error: describeError(error) },
          'audit record not stored',
        );
      })
      .finally(() => this.appending.delete(appended));
    this.appending.add(appended);
  }

  /** Resolves once every record passed to `record` so far is stored (or its failure logged). */
  async flush(): Promise<void> {
    while (this.appending.size > 0) await Promise.allSettled([...this.appending]);
  }
}
