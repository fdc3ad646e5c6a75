import assert from 'node:assert/strict';
import { MemoryStorage } from 'botbuilder';
import type { PendingReset, StoredPendingAction } from '../../core/pendingActions';
import { type KeyValueStorage, KeyValuePendingActionStore } from '../../storage/keyValuePendingActionStore';

const ACTION: PendingReset = {
  kind: 'reset',
  id: '7d0a3b54-1c2d-4e5f-8a9b-0c1d2e3f4a5b',
  requesterAadObjectId: 'e1a00000-0000-4000-8000-000000000001',
  requesterName: 'Alex Wilber',
  conversationId: 'a:personal',
  createdAt: '2026-11-27T09:00:00.000Z',
  expiresAt: '2026-11-27T09:15:00.000Z',
  targetId: 'e1a00000-0000-4000-8000-000000000002',
  targetDisplayName: 'Megan Bowen',
  targetUserPrincipalName: 'meganb@contoso.com',
  shown: {
    target: {
      jobTitle: 'Marketing Manager',
      department: 'Marketing',
      accountEnabled: true,
      onPremisesSyncEnabled: null,
      lastPasswordChangeDateTime: null,
    },
    warnings: [],
  },
};
const USED_AT = '2026-11-27T09:01:00.000Z';

/**
 * A key-value store that answers a stale eTag the way Azure Blob Storage does (a RestError: status 412,
 * code ConditionNotMet) or Cosmos DB does (code 412), with wording of its own that the store must not read.
 */
class PreconditionCheckingStorage implements KeyValueStorage {
  private readonly items = new Map<string, Record<string, unknown>>();
  private writes = 0;

  constructor(private readonly failure: () => Error) {}

  read(keys: string[]): Promise<Record<string, unknown>> {
    const found: Record<string, unknown> = {};
    for (const key of keys) if (this.items.has(key)) found[key] = structuredClone(this.items.get(key));
    return Promise.resolve(found);
  }

  write(changes: Record<string, object>): Promise<void> {
    for (const [key, change] of Object.entries(changes) as Array<[string, Record<string, unknown>]>) {
      const current = this.items.get(key);
      if (current && change.eTag && change.eTag !== current.eTag) return Promise.reject(this.failure());
      this.items.set(key, { ...structuredClone(change), eTag: `"0x${++this.writes}"` });
    }
    return Promise.resolve();
  }
}

function blobConditionNotMet(): Error {
  return Object.assign(new Error('The condition specified using HTTP conditional header(s) is not met.'), {
    name: 'RestError',
    statusCode: 412,
    code: 'ConditionNotMet',
  });
}

function cosmosPreconditionFailed(): Error {
  return Object.assign(new Error('Operation cannot be performed.'), { code: 412 });
}

describe('KeyValuePendingActionStore', () => {
  const stores: Array<[string, () => KeyValueStorage]> = [
    ["Bot Framework's MemoryStorage", () => new MemoryStorage()],
    [
      'a Blob-like store answering 412 ConditionNotMet',
      () => new PreconditionCheckingStorage(blobConditionNotMet),
    ],
    [
      'a Cosmos-like store answering code 412',
      () => new PreconditionCheckingStorage(cosmosPreconditionFailed),
    ],
  ];

  for (const [name, makeStorage] of stores) {
    describe(`over ${name}`, () => {
      let sut: KeyValuePendingActionStore;
      beforeEach(async () => {
        sut = new KeyValuePendingActionStore(makeStorage());
        await sut.add(ACTION);
      });

      it('reads back what was added, unused, with a version', async () => {
        const read = await sut.read(ACTION.id);
        assert.deepEqual(read?.action, ACTION);
        assert.equal(read?.usedAt, null);
        assert.ok(read?.version);
      });

      it('answers null for an id it does not hold', async () => {
        assert.equal(await sut.read('11111111-2222-4333-8444-555555555555'), null);
      });

      it('marks a record used once, and reports a second mark from the same read as a conflict', async () => {
        const read = (await sut.read(ACTION.id)) as StoredPendingAction;
        assert.equal(await sut.markUsed(read, USED_AT), 'marked');
        assert.equal(await sut.markUsed(read, USED_AT), 'conflict');
        assert.equal((await sut.read(ACTION.id))?.usedAt, USED_AT);
      });

      it('lets exactly one of two racing marks win', async () => {
        const [first, second] = await Promise.all([sut.read(ACTION.id), sut.read(ACTION.id)]);
        const results = await Promise.all([
          sut.markUsed(first as StoredPendingAction, USED_AT),
          sut.markUsed(second as StoredPendingAction, USED_AT),
        ]);
        assert.deepEqual([...results].sort(), ['conflict', 'marked']);
      });
    });
  }

  it('recognises a 412 by its status and code, without reading the item again', async () => {
    const storage = new PreconditionCheckingStorage(blobConditionNotMet);
    const sut = new KeyValuePendingActionStore(storage);
    await sut.add(ACTION);
    const read = (await sut.read(ACTION.id)) as StoredPendingAction;
    assert.equal(await sut.markUsed(read, USED_AT), 'marked');
    storage.read = () => Promise.reject(new Error('no read expected after a 412'));
    assert.equal(await sut.markUsed(read, USED_AT), 'conflict');
  });

  it('passes on a storage failure that is not a lost race, rather than calling it one', async () => {
    const outage = Object.assign(new Error('eTag conflict? no: the account is unreachable'), {
      statusCode: 503,
    });
    const storage = new PreconditionCheckingStorage(blobConditionNotMet);
    const sut = new KeyValuePendingActionStore(storage);
    await sut.add(ACTION);
    const read = (await sut.read(ACTION.id)) as StoredPendingAction;
    storage.write = () => Promise.reject(outage);
    await assert.rejects(sut.markUsed(read, USED_AT), outage);
  });

  it('never writes without an eTag, which every Bot Framework store treats as unconditional', async () => {
    const sut = new KeyValuePendingActionStore(new MemoryStorage());
    await assert.rejects(
      sut.markUsed({ action: ACTION, usedAt: null, version: '' }, USED_AT),
      /without an eTag/,
    );
  });
});
