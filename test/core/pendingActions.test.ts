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

  it('shows an open record to anyone, saying whether the viewer is its requester, and uses nothing up', async () => {
    const pending = await sut.create<PendingReset>(resetFields());
    const asRequester = await sut.look('reset', pending.id, AGENT);
    assert.deepEqual(asRequester, { open: true, action: pending, viewerIsRequester: true });
    for (const viewer of [OTHER, undefined]) {
      const look = await sut.look('reset', pending.id, viewer);
      assert.equal(look.open && look.viewerIsRequester, false);
    }
    assert.equal((await sut.claimOnce('reset', pending.id, AGENT)).claimed, true);
  });

  it('shows a used, expired, unknown or other-kind record as closed to everyone, its requester included', async () => {
    const used = await sut.create<PendingReset>(resetFields());
    await sut.claimOnce('reset', used.id, AGENT);
    assert.deepEqual(await sut.look('reset', used.id, AGENT), { open: false, reason: 'already-used' });
    assert.deepEqual(await sut.look('selection', used.id, AGENT), { open: false, reason: 'unknown' });
    assert.deepEqual(await sut.look('reset', '../x', AGENT), { open: false, reason: 'unknown' });
    const old = await sut.create<PendingReset>(resetFields());
    clock = new Date(clock.getTime() + PENDING_ACTION_LIFETIME_MS);
    assert.deepEqual(await sut.look('reset', old.id, AGENT), { open: false, reason: 'expired' });
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
