import assert from 'node:assert/strict';
import sinon from 'sinon';
import { findResetTarget, type Requester, type TargetSearch } from '../../../core/resets';
import { IDS } from '../../support/fakeDirectory';
import {
  ALEX,
  CONVERSATION,
  graphFailure,
  MEGAN,
  NOBODY,
  type UseCaseWorld,
  useCaseWorld,
} from './useCaseFixture';

interface Row {
  name: string;
  requester: Requester;
  typed: string;
  setUp?: (world: UseCaseWorld) => void;
  expected: TargetSearch['kind'];
  check?: (result: TargetSearch, world: UseCaseWorld) => void | Promise<void>;
}

const ROWS: Row[] = [
  {
    name: 'refuses text that cannot be a name',
    requester: ALEX,
    typed: 'x'.repeat(300),
    expected: 'invalid-query',
  },
  {
    name: 'refuses a requester Teams did not identify',
    requester: NOBODY,
    typed: 'megan',
    expected: 'refused',
    check: (result) => assert.equal(result.kind === 'refused' && result.refusal.rule, 'requester-not-admin'),
  },
  {
    name: 'refuses an ordinary employee before showing any match, and audits it',
    requester: MEGAN,
    typed: 'adele',
    expected: 'refused',
    check: (result, world) => {
      assert.equal(result.kind === 'refused' && result.refusal.rule, 'requester-not-admin');
      assert.deepEqual(
        world.audit.map((event) => [event.action, event.reason]),
        [['reset-refused', 'requester-not-admin']],
      );
    },
  },
  {
    name: 'says nobody matches',
    requester: ALEX,
    typed: '  zelda ',
    expected: 'none',
    check: (result) => assert.equal(result.kind === 'none' && result.query, 'zelda'),
  },
  {
    name: 'offers a choice among several matches, recorded for the requester only',
    requester: ALEX,
    typed: 'meg',
    expected: 'choose',
    check: (result) => {
      assert.ok(result.kind === 'choose');
      assert.deepEqual(result.candidates.map((user) => user.id).sort(), [IDS.megan, IDS.meghan].sort());
      assert.deepEqual(result.selection.candidateIds.sort(), [IDS.megan, IDS.meghan].sort());
      assert.equal(result.selection.requesterAadObjectId, IDS.alex);
    },
  },
  {
    name: 'prepares the reset of the one user who matches',
    requester: ALEX,
    typed: 'meganb@contoso.com',
    expected: 'ready',
    check: (result) => {
      assert.ok(result.kind === 'ready');
      assert.equal(result.target.user.id, IDS.megan);
      assert.equal(result.pending.targetId, IDS.megan);
      assert.equal(result.pending.requesterAadObjectId, IDS.alex);
    },
  },
  {
    name: 'refuses a target whose role the requester cannot reset',
    requester: ALEX,
    typed: 'patti',
    expected: 'refused',
    check: (result) =>
      assert.equal(result.kind === 'refused' && result.refusal.rule, 'target-role-protected'),
  },
  {
    name: "refuses the requester's own account",
    requester: ALEX,
    typed: 'alexw@contoso.com',
    expected: 'refused',
    check: (result) => assert.equal(result.kind === 'refused' && result.refusal.rule, 'self-reset'),
  },
  {
    name: 'fails closed, with the request id, when the search fails',
    requester: ALEX,
    typed: 'megan',
    setUp: ({ directory }) =>
      (directory.failures.findUsers = graphFailure(503, 'serviceNotAvailable', 'req-1')),
    expected: 'failed',
    check: (result) => {
      assert.ok(result.kind === 'failed');
      assert.equal(result.doing, 'search the directory');
      assert.equal(result.error.requestId, 'req-1');
    },
  },
  {
    name: "fails closed when the requester's roles cannot be read",
    requester: ALEX,
    typed: 'megan',
    setUp: ({ directory }) => (directory.failures.getUserRoles = graphFailure(500, 'x', 'req-2')),
    expected: 'failed',
    check: (result) => assert.equal(result.kind === 'failed' && result.doing, 'check your directory role'),
  },
];

describe('use case: findResetTarget', () => {
  for (const row of ROWS) {
    it(row.name, async () => {
      const world = useCaseWorld();
      row.setUp?.(world);
      const result = await findResetTarget(row.requester, row.typed, CONVERSATION, world.deps);
      assert.equal(result.kind, row.expected);
      await row.check?.(result, world);
      assert.equal(world.directory.passwordChanges.length, 0, 'nothing is reset before the click');
    });
  }

  it("reads the requester's roles once on an exact-match turn, and the user the search found not again", async () => {
    const world = useCaseWorld();
    const getUser = sinon.spy(world.directory, 'getUser');
    const getRoles = sinon.spy(world.directory, 'getUserRoles');
    const result = await findResetTarget(ALEX, 'meganb@contoso.com', CONVERSATION, world.deps);
    assert.equal(result.kind, 'ready');
    assert.equal(getRoles.withArgs(IDS.alex).callCount, 1);
    sinon.assert.notCalled(getUser);
  });

  it('lets a bug surface as an exception, not as a directory failure', async () => {
    const world = useCaseWorld();
    sinon.stub(world.directory, 'findUsers').rejects(new RangeError('a bug'));
    await assert.rejects(findResetTarget(ALEX, 'megan', CONVERSATION, world.deps), RangeError);
  });
});
