import assert from 'node:assert/strict';
import {
  checkRequesterMayUseBot,
  claimReset,
  completeReset,
  findResetTarget,
  prepareReset,
  type Requester,
  type ResetDependencies,
  type ResetOutcome,
} from '../../../core/resets';
import { IDS } from '../../support/fakeDirectory';
import { ManualClock, rateLimits } from '../../support/rateLimits';
import { ALEX, CONVERSATION, graphFailure, type UseCaseWorld, useCaseWorld } from './useCaseFixture';

const HELPDESK_GROUP = 'e1a0c000-0000-4000-8000-000000000006';
const PROTECTED_GROUP = 'e1a0c000-0000-4000-8000-000000000007';
const MINUTE = 60 * 1000;

async function confirm(
  requester: Requester,
  resetId: string,
  deps: ResetDependencies,
): Promise<ResetOutcome> {
  const claim = await claimReset(requester, resetId, deps);
  if (claim.kind === 'rejected') return claim;
  return completeReset(requester, claim.pending, { revokeSessions: false, requireMfa: false }, deps);
}

async function preparedResetId(world: UseCaseWorld, targetId: string = IDS.megan): Promise<string> {
  const prepared = await prepareReset(ALEX, targetId, CONVERSATION, world.deps);
  assert.equal(prepared.kind, 'ready', JSON.stringify(prepared));
  return prepared.kind === 'ready' ? prepared.pending.id : '';
}

describe('use cases: protected accounts (PROTECTED_USER_IDS, PROTECTED_GROUP_IDS)', () => {
  let world: UseCaseWorld;
  beforeEach(() => {
    world = useCaseWorld();
  });

  it('refuses a listed account before showing a card, without naming the list, and audits it', async () => {
    world.deps.settings = { ...world.deps.settings, protectedUserIds: [IDS.megan.toUpperCase()] };

    const prepared = await prepareReset(ALEX, IDS.megan, CONVERSATION, world.deps);

    assert.ok(prepared.kind === 'refused');
    assert.equal(prepared.refusal.rule, 'target-protected');
    assert.match(prepared.refusal.reason, /protected/);
    assert.match(prepared.refusal.nextStep, /security team/);
    assert.deepEqual(world.audit.at(-1), {
      action: 'reset-refused',
      requesterAadObjectId: IDS.alex,
      targetId: IDS.megan,
      targetUserPrincipalName: 'meganb@contoso.com',
      reason: 'target-protected',
    });
  });

  it('refuses a member of a protected group, whatever the agent’s role (a Global Administrator too)', async () => {
    world.deps.settings = { ...world.deps.settings, protectedGroupIds: [PROTECTED_GROUP] };
    world.directory.addToGroup(PROTECTED_GROUP, IDS.megan);

    const asHelpdesk = await prepareReset(ALEX, IDS.megan, CONVERSATION, world.deps);
    const asGlobalAdmin = await prepareReset(
      { ...ALEX, aadObjectId: IDS.patti, name: 'Patti Fernandez' },
      IDS.megan,
      CONVERSATION,
      world.deps,
    );

    assert.equal(asHelpdesk.kind === 'refused' && asHelpdesk.refusal.rule, 'target-protected');
    assert.equal(asGlobalAdmin.kind === 'refused' && asGlobalAdmin.refusal.rule, 'target-protected');
    assert.equal((await prepareReset(ALEX, IDS.adele, CONVERSATION, world.deps)).kind, 'ready');
  });

  it('checks again on the click: an account protected after the card was shown is not reset', async () => {
    world.deps.settings = { ...world.deps.settings, protectedGroupIds: [PROTECTED_GROUP] };
    const resetId = await preparedResetId(world);
    world.directory.addToGroup(PROTECTED_GROUP, IDS.megan);

    const outcome = await confirm(ALEX, resetId, world.deps);

    assert.equal(outcome.kind === 'refused' && outcome.refusal.rule, 'target-protected');
    assert.deepEqual(world.directory.passwordChanges, []);
    assert.equal(world.audit.at(-1)?.reason, 'target-protected');
  });

  it('fails closed when the group membership cannot be checked: no card, the error’s guidance instead', async () => {
    world.deps.settings = { ...world.deps.settings, protectedGroupIds: [PROTECTED_GROUP] };
    world.directory.failures.memberGroupsOf = graphFailure(503, 'serviceUnavailable', 'req-1');

    const prepared = await prepareReset(ALEX, IDS.megan, CONVERSATION, world.deps);

    assert.ok(prepared.kind === 'failed');
    assert.equal(prepared.error.kind, 'GraphUnavailable');
    assert.equal(prepared.error.requestId, 'req-1');
  });

  it('fails closed on the click too: a membership check that fails resets nothing', async () => {
    world.deps.settings = { ...world.deps.settings, protectedGroupIds: [PROTECTED_GROUP] };
    const resetId = await preparedResetId(world);
    world.directory.failures.memberGroupsOf = graphFailure(403, 'Authorization_RequestDenied', 'req-2');

    const outcome = await confirm(ALEX, resetId, world.deps);

    assert.equal(outcome.kind, 'failed');
    assert.deepEqual(world.directory.passwordChanges, []);
    assert.equal(world.audit.at(-1)?.action, 'reset-failed');
  });
});

describe('use cases: the helpdesk group (HELPDESK_GROUP_ID)', () => {
  let world: UseCaseWorld;
  beforeEach(() => {
    world = useCaseWorld();
    world.deps.settings = { ...world.deps.settings, helpdeskGroupId: HELPDESK_GROUP };
  });

  it('refuses an administrator who is not in the group before anything else, and audits it', async () => {
    const check = await checkRequesterMayUseBot(ALEX, world.deps);

    assert.ok(check.kind === 'refused');
    assert.equal(check.refusal.rule, 'requester-not-in-helpdesk-group');
    assert.match(check.refusal.reason, /helpdesk group/);
    assert.deepEqual(world.audit, [
      { action: 'reset-refused', requesterAadObjectId: IDS.alex, reason: 'requester-not-in-helpdesk-group' },
    ]);
  });

  it('refuses a search by a non-member without looking at who matched', async () => {
    const found = await findResetTarget(ALEX, 'megan', CONVERSATION, world.deps);
    assert.equal(found.kind === 'refused' && found.refusal.rule, 'requester-not-in-helpdesk-group');
  });

  it('lets a member who holds a resetting role through', async () => {
    world.directory.addToGroup(HELPDESK_GROUP, IDS.alex);
    assert.deepEqual(await checkRequesterMayUseBot(ALEX, world.deps), { kind: 'allowed' });
    assert.equal((await prepareReset(ALEX, IDS.megan, CONVERSATION, world.deps)).kind, 'ready');
  });

  it('is on top of the role rule: a member without a resetting role is still refused for the role', async () => {
    world.directory.addToGroup(HELPDESK_GROUP, IDS.megan);
    const check = await checkRequesterMayUseBot({ ...ALEX, aadObjectId: IDS.megan }, world.deps);
    assert.equal(check.kind === 'refused' && check.refusal.rule, 'requester-not-admin');
  });

  it('checks again on the click: an agent removed from the group since the card resets nothing', async () => {
    world.directory.addToGroup(HELPDESK_GROUP, IDS.alex);
    const resetId = await preparedResetId(world);
    world.directory.groupMembers.clear();

    const outcome = await confirm(ALEX, resetId, world.deps);

    assert.equal(outcome.kind === 'refused' && outcome.refusal.rule, 'requester-not-in-helpdesk-group');
    assert.deepEqual(world.directory.passwordChanges, []);
  });
});

describe('use cases: reset limits (RATE_LIMIT_RESETS_PER_*)', () => {
  let world: UseCaseWorld;
  let clock: ManualClock;
  beforeEach(() => {
    world = useCaseWorld();
    clock = new ManualClock();
  });

  it('refuses the card once a user reached the daily limit: says when, audits which limit, changes nothing', async () => {
    world.deps.rateLimits = rateLimits({ perAgentPerHour: 10, perTargetPerDay: 1 }, clock);
    assert.equal((await confirm(ALEX, await preparedResetId(world), world.deps)).kind, 'done');
    clock.advance(60 * MINUTE);

    const prepared = await prepareReset(ALEX, IDS.megan, CONVERSATION, world.deps);

    assert.ok(prepared.kind === 'refused');
    assert.equal(prepared.refusal.rule, 'rate-limited');
    assert.match(prepared.refusal.reason, /already been reset 1 time .* in about 23 hours/);
    assert.match(prepared.refusal.nextStep, /security team/);
    assert.deepEqual(world.audit.at(-1), {
      action: 'reset-refused',
      requesterAadObjectId: IDS.alex,
      targetId: IDS.megan,
      targetUserPrincipalName: 'meganb@contoso.com',
      reason: 'rate-limited',
      rateLimit: { limit: 'per-target', max: 1, windowMinutes: 1440, retryAt: '2026-03-03T09:00:00.000Z' },
    });
    assert.equal(world.directory.passwordChanges.length, 1);
  });

  it('enforces the limit on the click: of two cards shown within the limit, only the first click resets', async () => {
    world.deps.rateLimits = rateLimits({ perAgentPerHour: 1, perTargetPerDay: 0 }, clock);
    const first = await preparedResetId(world, IDS.megan);
    const second = await preparedResetId(world, IDS.adele);

    assert.equal((await confirm(ALEX, first, world.deps)).kind, 'done');
    const outcome = await confirm(ALEX, second, world.deps);

    assert.ok(outcome.kind === 'refused');
    assert.equal(outcome.refusal.rule, 'rate-limited');
    assert.match(outcome.refusal.reason, /limit of 1 password reset per hour.* in about 60 minutes/);
    assert.deepEqual(
      world.directory.passwordChanges.map((change) => change.userId),
      [IDS.megan],
    );
    assert.deepEqual(world.audit.at(-1)?.rateLimit?.limit, 'per-agent');
  });

  it('counts a reset that failed in Graph: a run of failing attempts meets the limit too', async () => {
    world.deps.rateLimits = rateLimits({ perAgentPerHour: 1, perTargetPerDay: 0 }, clock);
    world.directory.failures.resetPassword = graphFailure(403, 'Authorization_RequestDenied', 'req-3');
    assert.equal((await confirm(ALEX, await preparedResetId(world), world.deps)).kind, 'failed');

    const prepared = await prepareReset(ALEX, IDS.adele, CONVERSATION, world.deps);
    assert.equal(prepared.kind === 'refused' && prepared.refusal.rule, 'rate-limited');
  });

  it('does not count a click refused by the rules before the change', async () => {
    world.deps.rateLimits = rateLimits({ perAgentPerHour: 1, perTargetPerDay: 0 }, clock);
    const resetId = await preparedResetId(world);
    world.deps.settings = { ...world.deps.settings, protectedUserIds: [IDS.megan] };
    assert.equal((await confirm(ALEX, resetId, world.deps)).kind, 'refused');

    assert.equal((await prepareReset(ALEX, IDS.adele, CONVERSATION, world.deps)).kind, 'ready');
  });
});
