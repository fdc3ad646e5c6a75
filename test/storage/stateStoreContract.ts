import assert from 'node:assert/strict';
import type { AuditRecord, RecordLifetimes, StateStore } from '../../storage/stateStore';

/** Lifetimes the contract uses: `short/` keys live one second after their last write, all others a day. */
export const CONTRACT_LIFETIMES: RecordLifetimes = (key) =>
  key.startsWith('short/') ? 1_000 : 24 * 60 * 60 * 1000;

export interface ContractSubject {
  /** A store over empty storage, with `CONTRACT_LIFETIMES`. */
  open(): Promise<StateStore>;
}

function isConflict(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const { statusCode } = error as { statusCode?: unknown };
  return statusCode === 412 && /etag conflict/i.test(error.message);
}

async function outcomeOf(work: Promise<unknown>): Promise<'written' | 'conflict'> {
  try {
    await work;
    return 'written';
  } catch (error) {
    if (isConflict(error)) return 'conflict';
    throw error;
  }
}

function record(at: string, targetId: string): AuditRecord {
  return {
    at,
    event: {
      action: 'reset-succeeded',
      requesterAadObjectId: 'e1a00000-0000-4000-8000-000000000001',
      targetId,
    },
  };
}

/**
 * What every `StateStore` must do (storage/stateStore.ts): MemoryStorage's eTag semantics with an atomic create,
 * removal after a record's lifetime, and an append-only audit trail. Each store's own test file calls this.
 */
export function describeStateStoreContract(name: string, subject: ContractSubject): void {
  describe(`${name}: the StateStore contract`, () => {
    let store: StateStore;

    beforeEach(async () => {
      store = await subject.open();
    });

    afterEach(async () => {
      await store.close();
    });

    it('reads nothing for keys never written, and only the keys that exist', async () => {
      assert.deepEqual(await store.read(['missing/one']), {});
      await store.write({ 'present/one': { value: 1 } });
      const items = await store.read(['present/one', 'missing/two']);
      assert.deepEqual(Object.keys(items), ['present/one']);
    });

    it('returns what was written with an eTag that changes on every write and is not part of the item', async () => {
      await store.write({ 'item/a': { nested: { list: [1, 'two', null], flag: true }, text: 'é ü 中 "q"' } });
      const first = (await store.read(['item/a']))['item/a'];
      assert.ok(first);
      assert.equal(typeof first.eTag, 'string');
      assert.notEqual(first.eTag, '');
      assert.notEqual(first.eTag, '*');
      assert.deepEqual(first.nested, { list: [1, 'two', null], flag: true });
      assert.equal(first.text, 'é ü 中 "q"');

      await store.write({ 'item/a': { ...first, text: 'second' } });
      const second = (await store.read(['item/a']))['item/a'];
      assert.ok(second);
      assert.equal(second.text, 'second');
      assert.notEqual(second.eTag, first.eTag);
    });

    it('writes an item without an eTag, or with "*", whatever is stored', async () => {
      await store.write({ 'item/b': { n: 1 } });
      await store.write({ 'item/b': { n: 2 } });
      await store.write({ 'item/b': { n: 3, eTag: '*' } });
      assert.equal((await store.read(['item/b']))['item/b']?.n, 3);
    });

    it('writes an item with the stored eTag, and refuses a stale one with a 412 "eTag conflict", writing nothing', async () => {
      await store.write({ 'item/c': { n: 1 } });
      const read = (await store.read(['item/c']))['item/c'];
      assert.ok(read);
      await store.write({ 'item/c': { n: 2, eTag: read.eTag } });
      assert.equal(await outcomeOf(store.write({ 'item/c': { n: 3, eTag: read.eTag } })), 'conflict');
      assert.equal((await store.read(['item/c']))['item/c']?.n, 2);
    });

    it('creates an absent key written with an eTag, once: a second create of the same key is a conflict', async () => {
      await store.write({ 'item/d': { n: 1, eTag: 'first-exchange' } });
      assert.equal((await store.read(['item/d']))['item/d']?.n, 1);
      assert.equal(await outcomeOf(store.write({ 'item/d': { n: 2, eTag: 'second-exchange' } })), 'conflict');
      assert.equal((await store.read(['item/d']))['item/d']?.n, 1);
    });

    it('lets exactly one of 20 racing creates of one key win', async () => {
      const outcomes = await Promise.all(
        Array.from({ length: 20 }, (_, n) =>
          outcomeOf(store.write({ 'race/create': { n, eTag: `try-${n}` } })),
        ),
      );
      assert.equal(outcomes.filter((outcome) => outcome === 'written').length, 1);
      assert.equal(outcomes.filter((outcome) => outcome === 'conflict').length, 19);
    });

    it('lets exactly one of 20 racing writes on the same eTag win', async () => {
      await store.write({ 'race/update': { n: -1 } });
      const read = (await store.read(['race/update']))['race/update'];
      assert.ok(read);
      const outcomes = await Promise.all(
        Array.from({ length: 20 }, (_, n) =>
          outcomeOf(store.write({ 'race/update': { n, eTag: read.eTag } })),
        ),
      );
      assert.equal(outcomes.filter((outcome) => outcome === 'written').length, 1);
      const won = outcomes.indexOf('written');
      assert.equal((await store.read(['race/update']))['race/update']?.n, won);
    });

    it('keeps distinct keys apart, whatever characters they hold', async () => {
      const keys = [
        'msteams/conversations/19:abc@thread.tacv2;messageid=1/users/29:1a-B_c/state',
        'msteams/conversations/a:1Xy%2Fz/users/29:x/state',
        'pending-actions/7d0a3b54-1c2d-4e5f-8a9b-0c1d2e3f4a5b',
        'rate-limits/agent/E1A00000-0000-4000-8000-000000000001',
        'space and ünïcode/ключ',
      ];
      await store.write(Object.fromEntries(keys.map((key, n) => [key, { n }])));
      const items = await store.read(keys);
      keys.forEach((key, n) => assert.equal(items[key]?.n, n, key));
    });

    it('deletes, and deleting an absent key is not an error', async () => {
      await store.write({ 'item/e': { n: 1 } });
      await store.delete(['item/e', 'item/never']);
      assert.deepEqual(await store.read(['item/e']), {});
    });

    it('round-trips a large item (a long dialog state)', async () => {
      const large = { steps: Array.from({ length: 2_000 }, (_, n) => ({ n, text: `step ${n}` })) };
      await store.write({ 'item/large': large });
      assert.deepEqual((await store.read(['item/large']))['item/large']?.steps, large.steps);
    });

    it('sweeps away records whose lifetime since their last write has ended, and only those', async () => {
      await store.write({ 'short/one': { n: 1 }, 'short/two': { n: 2 }, 'long/one': { n: 3 } });
      assert.equal(await store.sweep(new Date()), 0);
      const later = new Date(Date.now() + 60_000);
      assert.equal(await store.sweep(later), 2);
      assert.deepEqual(Object.keys(await store.read(['short/one', 'short/two', 'long/one'])), ['long/one']);
      assert.equal(await store.sweep(new Date(Date.now() + 2 * 24 * 60 * 60 * 1000)), 1);
      assert.deepEqual(await store.read(['long/one']), {});
    });

    it('appends audit records and lists those in [since, until), oldest first', async () => {
      await store.audit.append(record('2026-12-01T10:00:00.000Z', 'b'));
      await store.audit.append(record('2026-11-30T10:00:00.000Z', 'a'));
      await store.audit.append(record('2026-12-02T10:00:00.000Z', 'c'));
      const listed = await store.audit.list(
        new Date('2026-11-30T10:00:00.000Z'),
        new Date('2026-12-02T10:00:00.000Z'),
      );
      assert.deepEqual(
        listed.map((entry) => entry.event.targetId),
        ['a', 'b'],
      );
      assert.deepEqual(listed[0], record('2026-11-30T10:00:00.000Z', 'a'));
    });

    it('keeps every one of 200 records appended at once', async () => {
      await Promise.all(
        Array.from({ length: 200 }, (_, n) =>
          store.audit.append(record(new Date(Date.UTC(2026, 11, 2, 9, 0, 0, n)).toISOString(), `t${n}`)),
        ),
      );
      const listed = await store.audit.list(
        new Date('2026-12-02T00:00:00.000Z'),
        new Date('2026-12-03T00:00:00.000Z'),
      );
      assert.equal(listed.length, 200);
      assert.deepEqual(
        listed.map((entry) => entry.event.targetId),
        Array.from({ length: 200 }, (_, n) => `t${n}`),
      );
    });

    it('removes audit records older than the retention cutoff, and no others', async () => {
      await store.audit.append(record('2025-10-01T00:00:00.000Z', 'old'));
      await store.audit.append(record('2026-11-01T00:00:00.000Z', 'kept'));
      assert.equal(await store.audit.removeOlderThan(new Date('2025-10-28T00:00:00.000Z')), 1);
      const listed = await store.audit.list(new Date(0), new Date('2027-01-01T00:00:00.000Z'));
      assert.deepEqual(
        listed.map((entry) => entry.event.targetId),
        ['kept'],
      );
    });

    it('sweeping state leaves the audit trail alone', async () => {
      await store.audit.append(record(new Date().toISOString(), 'kept'));
      await store.sweep(new Date(Date.now() + 1000 * 24 * 60 * 60 * 1000));
      assert.equal((await store.audit.list(new Date(0), new Date(Date.now() + 60_000))).length, 1);
    });
  });
}
