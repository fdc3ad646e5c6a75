import type { CountedReset, RateCounter, RateCounterStore } from '../core/rateLimits';
import { isPreconditionFailure, type KeyValueStorage } from './keyValuePendingActionStore';

interface StoredCounter {
  entries: CountedReset[];
  eTag?: string;
}

/**
 * Reset counters in a Bot Framework `Storage`, one item per agent and per user, written with the eTag read, so
 * that two instances sharing the store cannot both take the last slot: the second write fails (412, or
 * MemoryStorage's eTag error) and is retried on what the first wrote.
 *
 * The bound, honestly: a Bot Framework store cannot create an item only if it is absent (MemoryStorage,
 * BlobsStorage and CosmosDbPartitionedStorage all write an item without an eTag unconditionally, and none
 * takes "if-none-match"), so the **first** count ever recorded for an agent or a user is an unconditional
 * write. If instances race to create the same counter, each may pass and the counter keeps one entry: at
 * most (instances − 1) extra resets, once per agent or user, since a counter is never deleted (entries that
 * left the window are pruned, the item stays). Within one instance counts on a key are serialised
 * (`ResetRateLimits`), so the limit is exact there.
 */
export class KeyValueRateCounterStore implements RateCounterStore {
  constructor(private readonly storage: KeyValueStorage) {}

  async read(key: string): Promise<RateCounter> {
    const storageKey = storageKeyOf(key);
    const items = await this.storage.read([storageKey]);
    const item = items[storageKey];
    if (!isStoredCounter(item)) return { key, entries: [], version: null };
    return { key, entries: item.entries, version: item.eTag ?? '' };
  }

  async write(read: RateCounter, entries: CountedReset[]): Promise<'written' | 'conflict'> {
    const storageKey = storageKeyOf(read.key);
    // An empty eTag means "write unconditionally" to every Bot Framework store: never send one.
    if (read.version === '')
      throw new Error('KeyValueRateCounterStore: cannot count on an item without an eTag');
    // version null: no counter yet, the one unconditional write (see above).
    const item: StoredCounter = read.version === null ? { entries } : { entries, eTag: read.version };
    try {
      await this.storage.write({ [storageKey]: item });
      return 'written';
    } catch (error) {
      if (read.version === null) throw error;
      if (isPreconditionFailure(error)) return 'conflict';
      // MemoryStorage reports a lost race with a plain Error and no code: what the item holds now tells.
      const items = await this.storage.read([storageKey]);
      const now = items[storageKey];
      if (isStoredCounter(now) && now.eTag !== read.version) return 'conflict';
      throw error;
    }
  }
}

function storageKeyOf(key: string): string {
  return `rate-limits/${key}`;
}

function isStoredCounter(value: unknown): value is StoredCounter {
  if (typeof value !== 'object' || value === null) return false;
  const { entries } = value as Partial<StoredCounter>;
  return (
    Array.isArray(entries) &&
    entries.every(
      (entry: unknown) =>
        typeof entry === 'object' &&
        entry !== null &&
        typeof (entry as CountedReset).id === 'string' &&
        typeof (entry as CountedReset).at === 'string',
    )
  );
}
