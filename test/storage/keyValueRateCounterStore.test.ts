import assert from 'node:assert/strict';
import { MemoryStorage } from 'botbuilder';
import type { KeyValueStorage } from '../../storage/keyValuePendingActionStore';
import { KeyValueRateCounterStore } from '../../storage/keyValueRateCounterStore';

const KEY = 'target/e1a00000-0000-4000-8000-000000000002';
const ONE = { id: 'a', at: '2026-03-02T09:00:00.000Z' };
const TWO = { id: 'b', at: '2026-03-02T09:05:00.000Z' };

/** A store answering a stale eTag as Azure Blob Storage does (412 ConditionNotMet), wording of its own. */
class BlobLikeStorage implements KeyValueStorage {
  private readonly items = new Map<string, Record<string, unknown>>();
  private writes = 0;

  read(keys: string[]): Promise<Record<string, unknown>> {
    const found: Record<string, unknown> = {};
    for (const key of keys) if (this.items.has(key)) found[key] = structuredClone(this.items.get(key));
    return Promise.resolve(found);
  }

  write(changes: Record<string, object>): Promise<void> {
    for (const [key, change] of Object.entries(changes) as Array<[string, Record<string, unknown>]>) {
      const current = this.items.get(key);
      if (current && change.eTag && change.eTag !== current.eTag) {
        return Promise.reject(
          Object.assign(new Error('condition not met'), { statusCode: 412, code: 'ConditionNotMet' }),
        );
      }
      this.items.set(key, { ...structuredClone(change), eTag: `"0x${++this.writes}"` });
    }
    return Promise.resolve();
  }
}

describe('KeyValueRateCounterStore', () => {
  for (const [name, storage] of [
    ['MemoryStorage', () => new MemoryStorage()],
    ['a Blob-like store (412)', () => new BlobLikeStorage()],
  ] as const) {
    describe(`over ${name}`, () => {
      it('reads a counter that does not exist yet as empty, creates it, and reads it back', async () => {
        const sut = new KeyValueRateCounterStore(storage());
        const absent = await sut.read(KEY);
        assert.deepEqual(absent, { key: KEY, entries: [], version: null });

        assert.equal(await sut.write(absent, [ONE]), 'written');
        const read = await sut.read(KEY);
        assert.deepEqual(read.entries, [ONE]);
        assert.ok(read.version, 'a stored counter has an eTag');
      });

      it('answers conflict, and keeps what the other writer wrote, when the counter changed since it was read', async () => {
        const sut = new KeyValueRateCounterStore(storage());
        await sut.write(await sut.read(KEY), [ONE]);
        const first = await sut.read(KEY);
        const second = await sut.read(KEY);

        assert.equal(await sut.write(first, [ONE, TWO]), 'written');
        assert.equal(await sut.write(second, [ONE, { id: 'c', at: TWO.at }]), 'conflict');
        assert.deepEqual((await sut.read(KEY)).entries, [ONE, TWO]);
      });
    });
  }

  it('never writes with an empty eTag, which every Bot Framework store takes as "unconditional"', async () => {
    const sut = new KeyValueRateCounterStore(new MemoryStorage());
    await assert.rejects(sut.write({ key: KEY, entries: [], version: '' }, [ONE]), /without an eTag/);
  });

  it('treats a malformed item as no counter (it is replaced, never trusted)', async () => {
    const storage = new MemoryStorage();
    await storage.write({ [`rate-limits/${KEY}`]: { entries: [{ id: 1 }] } });
    assert.deepEqual((await new KeyValueRateCounterStore(storage).read(KEY)).entries, []);
  });
});
