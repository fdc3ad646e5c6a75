import assert from 'node:assert/strict';
import {
  isPendingActionId,
  PENDING_ACTION_LIFETIME_MS,
  PendingActions,
  type PendingReset,
} from '../../core/pendingActions';
import { MemoryPendingActionStore } from '../support/memoryPendingActionStore';

const AGENT = 'e1a00000-0000-4000-8000-000000000001';
const OTHER = 'e1a00000-0000-4000-8000-000000000002';

function resetFields(): Omit<PendingReset, 'id' | 'createdAt' | 'expiresAt'> {
  return {
    kind: 'reset',
    requesterAadObjectId: AGENT,
    requesterName: 'Alex Wilber',
    conversationId: 'a:personal',
    targetId: OTHER,
    targetDisplayName: 'Megan Bowen',
    targetUserPrincipalName: 'meganb@contoso.com',
  };
}

describe('PendingActions', () => {
  let clock: Date;
  let sut: PendingActions;
  beforeEach(() => {
    clock = new Date('2026-11-27T09:00:00Z');
    sut = new PendingActions(new MemoryPendingActionStore(), () => clock);
  });

  it('creates records under unguessable random ids', async () => {
    const first = await sut.create<PendingReset>(resetFields());
    const second = await sut.create<PendingReset>(resetFields());
    assert.ok(isPendingActionId(first.id));
    assert.notEqual(first.id, second.id);
  });

  it('lets the requester claim a pending reset once', async () => {
    const pending = await sut.create<PendingReset>(resetFields());
    const first = await sut.claimOnce('reset', pending.id, AGENT);
    assert.equal(first.claimed, true);
    assert.deepEqual(await sut.claimOnce('reset', pending.id, AGENT), {
      claimed: false,
      reason: 'already-used',
    });
  });

  it('refuses a click by anyone but the requester, without using the record up', async () => {
    const pending = await sut.create<PendingReset>(resetFields());
    assert.deepEqual(await sut.claimOnce('reset', pending.id, OTHER), {
      claimed: false,
      reason: 'not-requester',
    });
    assert.deepEqual(await sut.claimOnce('reset', pending.id, undefined), {
      claimed: false,
      reason: 'not-requester',
    });
    assert.equal((await sut.claimOnce('reset', pending.id, AGENT)).claimed, true);
  });

  it('refuses an expired card', async () => {
    const pending = await sut.create<PendingReset>(resetFields());
    clock = new Date(clock.getTime() + PENDING_ACTION_LIFETIME_MS);
    assert.deepEqual(await sut.claimOnce('reset', pending.id, AGENT), { claimed: false, reason: 'expired' });
  });

  it('refuses unknown ids and ids of another kind of record', async () => {
    const pending = await sut.create<PendingReset>(resetFields());
    assert.deepEqual(await sut.claimOnce('selection', pending.id, AGENT), {
      claimed: false,
      reason: 'unknown',
    });
    assert.deepEqual(await sut.claimOnce('reset', '7d0a3b54-1c2d-4e5f-8a9b-0c1d2e3f4a5b', AGENT), {
      claimed: false,
      reason: 'unknown',
    });
  });

  it('lets only one of two simultaneous clicks win', async () => {
    const pending = await sut.create<PendingReset>(resetFields());
    const results = await Promise.all([
      sut.claimOnce('reset', pending.id, AGENT),
      sut.claimOnce('reset', pending.id, AGENT),
    ]);
    assert.equal(results.filter((result) => result.claimed).length, 1);
  });

  it('recognises only well-formed ids', () => {
    assert.equal(isPendingActionId('not-an-id'), false);
    assert.equal(isPendingActionId('../../etc/passwd'), false);
    assert.equal(isPendingActionId(42), false);
  });
});
