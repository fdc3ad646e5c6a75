import type { AuditTrail } from '../core/audit';
import { describeError } from './errorShape';
import type { Logger } from './logger';

/** The part of the bot's store upkeep needs (`storage/stateStore.ts`). */
export interface SweptStore {
  sweep(now: Date): Promise<number>;
  readonly audit: Pick<AuditTrail, 'removeOlderThan'>;
}

/** How often expired records are removed: often enough that a store holds about ten minutes of leftovers. */
export const SWEEP_INTERVAL_MS = 10 * 60 * 1000;

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Keeps the store flat: removes records whose lifetime ended and audit records older than the retention, at
 * start and then every `SWEEP_INTERVAL_MS`. Instances sharing a store each sweep; the stores' removals are
 * conditional or idempotent, so that is harmless. A failed sweep is logged and tried again next time.
 */
export class StoreUpkeep {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(
    private readonly store: SweptStore,
    private readonly auditRetentionDays: number,
    private readonly logger: Logger,
    private readonly now: () => Date = () => new Date(),
  ) {}

  start(intervalMs = SWEEP_INTERVAL_MS): void {
    void this.sweepOnce();
    this.timer = setInterval(() => void this.sweepOnce(), intervalMs);
    // A process with nothing else to do may exit: the sweep is upkeep, not a reason to stay up.
    this.timer.unref();
  }

  /** One sweep (one at a time: a slow store is not swept twice at once). */
  sweepOnce(): Promise<void> {
    this.running ??= this.sweep().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  /** Stops sweeping, after the sweep under way if any. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  private async sweep(): Promise<void> {
    const now = this.now();
    try {
      const expiredRecords = await this.store.sweep(now);
      const cutoff = new Date(now.getTime() - this.auditRetentionDays * DAY_MS);
      const expiredAuditRecords = await this.store.audit.removeOlderThan(cutoff);
      if (expiredRecords + expiredAuditRecords > 0) {
        this.logger.info({ expiredRecords, expiredAuditRecords }, 'store swept');
      }
    } catch (error) {
      this.logger.warn({ error: describeError(error) }, 'store sweep failed; trying again later');
    }
  }
}
