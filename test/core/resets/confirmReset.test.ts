import assert from 'node:assert/strict';
import {
  cancelReset,
  claimReset,
  completeReset,
  prepareReset,
  type Requester,
  type ResetDependencies,
  type ResetOptions,
  type ResetOutcome,
  type UnreachableReason,
} from '../../../core/resets';
import { IDS, ROLE } from '../../support/fakeDirectory';
import { FakePrivateChat } from '../../support/fakePrivateChat';
import {
  ALEX,
  CONVERSATION,
  graphFailure,
  MEGAN,
  type UseCaseWorld,
  useCaseWorld,
  withChat,
} from './useCaseFixture';

const DEFAULTS: ResetOptions = { revokeSessions: true, requireMfa: false };

/** The click, as the Teams layer runs it: claimed at once, completed afterwards. */
async function confirm(
  requester: Requester,
  resetId: string,
  options: ResetOptions,
  deps: ResetDependencies,
  stop?: AbortSignal,
): Promise<ResetOutcome> {
  const claim = await claimReset(requester, resetId, deps);
  if (claim.kind === 'rejected') return claim;
  return completeReset(requester, claim.pending, options, deps, stop);
}

interface Row {
  name: string;
  setUp?: (world: UseCaseWorld) => void;
  clicker?: Requester;
  options?: ResetOptions;
  courierFails?: boolean;
  /** The requester's private chat cannot be opened, for this reason. */
  unreachable?: UnreachableReason;
  /** The click's time is already up when the reset would start. */
  outOfTime?: boolean;
  expected: ResetOutcome['kind'];
  /** Whether a password was set and handed to the courier. */
  resets: boolean;
  check?: (outcome: ResetOutcome, world: UseCaseWorld) => void;
}

const ROWS: Row[] = [
  {
    name: 'resets, signs the user out, delivers privately and audits',
    expected: 'done',
    resets: true,
    check: (outcome, world) => {
      assert.ok(outcome.kind === 'done');
      assert.deepEqual([outcome.sessions, outcome.passwordDelivery], ['revoked', 'delivered']);
      assert.deepEqual(world.directory.revoked, [IDS.megan]);
      assert.deepEqual(world.directory.passwordChanges[0].options, { requireMfa: false });
      const success = world.audit.find((event) => event.action === 'reset-succeeded');
      assert.equal(success?.requesterAadObjectId, IDS.alex);
      assert.equal(success?.targetId, IDS.megan);
    },
  },
  {
    name: 'honours the options: MFA first, sessions left alone',
    options: { revokeSessions: false, requireMfa: true },
    expected: 'done',
    resets: true,
    check: (outcome, world) => {
      assert.equal(outcome.kind === 'done' && outcome.sessions, 'not-requested');
      assert.deepEqual(world.directory.revoked, []);
      assert.deepEqual(world.directory.passwordChanges[0].options, { requireMfa: true });
    },
  },
  {
    name: 'counts a click by anyone but the requester for nothing',
    clicker: MEGAN,
    expected: 'rejected',
    resets: false,
    check: (outcome) => assert.equal(outcome.kind === 'rejected' && outcome.reason, 'not-requester'),
  },
  {
    name: 'refuses when the target became an administrator since the card was shown',
    setUp: ({ directory }) =>
      directory.roles.set(IDS.megan, [
        { roleDefinitionId: ROLE.globalAdministrator, directoryScopeId: '/', kind: 'active' },
      ]),
    expected: 'refused',
    resets: false,
    check: (outcome, world) => {
      assert.equal(outcome.kind === 'refused' && outcome.refusal.rule, 'target-role-protected');
      assert.ok(world.audit.some((event) => event.action === 'reset-refused'));
    },
  },
  {
    name: 'fails without resetting when the rules cannot be checked again',
    setUp: ({ directory }) => (directory.failures.getUserRoles = graphFailure(503, 'x', 'req-g')),
    expected: 'failed',
    resets: false,
    check: (outcome) => {
      assert.ok(outcome.kind === 'failed');
      assert.equal(outcome.outcomeUnknown, false);
      assert.equal(outcome.error.requestId, 'req-g');
    },
  },
  {
    name: 'says the password was not reset when Entra refuses the write',
    setUp: ({ directory }) =>
      (directory.failures.resetPassword = graphFailure(403, 'Authorization_RequestDenied', 'req-403')),
    expected: 'failed',
    resets: false,
    check: (outcome, world) => {
      assert.ok(outcome.kind === 'failed');
      assert.equal(outcome.outcomeUnknown, false);
      const failure = world.audit.find((event) => event.action === 'reset-failed');
      assert.deepEqual([failure?.reason, failure?.graphRequestId], ['NotAllowed', 'req-403']);
    },
  },
  {
    name: 'says the outcome is unknown when the connection drops during the write',
    setUp: ({ directory }) => (directory.failures.resetPassword = new TypeError('fetch failed')),
    expected: 'failed',
    resets: false,
    check: (outcome, world) => {
      assert.equal(outcome.kind === 'failed' && outcome.outcomeUnknown, true);
      assert.equal(world.audit.find((event) => event.action === 'reset-failed')?.outcomeUnknown, true);
    },
  },
  {
    name: 'still delivers the password when signing out got a 5xx, and says (and audits) it may not have happened',
    setUp: ({ directory }) =>
      (directory.failures.revokeSignInSessions = graphFailure(500, 'Service_InternalServerError', 'req-rv')),
    expected: 'done',
    resets: true,
    check: (outcome, world) => {
      assert.ok(outcome.kind === 'done');
      assert.equal(outcome.sessions, 'unknown');
      assert.equal(outcome.sessionsError?.requestId, 'req-rv');
      assert.equal(outcome.passwordDelivery, 'delivered');
      const success = world.audit.find((event) => event.action === 'reset-succeeded');
      assert.equal(success?.sessions, 'unknown');
      assert.deepEqual(success?.sessionsFailure, { reason: 'GraphUnavailable', graphRequestId: 'req-rv' });
    },
  },
  {
    name: 'says signing out is unknown, not failed, when its connection drops after the request was sent',
    setUp: ({ directory }) => (directory.failures.revokeSignInSessions = new TypeError('fetch failed')),
    expected: 'done',
    resets: true,
    check: (outcome, world) => {
      assert.equal(outcome.kind === 'done' && outcome.sessions, 'unknown');
      assert.equal(world.audit.find((event) => event.action === 'reset-succeeded')?.sessions, 'unknown');
    },
  },
  {
    name: 'says signing out failed when Graph refused it, and audits why with the request id',
    setUp: ({ directory }) =>
      (directory.failures.revokeSignInSessions = graphFailure(403, 'Authorization_RequestDenied', 'req-rv')),
    expected: 'done',
    resets: true,
    check: (outcome, world) => {
      assert.ok(outcome.kind === 'done');
      assert.equal(outcome.sessions, 'failed');
      assert.equal(outcome.passwordDelivery, 'delivered');
      const success = world.audit.find((event) => event.action === 'reset-succeeded');
      assert.deepEqual(success?.sessionsFailure, { reason: 'NotAllowed', graphRequestId: 'req-rv' });
    },
  },
  {
    name: 'reports a failed private delivery',
    courierFails: true,
    expected: 'done',
    resets: true,
    check: (outcome) => assert.equal(outcome.kind === 'done' && outcome.passwordDelivery, 'failed'),
  },
  ...(
    [
      'not-installed',
      'blocked-by-user',
      'disabled-by-admin',
      'not-found',
      'not-private',
      'unavailable',
    ] as const
  ).map((reason): Row => ({
    name: `resets nothing when the private chat cannot be reached (${reason}), and says what to do`,
    unreachable: reason,
    expected: 'refused',
    resets: false,
    check: (outcome, world) => {
      assert.ok(outcome.kind === 'refused');
      assert.equal(outcome.refusal.rule, 'private-chat-unavailable');
      assert.match(outcome.refusal.nextStep, /\S/);
      const refused = world.audit.find((event) => event.action === 'reset-refused');
      assert.deepEqual([refused?.reason, refused?.privateChat], ['private-chat-unavailable', reason]);
    },
  })),
  {
    name: 'stops before changing the password when the click has no time left, and says it was not reset',
    outOfTime: true,
    expected: 'failed',
    resets: false,
    check: (outcome, world) => {
      assert.ok(outcome.kind === 'failed');
      assert.equal(outcome.error.kind, 'TimedOut');
      assert.equal(outcome.outcomeUnknown, false);
      assert.equal(world.audit.find((event) => event.action === 'reset-failed')?.reason, 'TimedOut');
    },
  },
];

describe('use cases: claimReset and completeReset', () => {
  async function pendingResetFor(world: UseCaseWorld): Promise<string> {
    const preparation = await prepareReset(ALEX, IDS.megan, CONVERSATION, world.deps);
    assert.ok(preparation.kind === 'ready');
    return preparation.pending.id;
  }

  for (const row of ROWS) {
    it(row.name, async () => {
      const world = useCaseWorld();
      const resetId = await pendingResetFor(world);
      row.setUp?.(world);
      const chat = new FakePrivateChat();
      if (row.courierFails) chat.delivery = 'failed';
      if (row.unreachable) chat.status = { reachable: false, reason: row.unreachable };
      const stop = row.outOfTime ? AbortSignal.abort() : undefined;
      const outcome = await confirm(
        withChat(row.clicker ?? ALEX, chat),
        resetId,
        row.options ?? DEFAULTS,
        world.deps,
        stop,
      );

      assert.equal(outcome.kind, row.expected);
      const changes = world.directory.passwordChanges;
      assert.equal(changes.length, row.resets ? 1 : 0);
      assert.deepEqual(
        chat.handed.map((handed) => handed.password),
        changes.map((change) => change.password),
        'the private chat gets the password set, and only that',
      );
      if (row.resets) assert.equal(chat.opened, 1, 'the private chat was checked before the reset');
      const password = changes[0]?.password;
      if (password) {
        assert.ok(!JSON.stringify(world.audit).includes(password), 'never in the audit trail');
        assert.ok(!JSON.stringify(outcome).includes(password), 'never in the outcome');
      }
      row.check?.(outcome, world);
    });
  }

  it("audits the card offered and every record of its click with the card's id, so a trail links them", async () => {
    const world = useCaseWorld();
    const resetId = await pendingResetFor(world);
    await confirm(ALEX, resetId, DEFAULTS, world.deps);
    await confirm(ALEX, resetId, DEFAULTS, world.deps);
    assert.deepEqual(
      world.audit.map((event) => [event.action, event.pendingActionId, event.reason]),
      [
        ['reset-offered', resetId, undefined],
        ['reset-succeeded', resetId, undefined],
        ['card-action-rejected', resetId, 'already-used'],
      ],
    );
  });

  it('acts on one click only', async () => {
    const world = useCaseWorld();
    const resetId = await pendingResetFor(world);
    const outcomes = await Promise.all([
      confirm(ALEX, resetId, DEFAULTS, world.deps),
      confirm(ALEX, resetId, DEFAULTS, world.deps),
    ]);
    assert.deepEqual(outcomes.map((outcome) => outcome.kind).sort(), ['done', 'rejected']);
    assert.equal(world.directory.passwordChanges.length, 1);
  });
});

describe('use case: cancelReset', () => {
  it('changes nothing, audits the cancellation and uses the card up', async () => {
    const world = useCaseWorld();
    const preparation = await prepareReset(ALEX, IDS.megan, CONVERSATION, world.deps);
    assert.ok(preparation.kind === 'ready');
    const cancelled = await cancelReset(ALEX, preparation.pending.id, world.deps);
    assert.equal(cancelled.kind, 'cancelled');
    assert.ok(world.audit.some((event) => event.action === 'reset-cancelled'));
    const after = await confirm(ALEX, preparation.pending.id, DEFAULTS, world.deps);
    assert.equal(after.kind === 'rejected' && after.reason, 'already-used');
    assert.equal(world.directory.passwordChanges.length, 0);
  });

  it('counts a cancel by someone else for nothing', async () => {
    const world = useCaseWorld();
    const preparation = await prepareReset(ALEX, IDS.megan, CONVERSATION, world.deps);
    assert.ok(preparation.kind === 'ready');
    const result = await cancelReset(MEGAN, preparation.pending.id, world.deps);
    assert.equal(result.kind === 'rejected' && result.reason, 'not-requester');
  });
});
