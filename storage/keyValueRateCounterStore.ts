import type { CountedReset, RateCounter, RateCounterStore } from '../core/rateLimits';
import { isPreconditionFailure, type KeyValueStorage } from './keyValuePendingActionStore';

interface StoredCounter {
  entries: CountedReset[];
  eTag?: string;
}

/**
 * Reset counters in the bot's store, one item per agent and per user, written with the eTag read, so that two
 * instances sharing the store cannot both take the last slot: the second write fails (412, or MemoryStorage's
 * eTag error) and is retried on what the first wrote. The first count of an agent or a user creates its item
 * with `CREATE_IF_ABSENT`, an eTag no stored item has: a `StateStore` (storage/stateStore.ts) writes it only
 * if no item exists, atomically, so two instances racing to create one counter cannot both pass either.
 * Within one instance counts on a key are also serialised (`ResetRateLimits`).
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
    // version null: no counter yet, so create one, unless another writer just did.
    const item: StoredCounter = { entries, eTag: read.version ?? CREATE_IF_ABSENT };
    try {
      await this.storage.write({ [storageKey]: item });
      return 'written';
    } catch (error) {
      if (isPreconditionFailure(error)) return 'conflict';
      // MemoryStorage reports a lost race with a plain Error and no code: what the item holds now tells.
      const items = await this.storage.read([storageKey]);
      const now = items[storageKey];
      if (isStoredCounter(now) && now.eTag !== read.version) return 'conflict';
      throw error;
    }
  }
}

/**
 * The eTag of a counter's first write: stores generate their own eTags (numbers, UUIDs, quoted hex), never this,
 * so it matches no stored item, and a `StateStore` takes an eTag on an absent key as "create if absent".
 */
const CREATE_IF_ABSENT = 'helpdesk-reset:create-if-absent';

/** Where reset counters live among the store's keys. */
export const RATE_COUNTER_KEY_PREFIX = 'rate-limits/';

function storageKeyOf(key: string): string {
  return `${RATE_COUNTER_KEY_PREFIX}${key}`;
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
