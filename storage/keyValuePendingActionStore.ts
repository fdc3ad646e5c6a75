import type { PendingAction, PendingActionStore, StoredPendingAction } from '../core/pendingActions';

/**
 * The part of a Bot Framework `Storage` (MemoryStorage, BlobsStorage, CosmosDbPartitionedStorage) this store
 * uses, declared here so that storage/ does not depend on botbuilder: any of them fits it as it is. A write
 * whose item carries an `eTag` succeeds only if the stored item still has that eTag.
 */
export interface KeyValueStorage {
  read(keys: string[]): Promise<Record<string, unknown>>;
  write(changes: Record<string, object>): Promise<void>;
}

interface StoredItem {
  action: PendingAction;
  usedAt: string | null;
  eTag?: string;
}

/**
 * How stores report a failed eTag condition: HTTP 412 (Azure Blob Storage's `ConditionNotMet`, Cosmos DB's
 * 412). Decided on status and code, never on an error's wording.
 */
const PRECONDITION_FAILED = 412;
const CONDITION_CODES = new Set(['ConditionNotMet', 'PreconditionFailed', '412']);

/** Pending actions in a key-value store with eTags, one item per action. */
export class KeyValuePendingActionStore implements PendingActionStore {
  constructor(private readonly storage: KeyValueStorage) {}

  async add(action: PendingAction): Promise<void> {
    const item: StoredItem = { action, usedAt: null };
    await this.storage.write({ [storageKey(action.id)]: item });
  }

  async read(id: string): Promise<StoredPendingAction | null> {
    const item = await this.readItem(id);
    if (item === null) return null;
    return { action: item.action, usedAt: item.usedAt, version: item.eTag ?? '' };
  }

  async markUsed(read: StoredPendingAction, usedAt: string): Promise<'marked' | 'conflict'> {
    const { action, version } = read;
    // An empty eTag means "write unconditionally" to every Bot Framework store: never send one.
    if (!version) throw new Error('KeyValuePendingActionStore: cannot mark an item without an eTag');
    const id = action.id;
    const used: StoredItem = { action, usedAt, eTag: version };
    try {
      await this.storage.write({ [storageKey(id)]: used });
      return 'marked';
    } catch (error) {
      if (isPreconditionFailure(error)) return 'conflict';
      // MemoryStorage reports a lost race with a plain Error and no code: what the item holds now tells.
      const after = await this.readItem(id);
      if (after !== null && after.eTag !== version) return 'conflict';
      throw error;
    }
  }

  private async readItem(id: string): Promise<StoredItem | null> {
    const key = storageKey(id);
    const items = await this.storage.read([key]);
    const item = items[key];
    return isStoredItem(item) ? item : null;
  }
}

/** Where pending actions live among the store's keys. */
export const PENDING_ACTION_KEY_PREFIX = 'pending-actions/';

function storageKey(id: string): string {
  return `${PENDING_ACTION_KEY_PREFIX}${id}`;
}

function isStoredItem(value: unknown): value is StoredItem {
  if (typeof value !== 'object' || value === null) return false;
  const item = value as Partial<StoredItem>;
  return (
    typeof item.action === 'object' &&
    item.action !== null &&
    (item.usedAt === null || typeof item.usedAt === 'string')
  );
}

/** A failed eTag condition as Azure Blob Storage and Cosmos DB report it (MemoryStorage does not: see callers). */
export function isPreconditionFailure(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { statusCode, code } = error as { statusCode?: unknown; code?: unknown };
  return (
    statusCode === PRECONDITION_FAILED ||
    code === PRECONDITION_FAILED ||
    (typeof code === 'string' && CONDITION_CODES.has(code))
  );
}
