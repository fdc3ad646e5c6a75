import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { BlobServiceClient, type ContainerClient } from '@azure/storage-blob';
import { BlobsStorage } from 'botbuilder-azure-blobs';
import { BlobStateStore, type BlobStateStoreOptions } from '../../storage/blobStateStore';
import { StoreUnavailable } from '../../core/errors';
import { StoreTimeout } from '../../storage/blobRequests';
import type { AuditRecord } from '../../storage/stateStore';
import { startAzurite, type Azurite } from '../support/azurite';
import { CONTRACT_LIFETIMES, describeStateStoreContract } from './stateStoreContract';

/** Fresh container names, so that every test starts on empty storage. */
function containers(): Pick<BlobStateStoreOptions, 'stateContainer' | 'auditContainer'> {
  const suffix = randomBytes(6).toString('hex');
  return { stateContainer: `state-${suffix}`, auditContainer: `audit-${suffix}` };
}

function isConflict(error: unknown): boolean {
  return error instanceof Error && (error as { statusCode?: unknown }).statusCode === 412;
}

function auditRecord(at: string, targetId: string): AuditRecord {
  return {
    at,
    event: {
      action: 'reset-succeeded',
      requesterAadObjectId: 'e1a00000-0000-4000-8000-000000000001',
      targetId,
    },
  };
}

describe('BlobStateStore', function () {
  let azurite: Azurite;
  const opened: BlobStateStore[] = [];

  before(async function () {
    this.timeout(60_000);
    azurite = await startAzurite();
  });

  after(async () => {
    await azurite.stop();
  });

  afterEach(async () => {
    await Promise.all(opened.splice(0).map((store) => store.close()));
  });

  function open(options: Partial<BlobStateStoreOptions> = {}): BlobStateStore {
    const store = new BlobStateStore({
      connectionString: azurite.connectionString,
      ...containers(),
      lifetimeOf: CONTRACT_LIFETIMES,
      ...options,
    });
    opened.push(store);
    return store;
  }

  describeStateStoreContract('BlobStateStore on Azurite', { open: () => Promise.resolve(open()) });

  it('creates the first write of a new key with an eTag, which plain BlobsStorage refuses on Blob storage', async () => {
    const names = containers();
    const plain = new BlobsStorage(azurite.connectionString, names.stateContainer);
    await assert.rejects(plain.write({ 'tokens/exchange-1': { n: 1, eTag: 'first' } }), /eTag conflict/);
    assert.deepEqual(await plain.read(['tokens/exchange-1']), {});

    const store = open(names);
    await store.write({ 'tokens/exchange-1': { n: 1, eTag: 'first' } });
    // Written where BlobsStorage looks for it: the same blob name.
    const created = (await plain.read(['tokens/exchange-1'])) as Record<string, { n?: unknown }>;
    assert.equal(created['tokens/exchange-1']?.n, 1);
  });

  it('lets exactly one of 20 conditional writes from two instances win', async () => {
    const names = containers();
    const one = open({ ...names, instanceId: 'one' });
    const two = open({ ...names, instanceId: 'two' });
    await one.write({ 'race/two-instances': { n: -1 } });
    const read = (await two.read(['race/two-instances']))['race/two-instances'];
    assert.ok(read);
    const outcomes = await Promise.all(
      Array.from({ length: 20 }, (_, n) =>
        (n % 2 === 0 ? one : two).write({ 'race/two-instances': { n, eTag: read.eTag } }).then(
          () => 'written',
          (error: unknown) => {
            if (isConflict(error)) return 'conflict';
            throw error;
          },
        ),
      ),
    );
    assert.equal(outcomes.filter((outcome) => outcome === 'written').length, 1);
    assert.equal(outcomes.filter((outcome) => outcome === 'conflict').length, 19);
    assert.equal(
      (await one.read(['race/two-instances']))['race/two-instances']?.n,
      outcomes.indexOf('written'),
    );
  });

  it('sweeps a blob only as it was listed: one rewritten after the listing stays', async () => {
    const names = containers();
    const store = open(names);
    await store.write({ 'short/rewritten': { n: 1 }, 'short/left': { n: 2 } });
    // Another instance rewrites 'short/rewritten' after the sweep listed it, before the sweep deletes it.
    const other = open(names);
    const sweeping = open(names);
    const container = (sweeping as unknown as { stateContainer: ContainerClient }).stateContainer;
    const deleteBlob = container.deleteBlob.bind(container);
    let rewrite: Promise<void> | undefined;
    container.deleteBlob = async (...args) => {
      rewrite ??= other.write({ 'short/rewritten': { n: 3 } });
      await rewrite;
      return deleteBlob(...args);
    };
    assert.equal(await sweeping.sweep(new Date(Date.now() + 60_000)), 1);
    assert.ok(rewrite);
    const left = await store.read(['short/rewritten', 'short/left']);
    assert.deepEqual(Object.keys(left), ['short/rewritten']);
    assert.equal(left['short/rewritten']?.n, 3);
  });

  it('lists the audit records two instances appended in the same hour', async () => {
    const names = containers();
    const one = open({ ...names, instanceId: 'instance-one' });
    const two = open({ ...names, instanceId: 'instance-two' });
    await one.audit.append(auditRecord('2026-12-02T09:10:00.000Z', 'from-one'));
    await two.audit.append(auditRecord('2026-12-02T09:05:00.000Z', 'from-two'));
    await one.audit.append(auditRecord('2026-12-02T09:20:00.000Z', 'from-one-again'));
    const listed = await two.audit.list(
      new Date('2026-12-02T09:00:00.000Z'),
      new Date('2026-12-02T10:00:00.000Z'),
    );
    assert.deepEqual(
      listed.map((record) => record.event.targetId),
      ['from-two', 'from-one', 'from-one-again'],
    );
    const blobs: string[] = [];
    const audit = BlobServiceClient.fromConnectionString(azurite.connectionString).getContainerClient(
      names.auditContainer,
    );
    for await (const blob of audit.listBlobsFlat()) blobs.push(blob.name);
    assert.deepEqual(blobs, ['2026/12/02/09/instance-one.jsonl', '2026/12/02/09/instance-two.jsonl']);
    assert.equal(await one.audit.removeOlderThan(new Date('2026-12-02T10:00:00.000Z')), 3);
  });

  it('moves on to a new blob when an hour blob holds the 50,000 blocks an append blob can take', async () => {
    const names = containers();
    const store = open({ ...names, instanceId: 'busy' });
    await store.audit.append(auditRecord('2026-12-02T09:00:00.000Z', 'first'));
    // Answer as Blob Storage (and Azurite) do for the 50,001st block, rather than appending 50,000 records.
    const audit = (store.audit as unknown as { container: ContainerClient }).container;
    const getAppendBlobClient = audit.getAppendBlobClient.bind(audit);
    audit.getAppendBlobClient = (name) => {
      const blob = getAppendBlobClient(name);
      if (name === '2026/12/02/09/busy.jsonl')
        blob.appendBlock = () =>
          Promise.reject(
            Object.assign(new Error('full'), { statusCode: 409, code: 'BlockCountExceedsLimit' }),
          );
      return blob;
    };
    await store.audit.append(auditRecord('2026-12-02T09:01:00.000Z', 'second'));
    await store.audit.append(auditRecord('2026-12-02T09:02:00.000Z', 'third'));
    const listed = await store.audit.list(
      new Date('2026-12-02T09:00:00.000Z'),
      new Date('2026-12-02T10:00:00.000Z'),
    );
    assert.deepEqual(
      listed.map((record) => record.event.targetId),
      ['first', 'second', 'third'],
    );
    const blobs: string[] = [];
    for await (const blob of audit.listBlobsFlat()) blobs.push(blob.name);
    assert.deepEqual(blobs, ['2026/12/02/09/busy.1.jsonl', '2026/12/02/09/busy.jsonl']);
  });

  it('works again with a store first used while storage was down', async function () {
    this.timeout(60_000);
    const local = await startAzurite({ onDisk: true });
    try {
      await local.halt();
      const store = open({ connectionString: local.connectionString, callTimeoutMs: 1_000 });
      await assert.rejects(store.read(['item/early']));
      await local.start();
      await store.write({ 'item/early': { n: 1 } });
      assert.equal((await store.read(['item/early']))['item/early']?.n, 1);
    } finally {
      await local.stop();
    }
  });

  describe('when storage goes away', function () {
    this.timeout(60_000);
    let local: Azurite;
    let store: BlobStateStore;

    beforeEach(async () => {
      local = await startAzurite({ onDisk: true });
      store = open({ connectionString: local.connectionString, callTimeoutMs: 1_000 });
      await store.write({ 'item/kept': { n: 1 } });
      await store.audit.append(auditRecord('2026-12-02T09:00:00.000Z', 'before'));
    });

    afterEach(async () => {
      await local.stop();
    });

    it('rejects reads and writes while it is stopped, and works again with its data once it is back', async () => {
      await local.halt();
      const unreachable = (error: unknown) => {
        assert.ok(error instanceof StoreUnavailable, String(error));
        assert.equal(error.failure, 'unreachable');
        return true;
      };
      await assert.rejects(store.read(['item/kept']), unreachable);
      await assert.rejects(store.write({ 'item/kept': { n: 2 } }), unreachable);
      await assert.rejects(store.write({ 'item/kept': { n: 2, eTag: 'stale' } }), unreachable);
      await assert.rejects(store.delete(['item/kept']), unreachable);
      await assert.rejects(store.sweep(new Date()), unreachable);
      await assert.rejects(
        store.audit.append(auditRecord('2026-12-02T09:01:00.000Z', 'during')),
        unreachable,
      );
      await assert.rejects(store.audit.list(new Date(0), new Date()), unreachable);
      await local.start();
      assert.equal((await store.read(['item/kept']))['item/kept']?.n, 1);
      await store.write({ 'item/kept': { n: 3 } });
      assert.equal((await store.read(['item/kept']))['item/kept']?.n, 3);
      await store.audit.append(auditRecord('2026-12-02T09:02:00.000Z', 'after'));
      const listed = await store.audit.list(
        new Date('2026-12-02T09:00:00.000Z'),
        new Date('2026-12-02T10:00:00.000Z'),
      );
      assert.deepEqual(
        listed.map((record) => record.event.targetId),
        ['before', 'after'],
      );
    });

    it('gives up on calls it sends to a storage that does not answer, instead of hanging', async () => {
      local.pause();
      try {
        await assert.rejects(store.read(['item/kept']), StoreTimeout);
        await assert.rejects(store.write({ 'item/kept': { n: 2, eTag: 'stale' } }), StoreTimeout);
        await assert.rejects(
          store.audit.append(auditRecord('2026-12-02T09:01:00.000Z', 'during')),
          StoreTimeout,
        );
        await assert.rejects(store.sweep(new Date()), StoreTimeout);
      } finally {
        local.resume();
      }
      assert.equal((await store.read(['item/kept']))['item/kept']?.n, 1);
    });
  });
});
