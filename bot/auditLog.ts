import type { AuditEvent, AuditSink } from '../core/audit';
import type { Logger } from './logger';

/** Writes audit events as structured log lines tagged `audit: true`, so a log pipeline can route them. */
export class LoggerAuditLog implements AuditSink {
  constructor(private readonly logger: Logger) {}

  record(event: AuditEvent): void {
    this.logger.info({ audit: true, ...event }, `audit: ${event.action}`);
  }
}
