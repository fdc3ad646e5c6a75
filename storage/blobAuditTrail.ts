import { text } from 'node:stream/consumers';
import type { AppendBlobClient, ContainerClient } from '@azure/storage-blob';
import type { AuditRecord, AuditTrail } from './stateStore';
import { asStoreCall, eachPage, failureOf, withTimeout } from './blobRequests';

const HOUR_MS = 60 * 60 * 1000;
/** Listing and deleting go this many blobs at a time. */
const BATCH = 16;

/**
 * The audit trail in a container of its own, so that an operator can put a time-based immutability policy
 * on it (Learn, "Store business-critical blob data with immutable storage",
 * https://learn.microsoft.com/azure/storage/blobs/immutable-storage-overview). The policy must allow
 * protected append writes (`allowProtectedAppendWrites`: new blocks may be appended, none changed or deleted,
 * per the `ImmutabilityPolicy` reference of `@azure/arm-storage`), and its period must not exceed the bot's
 * audit retention: a blob under the policy cannot be deleted, so `removeOlderThan` would fail on it.
 *
 * One append blob per instance per UTC hour of the records' `at`: `YYYY/MM/DD/HH/<instanceId>.jsonl`, each
 * record one JSON line appended as one block. Instances never write to the same blob, so an append never
 * waits for another instance. An append blob takes at most 50,000 blocks: when one is full (50,000 records
 * from one instance in one hour), appends roll over to `<instanceId>.1.jsonl`, `.2.jsonl`, and so on; listing
 * reads every blob under the hour, so nothing is lost. Nothing here rewrites or deletes a single record: the
 * only removal is `removeOlderThan`, which deletes whole hour blobs.
 */
export class BlobAuditTrail implements AuditTrail {
  private containerReady: Promise<void> | undefined;
  /** Append blobs this object knows exist, by name (created once, not before every append). */
  private readonly created = new Map<string, Promise<void>>();
  /** The part an hour's appends go to, after a full blob made them roll over. */
  private readonly partOfHour = new Map<string, number>();

  constructor(
    private readonly container: ContainerClient,
    private readonly instanceId: string,
    private readonly callTimeoutMs: number,
  ) {}

  // Every call rejects with `StoreUnavailable` when storage cannot serve it (see `blobFailure`).

  append(record: AuditRecord): Promise<void> {
    return asStoreCall(() => this.appendRecord(record));
  }

  list(since: Date, until: Date): Promise<AuditRecord[]> {
    return asStoreCall(() => this.listRecords(since, until));
  }

  removeOlderThan(cutoff: Date): Promise<number> {
    return asStoreCall(() => this.removeHoursOlderThan(cutoff));
  }

  private async appendRecord(record: AuditRecord): Promise<void> {
    const hour = hourPrefixOf(atOf(record));
    const line = `${JSON.stringify(record)}\n`;
    await this.ensureContainer();
    // Bounded: a full blob moves on to the next part, a vanished one is created again, once each.
    for (let attempt = 0; attempt < 3; attempt += 1) {
      const part = this.partOfHour.get(hour) ?? 0;
      const blob = this.container.getAppendBlobClient(blobNameOf(hour, this.instanceId, part));
      await this.ensureBlob(blob);
      try {
        await withTimeout(this.callTimeoutMs, 'audit append', (abortSignal) =>
          blob.appendBlock(line, Buffer.byteLength(line), { abortSignal }),
        );
        return;
      } catch (error) {
        const { code } = failureOf(error);
        if (code === 'BlockCountExceedsLimit') {
          this.partOfHour.set(hour, Math.max(this.partOfHour.get(hour) ?? 0, part + 1));
        } else if (code === 'BlobNotFound') {
          this.created.delete(blob.name);
        } else {
          throw error;
        }
      }
    }
    throw new Error(`audit append: could not append to the hour ${hour} of instance ${this.instanceId}`);
  }

  private async listRecords(since: Date, until: Date): Promise<AuditRecord[]> {
    if (!(since < until)) return [];
    await this.ensureContainer();
    const start = commonPrefix(hourPrefixOf(since), hourPrefixOf(new Date(until.getTime() - 1)));
    const overlaps = (from: number, to: number) => from < until.getTime() && to > since.getTime();
    const names = await this.hourBlobs(start, overlaps, overlaps);
    const records: AuditRecord[] = [];
    for (let n = 0; n < names.length; n += BATCH) {
      const batch = await Promise.all(names.slice(n, n + BATCH).map((name) => this.recordsIn(name)));
      records.push(...batch.flat());
    }
    return records
      .filter((record) => {
        const at = atOf(record).getTime();
        return at >= since.getTime() && at < until.getTime();
      })
      .sort((a, b) => atOf(a).getTime() - atOf(b).getTime());
  }

  /**
   * Deletes the hour blobs whose hour ended at or before `cutoff`. Records of the hour the cutoff falls in
   * stay until that hour has ended (at most an hour longer than asked); no record is ever cut out of a blob.
   */
  private async removeHoursOlderThan(cutoff: Date): Promise<number> {
    await this.ensureContainer();
    const names = await this.hourBlobs(
      '',
      (from) => from < cutoff.getTime(),
      (_, to) => to <= cutoff.getTime(),
    );
    let removed = 0;
    for (let n = 0; n < names.length; n += BATCH) {
      const counts = await Promise.all(names.slice(n, n + BATCH).map((name) => this.removeBlob(name)));
      removed += counts.reduce((sum, count) => sum + count, 0);
    }
    return removed;
  }

  /**
   * Deletes one hour blob and resolves to how many records it held: its committed block count (one block per
   * record), read with its eTag and deleted on that eTag, so that a record appended in between is counted.
   */
  private async removeBlob(name: string): Promise<number> {
    const blob = this.container.getAppendBlobClient(name);
    for (;;) {
      try {
        const properties = await withTimeout(this.callTimeoutMs, 'audit retention', (abortSignal) =>
          blob.getProperties({ abortSignal }),
        );
        await withTimeout(this.callTimeoutMs, 'audit retention', (abortSignal) =>
          blob.delete({ conditions: { ifMatch: properties.etag }, abortSignal }),
        );
        this.created.delete(name);
        return properties.blobCommittedBlockCount ?? 0;
      } catch (error) {
        const { status } = failureOf(error);
        // Another instance's retention deleted it first: its records are counted there.
        if (status === 404) return 0;
        if (status !== 412) throw error;
      }
    }
  }

  /** The records of one hour blob, in the order they were appended. */
  private async recordsIn(name: string): Promise<AuditRecord[]> {
    const content = await withTimeout(this.callTimeoutMs, 'audit list', async (abortSignal) => {
      const download = await this.container.getBlobClient(name).download(0, undefined, { abortSignal });
      return download.readableStreamBody === undefined ? '' : text(download.readableStreamBody);
    });
    return content
      .split('\n')
      .filter((line) => line !== '')
      .map((line, n) => {
        try {
          return JSON.parse(line) as AuditRecord;
        } catch {
          throw new Error(`audit list: line ${n + 1} of ${name} is not JSON`);
        }
      });
  }

  /**
   * The names of the hour blobs under `prefix`, walking the `YYYY/MM/DD/HH/` folders and entering only those
   * whose span `enter` accepts, then keeping the hours `keep` accepts: a query reads only its hours.
   */
  private async hourBlobs(
    prefix: string,
    enter: (from: number, to: number) => boolean,
    keep: (from: number, to: number) => boolean,
  ): Promise<string[]> {
    const span = spanOf(prefix);
    if (span !== undefined && span.depth === 4)
      return keep(span.from, span.to) ? this.blobsUnder(prefix) : [];
    const names: string[] = [];
    for await (const page of eachPage(this.callTimeoutMs, 'audit listing', (continuationToken, abortSignal) =>
      this.container.listBlobsByHierarchy('/', { prefix, abortSignal }).byPage({ continuationToken }),
    )) {
      for (const folder of page.segment.blobPrefixes ?? []) {
        const inner = spanOf(folder.name);
        if (inner === undefined || !enter(inner.from, inner.to)) continue;
        names.push(...(await this.hourBlobs(folder.name, enter, keep)));
      }
    }
    return names;
  }

  private async blobsUnder(prefix: string): Promise<string[]> {
    const names: string[] = [];
    for await (const page of eachPage(this.callTimeoutMs, 'audit listing', (continuationToken, abortSignal) =>
      this.container.listBlobsFlat({ prefix, abortSignal }).byPage({ continuationToken }),
    )) {
      names.push(...page.segment.blobItems.map((item) => item.name));
    }
    return names;
  }

  private ensureContainer(): Promise<void> {
    this.containerReady ??= withTimeout(this.callTimeoutMs, 'audit container', async (abortSignal) => {
      await this.container.createIfNotExists({ abortSignal });
    }).catch((error: unknown) => {
      // Not remembered: the next call tries again (storage may be back).
      this.containerReady = undefined;
      throw error;
    });
    return this.containerReady;
  }

  private ensureBlob(blob: AppendBlobClient): Promise<void> {
    let ready = this.created.get(blob.name);
    if (ready === undefined) {
      ready = withTimeout(this.callTimeoutMs, 'audit blob', async (abortSignal) => {
        await blob.createIfNotExists({
          blobHTTPHeaders: { blobContentType: 'application/x-ndjson' },
          abortSignal,
        });
      }).catch((error: unknown) => {
        this.created.delete(blob.name);
        throw error;
      });
      this.created.set(blob.name, ready);
    }
    return ready;
  }
}

function atOf(record: AuditRecord): Date {
  const at = new Date(record.at);
  if (Number.isNaN(at.getTime())) throw new Error('audit: a record without a valid "at"');
  return at;
}

/** `YYYY/MM/DD/HH/` of a moment, in UTC. */
function hourPrefixOf(at: Date): string {
  const [date = '', time = ''] = at.toISOString().split('T');
  return `${date.replaceAll('-', '/')}/${time.slice(0, 2)}/`;
}

function blobNameOf(hourPrefix: string, instanceId: string, part: number): string {
  return `${hourPrefix}${instanceId}${part === 0 ? '' : `.${part}`}.jsonl`;
}

/** The longest run of whole folders two hour prefixes share (`2026/12/` of `2026/12/01/09/` and `2026/12/02/10/`). */
function commonPrefix(a: string, b: string): string {
  const left = a.split('/');
  const right = b.split('/');
  let shared = '';
  for (let n = 0; n < left.length && left[n] !== '' && left[n] === right[n]; n += 1) shared += `${left[n]}/`;
  return shared;
}

/**
 * The time a folder prefix (`2026/`, `2026/12/`, `2026/12/02/`, `2026/12/02/09/`) covers, in epoch ms, and
 * its depth; undefined for the root and for names this trail did not write.
 */
function spanOf(prefix: string): { from: number; to: number; depth: number } | undefined {
  const parts = prefix.split('/').filter((part) => part !== '');
  if (parts.length === 0 || parts.length > 4 || !parts.every((part) => /^\d+$/.test(part))) return undefined;
  const [year = 0, month = 1, day = 1, hour = 0] = parts.map(Number);
  const from = Date.UTC(year, month - 1, day, hour);
  const to = [
    Date.UTC(year + 1, 0, 1),
    Date.UTC(year, month, 1),
    Date.UTC(year, month - 1, day + 1),
    from + HOUR_MS,
  ][parts.length - 1];
  return to === undefined ? undefined : { from, to, depth: parts.length };
}
