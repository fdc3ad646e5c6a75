import assert from 'node:assert/strict';
import { cancelReset, findResetTarget, prepareReset, viewPendingAction } from '../../../core/resets';
import { IDS } from '../../support/fakeDirectory';
import { ALEX, CONVERSATION, MEGAN, NOBODY, useCaseWorld } from './useCaseFixture';

describe('use case: viewPendingAction', () => {
  const ALEX_IN_TEAMS = { ...ALEX, teamsId: '29:alex' };

  async function preparedReset(world = useCaseWorld()) {
    const preparation = await prepareReset(ALEX_IN_TEAMS, IDS.megan, CONVERSATION, world.deps);
    assert.equal(preparation.kind, 'ready');
    return { world, pending: preparation.kind === 'ready' ? preparation.pending : undefined };
  }

  it("keeps the requester's Teams id and what the card showed, for showing it again", async () => {
    const { pending } = await preparedReset();
    assert.equal(pending?.requesterTeamsId, '29:alex');
    assert.equal(pending?.shown.target.jobTitle, 'Analyst');
    const found = await findResetTarget(ALEX_IN_TEAMS, 'meg', CONVERSATION, useCaseWorld().deps);
    assert.equal(found.kind, 'choose');
    if (found.kind === 'choose') {
      assert.equal(found.selection.requesterTeamsId, '29:alex');
      assert.deepEqual(
        found.selection.shown.candidates.map((candidate) => candidate.id).sort(),
        [IDS.megan, IDS.meghan].sort(),
      );
    }
  });

  it('shows the requester the buttons and anyone else, or someone unidentified, the waiting view', async () => {
    const { world, pending } = await preparedReset();
    const id = pending?.id ?? '';
    assert.equal((await viewPendingAction(ALEX, 'reset', id, world.deps)).kind, 'requester');
    for (const viewer of [MEGAN, NOBODY, { ...MEGAN, teamsId: '29:alex' }]) {
      assert.equal((await viewPendingAction(viewer, 'reset', id, world.deps)).kind, 'onlooker');
    }
  });

  it('shows a used action as closed to its requester too, and changes nothing by being viewed', async () => {
    const { world, pending } = await preparedReset();
    const id = pending?.id ?? '';
    await viewPendingAction(ALEX, 'reset', id, world.deps);
    assert.equal((await cancelReset(ALEX, id, world.deps)).kind, 'cancelled');
    assert.deepEqual(await viewPendingAction(ALEX, 'reset', id, world.deps), {
      kind: 'closed',
      reason: 'already-used',
    });
    assert.deepEqual(await viewPendingAction(ALEX, 'selection', id, world.deps), {
      kind: 'closed',
      reason: 'unknown',
    });
  });
});
