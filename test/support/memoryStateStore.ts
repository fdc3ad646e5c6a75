import { MemoryStorage } from 'botbuilder';
import { recordLifetimes } from '../../storage/recordLifetimes';
import {
  type AuditRecord,
  type RecordLifetimes,
  type StateStore,
  type StoredItem,
  StoreConflict,
} from '../../storage/stateStore';

/**
 * A `StateStore` in memory, for unit tests only: botbuilder's MemoryStorage (whose eTag semantics the port
 * copies) with a 412 on conflicts, each key's last write time for `sweep`, and an audit trail in an array.
 */
export class MemoryStateStore implements StateStore {
  readonly memory = new MemoryStorage();
  readonly auditRecords: AuditRecord[] = [];
  private readonly writtenAt = new Map<string, number>();

  constructor(
    private readonly lifetimeOf: RecordLifetimes = recordLifetimes,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async read(keys: string[]): Promise<Record<string, StoredItem>> {
    return await this.memory.read(keys);
  }

  async write(changes: Record<string, object>): Promise<void> {
    for (const [key, item] of Object.entries(changes)) {
      try {
        await this.memory.write({ [key]: item });
      } catch (error) {
        if (error instanceof Error && /etag conflict/i.test(error.message)) throw new StoreConflict(key);
        throw error;
      }
      this.writtenAt.set(key, this.now().getTime());
    }
  }

  async delete(keys: string[]): Promise<void> {
    await this.memory.delete(keys);
    keys.forEach((key) => this.writtenAt.delete(key));
  }

  async sweep(now: Date): Promise<number> {
    const expired = [...this.writtenAt].filter(([key, at]) => at + this.lifetimeOf(key) <= now.getTime());
    await this.delete(expired.map(([key]) => key));
    return expired.length;
  }

  /** How many records the store holds. */
  get size(): number {
    return this.writtenAt.size;
  }

  /** The keys of the records the store holds. */
  get keys(): string[] {
    return [...this.writtenAt.keys()];
  }

  readonly audit = {
    append: (record: AuditRecord): Promise<void> => {
      this.auditRecords.push(structuredClone(record));
      return Promise.resolve();
    },
    list: (since: Date, until: Date): Promise<AuditRecord[]> =>
      Promise.resolve(
        this.auditRecords
          .filter(({ at }) => at >= since.toISOString() && at < until.toISOString())
          .sort((a, b) => a.at.localeCompare(b.at)),
      ),
    removeOlderThan: (cutoff: Date): Promise<number> => {
      const kept = this.auditRecords.filter(({ at }) => at >= cutoff.toISOString());
      const removed = this.auditRecords.length - kept.length;
      this.auditRecords.splice(0, this.auditRecords.length, ...kept);
      return Promise.resolve(removed);
    },
  };

  close(): Promise<void> {
    return Promise.resolve();
  }
}
