import { randomUUID } from 'node:crypto';
import {
  type AnonymousCredential,
  BlobServiceClient,
  type BlobItem,
  type ContainerClient,
  type newPipeline,
  type StorageSharedKeyCredential,
} from '@azure/storage-blob';
import { BlobsStorage } from 'botbuilder-azure-blobs';
// The blob name BlobsStorage gives a key: the create-if-absent below must hit the very same blob.
import { sanitizeBlobKey } from 'botbuilder-azure-blobs/lib/sanitizeBlobKey';
import { BlobAuditTrail } from './blobAuditTrail';
import {
  asStoreCall,
  DEFAULT_CALL_TIMEOUT_MS,
  eachPage,
  failureOf,
  pipelineOptions,
  withDeadline,
  withTimeout,
} from './blobRequests';
import {
  StoreConflict,
  type AuditTrail,
  type RecordLifetimes,
  type StateStore,
  type StoredItem,
} from './stateStore';

/** An Entra credential (`@azure/identity`'s, made by the wiring: storage/ does not import the identity library). */
export type BlobTokenCredential = Exclude<
  Parameters<typeof newPipeline>[0],
  StorageSharedKeyCredential | AnonymousCredential | undefined
>;

/** Where the account is: a connection string (Azurite, or a key), or its URL and an Entra credential. */
export type BlobAccount =
  { connectionString: string } | { accountUrl: string; credential: BlobTokenCredential };

export type BlobStateStoreOptions = BlobAccount & {
  /** Holds one blob per state record; created if missing. */
  stateContainer: string;
  /** Holds the audit trail, apart so it can carry its own immutability policy; created if missing. */
  auditContainer: string;
  lifetimeOf: RecordLifetimes;
  /** Names this instance's audit blobs (letters, digits, `.`, `_`, `-`); a random UUID by default. */
  instanceId?: string;
  /** How long one call to storage may take (see `DEFAULT_CALL_TIMEOUT_MS`). */
  callTimeoutMs?: number;
};

/** Sweeping deletes this many blobs at a time. */
const SWEEP_BATCH = 100;
/**
 * `Last-Modified` comes in whole seconds, rounded down: a record is taken to have been written at the end of
 * its second, so that it is never removed before its lifetime is over.
 */
const LAST_MODIFIED_PRECISION_MS = 1_000;

/**
 * The `StateStore` on Azure Blob Storage: one JSON blob per record, read, written and deleted through
 * botbuilder's `BlobsStorage`, with what BlobsStorage lacks done with `@azure/storage-blob` on the same blob
 * names: the atomic create (BlobsStorage sends `If-Match` with any eTag, which Blob Storage refuses for a blob
 * that does not exist yet, so the first write of a key with an eTag would always fail), the sweep, the audit
 * trail, and a deadline on every call.
 */
export class BlobStateStore implements StateStore {
  readonly audit: AuditTrail;
  private readonly stateContainer: ContainerClient;
  private readonly callTimeoutMs: number;
  private botFrameworkStorage: BlobsStorage;
  private closed = false;

  constructor(private readonly options: BlobStateStoreOptions) {
    this.callTimeoutMs = options.callTimeoutMs ?? DEFAULT_CALL_TIMEOUT_MS;
    const instanceId = options.instanceId ?? randomUUID();
    if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/.test(instanceId))
      throw new Error('BlobStateStore: instanceId may hold only letters, digits, ".", "_" and "-"');
    const service =
      'connectionString' in options
        ? BlobServiceClient.fromConnectionString(
            options.connectionString,
            pipelineOptions(this.callTimeoutMs),
          )
        : new BlobServiceClient(options.accountUrl, options.credential, pipelineOptions(this.callTimeoutMs));
    this.stateContainer = service.getContainerClient(options.stateContainer);
    this.audit = new BlobAuditTrail(
      service.getContainerClient(options.auditContainer),
      instanceId,
      this.callTimeoutMs,
    );
    this.botFrameworkStorage = this.newBotFrameworkStorage();
  }

  // Every call rejects with `StoreUnavailable` when storage cannot serve it (see `blobFailure`).

  async read(keys: string[]): Promise<Record<string, StoredItem>> {
    // BlobsStorage reads only the blobs that exist, each with its eTag.
    return asStoreCall(() => this.viaBotFramework('read', (storage) => storage.read(keys)));
  }

  async write(changes: Record<string, object>): Promise<void> {
    await asStoreCall(() =>
      Promise.all(Object.entries(changes).map(([key, item]) => this.writeOne(key, item))),
    );
  }

  async delete(keys: string[]): Promise<void> {
    await asStoreCall(() => this.viaBotFramework('delete', (storage) => storage.delete(keys)));
  }

  async sweep(now: Date): Promise<number> {
    this.assertOpen();
    return asStoreCall(() => this.sweepExpired(now));
  }

  private async sweepExpired(now: Date): Promise<number> {
    let removed = 0;
    try {
      for await (const page of eachPage(
        this.callTimeoutMs,
        'sweep listing',
        (continuationToken, abortSignal) =>
          this.stateContainer
            .listBlobsFlat({ abortSignal })
            .byPage({ continuationToken, maxPageSize: SWEEP_BATCH }),
      )) {
        const expired = page.segment.blobItems.filter((blob) => this.hasExpired(blob, now));
        const outcomes = await Promise.all(expired.map((blob) => this.deleteIfUnchanged(blob)));
        removed += outcomes.filter(Boolean).length;
      }
    } catch (error) {
      // No container yet: nothing was ever written, so nothing to sweep.
      if (failureOf(error).code === 'ContainerNotFound') return removed;
      throw error;
    }
    return removed;
  }

  close(): Promise<void> {
    // The SDK's HTTP client (and its keep-alive sockets) is shared by the process; nothing to release here.
    this.closed = true;
    return Promise.resolve();
  }

  private async writeOne(key: string, item: object): Promise<void> {
    const { eTag, ...value } = item as { eTag?: unknown };
    if (typeof eTag !== 'string' || eTag === '' || eTag === '*') {
      await this.viaBotFramework('write', (storage) => storage.write({ [key]: { ...value, eTag: '*' } }));
      return;
    }
    try {
      await this.viaBotFramework('write', (storage) => storage.write({ [key]: { ...value, eTag } }));
      return;
    } catch (error) {
      if (!refusedIfMatch(error)) throw error;
    }
    // The stored item is not the one read: either there is none (create it, if still absent) or it changed.
    await this.createIfAbsent(key, value);
  }

  /** Writes `value` under `key` only if no blob is there (`If-None-Match: *`); otherwise `StoreConflict`. */
  private async createIfAbsent(key: string, value: object): Promise<void> {
    const serialized = JSON.stringify(value);
    const blob = this.stateContainer.getBlockBlobClient(sanitizeBlobKey(key));
    try {
      await withTimeout(this.callTimeoutMs, 'write', (abortSignal) =>
        blob.upload(serialized, Buffer.byteLength(serialized), {
          conditions: { ifNoneMatch: '*' },
          blobHTTPHeaders: { blobContentType: 'application/json' },
          abortSignal,
        }),
      );
    } catch (error) {
      const { status } = failureOf(error);
      // 409 BlobAlreadyExists: another writer created it first (or it was there with another eTag).
      if (status === 409 || status === 412) throw new StoreConflict(key);
      throw error;
    }
  }

  private hasExpired(blob: BlobItem, now: Date): boolean {
    const written = blob.properties.lastModified.getTime() + LAST_MODIFIED_PRECISION_MS;
    return written + this.options.lifetimeOf(keyOf(blob.name)) <= now.getTime();
  }

  /** Deletes a listed blob only if it is still the version listed: one rewritten since stays. */
  private async deleteIfUnchanged(blob: BlobItem): Promise<boolean> {
    try {
      await withTimeout(this.callTimeoutMs, 'sweep', (abortSignal) =>
        this.stateContainer.deleteBlob(blob.name, {
          conditions: { ifMatch: blob.properties.etag },
          abortSignal,
        }),
      );
      return true;
    } catch (error) {
      const { status } = failureOf(error);
      if (status === 412 || status === 404) return false;
      throw error;
    }
  }

  /**
   * Runs a BlobsStorage call under the call deadline. BlobsStorage creates its container once and keeps that
   * promise, failed or not: one made while storage was down would fail every later call. So a BlobsStorage
   * whose call failed for any reason but a conflict is replaced by a fresh one for the next call.
   */
  private async viaBotFramework<T>(what: string, call: (storage: BlobsStorage) => Promise<T>): Promise<T> {
    this.assertOpen();
    const storage = this.botFrameworkStorage;
    try {
      return await withDeadline(call(storage), this.callTimeoutMs, what);
    } catch (error) {
      if (!refusedIfMatch(error) && this.botFrameworkStorage === storage)
        this.botFrameworkStorage = this.newBotFrameworkStorage();
      throw error;
    }
  }

  private newBotFrameworkStorage(): BlobsStorage {
    const storageOptions = { storagePipelineOptions: pipelineOptions(this.callTimeoutMs) };
    const { options } = this;
    if ('connectionString' in options)
      return new BlobsStorage(options.connectionString, options.stateContainer, storageOptions);
    const containerUrl = `${options.accountUrl.replace(/\/+$/, '')}/${options.stateContainer}`;
    return new BlobsStorage('', options.stateContainer, storageOptions, containerUrl, options.credential);
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('BlobStateStore: used after close()');
  }
}

/**
 * BlobsStorage's answer to a write whose `If-Match` failed: its own "eTag conflict" error for a 412, or the
 * SDK's 404 should a service answer an `If-Match` on a missing blob that way (Azurite answers 412).
 */
function refusedIfMatch(error: unknown): boolean {
  if (error instanceof Error && /due to eTag conflict\.$/.test(error.message)) return true;
  const { status, code } = failureOf(error);
  return status === 404 && code === 'BlobNotFound';
}

/**
 * The key of a state blob: BlobsStorage names a blob `encodeURIComponent(key)` (after dropping empty path
 * segments, so `a//b` comes back as `a/b`; the lifetimes go by prefix, which that keeps).
 */
function keyOf(blobName: string): string {
  try {
    return decodeURIComponent(blobName);
  } catch {
    return blobName;
  }
}
