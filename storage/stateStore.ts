import type { AuditTrail } from '../core/audit';

export type { AuditRecord, AuditTrail } from '../core/audit';

/**
 * Where the bot keeps everything that must outlive a turn, a process and an instance: conversation (dialog)
 * state, pending card actions, reset counters, Teams' token-exchange de-duplication, and the audit trail.
 *
 * `read`, `write` and `delete` are a Bot Framework `Storage` (declared here, structurally, so that storage/ does
 * not import botbuilder), with `MemoryStorage`'s eTag semantics, which every implementation must keep exactly:
 * - `read` returns only the keys that exist, each item with the `eTag` of its current version (a string that
 *   changes on every write);
 * - a written item without an `eTag`, or with `'*'`, is written whatever is stored;
 * - a written item with any other `eTag` is written only if the stored item has that eTag **or no item is
 *   stored under its key**. The second case is an atomic create: if another writer creates the key first, this
 *   write fails. (MemoryStorage writes an absent key whatever its eTag; Azure Blob Storage refuses a first
 *   write carrying an If-Match, which would break Teams' token-exchange de-duplication: implementations
 *   close that gap with a create-if-absent.)
 * - a failed condition throws `StoreConflict` (status 412, and "eTag conflict" in its message, which
 *   botbuilder's `TeamsSSOTokenExchangeMiddleware` looks for), and writes nothing for that key;
 * - the `eTag` field is the store's, not the item's: it is never stored as part of the item.
 *
 * Every record is kept for `lifetimeOf(key)` after its last write, then `sweep` removes it, so that the store
 * stays flat however many resets are done. The audit trail is kept apart, append-only, for its own retention.
 */
export interface StateStore {
  read(keys: string[]): Promise<Record<string, StoredItem>>;
  write(changes: Record<string, object>): Promise<void>;
  delete(keys: string[]): Promise<void>;
  /** Removes every record whose lifetime ended before `now`; resolves to how many it removed. */
  sweep(now: Date): Promise<number>;
  readonly audit: AuditTrail;
  /** Releases the file or connections; nothing may be called after. */
  close(): Promise<void>;
}

/** A stored item as `read` returns it. */
export type StoredItem = Record<string, unknown> & { eTag: string };

/** How long a record is kept after its last write, in milliseconds, by its key (see `bot/recordLifetimes.ts`). */
export type RecordLifetimes = (key: string) => number;

/** A write refused because its eTag condition failed (see `StateStore`). */
export class StoreConflict extends Error {
  readonly statusCode = 412;
  readonly code = 'ConditionNotMet';

  constructor(key: string) {
    // "eTag conflict" is what botbuilder's token-exchange de-duplication matches (lower-cased) to drop a repeat.
    super(`Storage: error writing "${key}" due to eTag conflict.`);
    this.name = 'StoreConflict';
  }
}
