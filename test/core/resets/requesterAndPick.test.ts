import assert from 'node:assert/strict';
import {
  checkRequesterMayUseBot,
  findResetTarget,
  pickUser,
  prepareReset,
  type RequesterCheck,
} from '../../../core/resets';
import { IDS } from '../../support/fakeDirectory';
import {
  ALEX,
  CONVERSATION,
  graphFailure,
  MEGAN,
  NOBODY,
  type UseCaseWorld,
  useCaseWorld,
  withChat,
} from './useCaseFixture';
import { FakePrivateChat } from '../../support/fakePrivateChat';

describe('use case: checkRequesterMayUseBot', () => {
  const rows: Array<[string, typeof ALEX, RequesterCheck['kind'], ((world: UseCaseWorld) => void)?]> = [
    ['allows a Helpdesk Administrator', ALEX, 'allowed'],
    ['refuses an ordinary employee', MEGAN, 'refused'],
    ['refuses someone Teams did not identify', NOBODY, 'refused'],
    [
      'fails closed when the roles cannot be read',
      ALEX,
      'failed',
      ({ directory }) => (directory.failures.getUserRoles = graphFailure(503, 'x', 'req')),
    ],
  ];
  for (const [name, requester, expected, setUp] of rows) {
    it(name, async () => {
      const world = useCaseWorld();
      setUp?.(world);
      assert.equal((await checkRequesterMayUseBot(requester, world.deps)).kind, expected);
    });
  }
});

describe('use case: prepareReset and pickUser', () => {
  async function offer(world: UseCaseWorld): Promise<string> {
    const found = await findResetTarget(ALEX, 'meg', CONVERSATION, world.deps);
    assert.ok(found.kind === 'choose');
    return found.selection.id;
  }

  it('prepares the reset of a picked candidate, once', async () => {
    const world = useCaseWorld();
    const selectionId = await offer(world);
    const picked = await pickUser(ALEX, selectionId, IDS.megan, CONVERSATION, world.deps);
    assert.equal(picked.kind === 'ready' && picked.target.user.id, IDS.megan);
    const again = await pickUser(ALEX, selectionId, IDS.meghan, CONVERSATION, world.deps);
    assert.equal(again.kind === 'rejected' && again.reason, 'already-used');
  });

  it('refuses a user who was not offered, and leaves the picker usable for the real choice', async () => {
    const world = useCaseWorld();
    const selectionId = await offer(world);
    const forged = await pickUser(ALEX, selectionId, IDS.adele, CONVERSATION, world.deps);
    assert.equal(forged.kind === 'rejected' && forged.reason, 'not-a-candidate');
    assert.ok(world.audit.some((event) => event.reason === 'not-a-candidate'));
    const real = await pickUser(ALEX, selectionId, IDS.megan, CONVERSATION, world.deps);
    assert.equal(real.kind === 'ready' && real.target.user.id, IDS.megan);
  });

  it("refuses someone else's pick of a user who was not offered as someone else's", async () => {
    const world = useCaseWorld();
    const picked = await pickUser(MEGAN, await offer(world), IDS.adele, CONVERSATION, world.deps);
    assert.equal(picked.kind === 'rejected' && picked.reason, 'not-requester');
  });

  it("refuses someone else's pick", async () => {
    const world = useCaseWorld();
    const picked = await pickUser(MEGAN, await offer(world), IDS.megan, CONVERSATION, world.deps);
    assert.equal(picked.kind === 'rejected' && picked.reason, 'not-requester');
  });

  it('returns a failure, not an exception, when the target cannot be read', async () => {
    const world = useCaseWorld();
    world.directory.failures.getDomain = graphFailure(503, 'x', 'req-d');
    const prepared = await prepareReset(ALEX, IDS.megan, CONVERSATION, world.deps);
    assert.ok(prepared.kind === 'failed');
    assert.equal(prepared.error.requestId, 'req-d');
  });

  it('offers no Reset password button when the private chat cannot be reached, and says what to do', async () => {
    const world = useCaseWorld();
    const chat = new FakePrivateChat();
    chat.status = { reachable: false, reason: 'not-installed' };
    const prepared = await prepareReset(withChat(ALEX, chat), IDS.megan, CONVERSATION, world.deps);
    assert.ok(prepared.kind === 'refused');
    assert.equal(prepared.refusal.rule, 'private-chat-unavailable');
    assert.match(prepared.refusal.nextStep, /Open a chat with me first/);
    assert.equal(chat.opened, 1);
    const refused = world.audit.find((event) => event.action === 'reset-refused');
    assert.deepEqual([refused?.targetId, refused?.privateChat], [IDS.megan, 'not-installed']);
  });

  it('opens the private chat once a reset is allowed, before offering the button', async () => {
    const world = useCaseWorld();
    const chat = new FakePrivateChat();
    const prepared = await prepareReset(withChat(ALEX, chat), IDS.megan, CONVERSATION, world.deps);
    assert.equal(prepared.kind, 'ready');
    assert.equal(chat.opened, 1);
    const refusedTarget = await prepareReset(withChat(ALEX, chat), IDS.patti, CONVERSATION, world.deps);
    assert.equal(refusedTarget.kind, 'refused');
    assert.equal(chat.opened, 1, 'not for a user the rules refuse');
  });

  it('refuses, as a result, a requester Teams did not identify', async () => {
    const world = useCaseWorld();
    const prepared = await prepareReset(NOBODY, IDS.megan, CONVERSATION, world.deps);
    assert.equal(prepared.kind === 'refused' && prepared.refusal.rule, 'requester-not-admin');
  });
});
