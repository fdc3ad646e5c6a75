import assert from 'node:assert/strict';
import { type Activity, MemoryStorage, TestAdapter } from 'botbuilder';
import { GraphError } from '@microsoft/microsoft-graph-client';
import pino from 'pino';
import sinon from 'sinon';
import type { AuditEvent } from '../../core/audit';
import { CardActionHandler } from '../../bot/cardActions';
import { PerUserConversationState } from '../../bot/conversationState';
import type { PrivateDelivery } from '../../bot/privateDelivery';
import { HelpdeskBot } from '../../bot/helpdeskBot';
import { PendingActions } from '../../core/pendingActions';
import { findResetTarget, prepareReset, type ResetDependencies } from '../../core/resets';
import { KeyValuePendingActionStore } from '../../storage/keyValuePendingActionStore';
import { requesterOf } from '../../bot/activity';
import { ResetPasswordDialog } from '../../dialogs/resetPasswordDialog';
import { FakeDirectory, IDS, ROLE } from '../support/fakeDirectory';
import { type Agent, cardInvoke, executeActionsOf, personalChatWith } from '../support/teamsActivities';

const ALEX = { id: '29:alex', name: 'Alex Wilber', aadObjectId: IDS.alex as string };
const LYNNE = { id: '29:lynne', name: 'Lynne Robbins', aadObjectId: 'e1a00000-0000-4000-8000-000000000006' };

interface InvokeResult {
  status: number;
  body: { statusCode: number; type: string; value: unknown };
}

describe('card actions', () => {
  let directory: FakeDirectory;
  let audit: AuditEvent[];
  let deps: ResetDependencies;
  let delivered: Array<Partial<Activity>>;
  let delivery: PrivateDelivery;
  let adapter: TestAdapter;

  beforeEach(() => {
    directory = FakeDirectory.withDemoPeople();
    directory.add(
      { ...directory.users.get(IDS.alex)!, id: LYNNE.aadObjectId, displayName: 'Lynne Robbins' },
      [ROLE.passwordAdministrator],
    );
    audit = [];
    const storage = new MemoryStorage();
    deps = {
      directory,
      pendingActions: new PendingActions(new KeyValuePendingActionStore(storage)),
      settings: { passwordWritebackEnabled: false },
      audit: { record: (event) => audit.push(event) },
    };
    delivered = [];
    delivery = {
      sendToRequester: (_context, activity) => {
        delivered.push(activity);
        return Promise.resolve();
      },
    };
    const logger = pino({ level: 'silent' });
    const bot = new HelpdeskBot(
      new PerUserConversationState(storage),
      new ResetPasswordDialog(deps, requesterOf, logger),
      new CardActionHandler(deps, delivery, logger),
      logger,
    );
    adapter = new TestAdapter((context) => bot.run(context), personalChatWith(ALEX));
  });

  async function pendingResetOf(targetId: string): Promise<string> {
    const preparation = await prepareReset(ALEX, targetId, `a:personal-${ALEX.id}`, deps);
    assert.equal(preparation.kind, 'ready');
    return preparation.kind === 'ready' ? preparation.pending.id : '';
  }

  /** A picker offered to Alex for `query`; its id is what the picker's buttons carry. */
  async function selectionFor(query: string): Promise<{ id: string }> {
    const found = await findResetTarget(ALEX, query, `a:personal-${ALEX.id}`, deps);
    assert.equal(found.kind, 'choose');
    return found.kind === 'choose' ? found.selection : { id: '' };
  }

  async function click(
    verb: string,
    data: Record<string, unknown>,
    from: Agent = ALEX,
  ): Promise<InvokeResult> {
    adapter.activeQueue.splice(0);
    await adapter.processActivity({ ...cardInvoke(verb, data), from });
    const response = adapter.activeQueue.find((activity) => activity.type === 'invokeResponse');
    assert.ok(response, 'expected an invoke response');
    return response.value as InvokeResult;
  }

  function passwordOf(activity: Partial<Activity>): string {
    const passwords = directory.passwordChanges.map((change) => change.password);
    const text = JSON.stringify(activity);
    const found = passwords.find((password) => text.includes(password));
    assert.ok(found, 'expected the temporary password in the private message');
    return found;
  }

  it('resets, revokes sessions, sends the password privately once and replaces the card', async () => {
    const resetId = await pendingResetOf(IDS.megan);
    const result = await click('confirmReset', { resetId, revokeSessions: 'true', requireMfa: 'false' });

    assert.equal(directory.passwordChanges.length, 1);
    const change = directory.passwordChanges[0];
    assert.equal(change.userId, IDS.megan);
    assert.deepEqual(change.options, { requireMfa: false });
    assert.deepEqual(directory.revoked, [IDS.megan]);
    assert.equal(delivered.length, 1);
    assert.equal(passwordOf(delivered[0]), change.password);

    assert.equal(result.body.type, 'application/vnd.microsoft.card.adaptive');
    const outcome = JSON.stringify(result.body.value);
    assert.match(outcome, /Megan Bowen/);
    assert.ok(!outcome.includes(change.password), 'the outcome card never carries the password');
    assert.equal(executeActionsOf(result.body.value).length, 0, 'the outcome card has no buttons');

    const success = audit.find((event) => event.action === 'reset-succeeded');
    assert.deepEqual(
      {
        sessions: success?.sessions,
        passwordDelivery: success?.passwordDelivery,
        targetId: success?.targetId,
      },
      { sessions: 'revoked', passwordDelivery: 'delivered', targetId: IDS.megan },
    );
    assert.ok(!JSON.stringify(audit).includes(change.password), 'audit records never carry the password');
  });

  it('updates the original card for every viewer', async () => {
    const resetId = await pendingResetOf(IDS.megan);
    const update = sinon.spy(adapter, 'updateActivity');
    await click('confirmReset', { resetId });
    sinon.assert.calledOnce(update);
    assert.equal(update.firstCall.args[1].id, 'card-activity-1');
  });

  it('honours the card options: MFA first, sessions left alone', async () => {
    const resetId = await pendingResetOf(IDS.megan);
    await click('confirmReset', { resetId, revokeSessions: 'false', requireMfa: 'true' });
    assert.deepEqual(directory.passwordChanges[0].options, { requireMfa: true });
    assert.deepEqual(directory.revoked, []);
  });

  it('ignores a second click on the same card', async () => {
    const resetId = await pendingResetOf(IDS.megan);
    await click('confirmReset', { resetId });
    const second = await click('confirmReset', { resetId });
    assert.equal(second.body.type, 'application/vnd.microsoft.activity.message');
    assert.match(String(second.body.value), /already been used/);
    assert.equal(directory.passwordChanges.length, 1);
    assert.equal(delivered.length, 1);
  });

  it('ignores a click by anyone but the requesting agent, even another administrator', async () => {
    const resetId = await pendingResetOf(IDS.megan);
    const result = await click('confirmReset', { resetId }, LYNNE);
    assert.match(String(result.body.value), /Only the agent who asked/);
    assert.equal(directory.passwordChanges.length, 0);
    assert.equal(
      (await click('confirmReset', { resetId })).body.type,
      'application/vnd.microsoft.card.adaptive',
    );
  });

  const forgeries: Array<[string, string, Record<string, unknown>, RegExp]> = [
    [
      'an unknown reset id',
      'confirmReset',
      { resetId: '7d0a3b54-1c2d-4e5f-8a9b-0c1d2e3f4a5b' },
      /no longer valid/,
    ],
    ['a malformed reset id', 'confirmReset', { resetId: '../../x' }, /not valid/],
    ['a target id instead of a reset id', 'confirmReset', { targetId: IDS.megan }, /not valid/],
    ['an unknown verb', 'deleteUser', { userId: IDS.megan }, /not valid/],
    [
      'a malformed toggle',
      'confirmReset',
      { resetId: '7d0a3b54-1c2d-4e5f-8a9b-0c1d2e3f4a5b', requireMfa: 'yes' },
      /not valid/,
    ],
  ];
  for (const [name, verb, data, expected] of forgeries) {
    it(`changes nothing for a forged payload: ${name}`, async () => {
      const result = await click(verb, data);
      assert.equal(result.status, 200);
      assert.match(String(result.body.value), expected);
      assert.equal(directory.passwordChanges.length, 0);
      assert.equal(delivered.length, 0);
    });
  }

  it('cancels: nothing changes and the card says so', async () => {
    const resetId = await pendingResetOf(IDS.megan);
    const cancelled = await click('cancelReset', { resetId });
    assert.match(JSON.stringify(cancelled.body.value), /Megan Bowen/);
    assert.equal(executeActionsOf(cancelled.body.value).length, 0);
    const afterwards = await click('confirmReset', { resetId });
    assert.match(String(afterwards.body.value), /already been used/);
    assert.equal(directory.passwordChanges.length, 0);
  });

  it('checks the rules again on the click: a target who became an administrator is refused', async () => {
    const resetId = await pendingResetOf(IDS.megan);
    directory.roles.set(IDS.megan, [
      { roleDefinitionId: ROLE.globalAdministrator, directoryScopeId: '/', kind: 'active' },
    ]);
    const result = await click('confirmReset', { resetId });
    assert.match(JSON.stringify(result.body.value), /Global Administrator/);
    assert.equal(directory.passwordChanges.length, 0);
    assert.equal(delivered.length, 0);
  });

  it('says the password was not reset, with the request id, when Graph refuses', async () => {
    const denied = new GraphError(403, 'Insufficient privileges to complete the operation.');
    denied.code = 'Authorization_RequestDenied';
    denied.requestId = 'req-403';
    directory.failures.resetPassword = denied;
    const resetId = await pendingResetOf(IDS.megan);
    const result = await click('confirmReset', { resetId });
    const text = JSON.stringify(result.body.value);
    assert.match(text, /was not reset/);
    assert.match(text, /req-403/);
    assert.equal(delivered.length, 0);
    assert.deepEqual(directory.revoked, []);
  });

  it('says it cannot tell whether the reset happened when the connection drops', async () => {
    directory.failures.resetPassword = new TypeError('fetch failed');
    const resetId = await pendingResetOf(IDS.megan);
    const result = await click('confirmReset', { resetId });
    assert.match(JSON.stringify(result.body.value), /could not confirm whether/);
    assert.equal(delivered.length, 0);
    assert.equal(audit.find((event) => event.action === 'reset-failed')?.outcomeUnknown, true);
  });

  it('says the password was not reset (not "unknown") when Graph rejects the bot\'s token', async () => {
    directory.failures.resetPassword = Object.assign(new GraphError(401, 'Access token has expired.'), {
      code: 'InvalidAuthenticationToken',
    });
    const resetId = await pendingResetOf(IDS.megan);
    const result = await click('confirmReset', { resetId });
    assert.match(JSON.stringify(result.body.value), /was not reset/);
  });

  it('tells the agent exactly what happened when revoking sessions fails after the reset', async () => {
    directory.failures.revokeSignInSessions = new GraphError(500, 'boom');
    const resetId = await pendingResetOf(IDS.megan);
    await click('confirmReset', { resetId });
    assert.equal(directory.passwordChanges.length, 1);
    assert.equal(delivered.length, 1);
    assert.equal(audit.find((event) => event.action === 'reset-succeeded')?.sessions, 'failed');
  });

  it('reports a failed private delivery on the outcome card without the password', async () => {
    delivery.sendToRequester = () => Promise.reject(new Error('BotNotInConversationRoster'));
    const resetId = await pendingResetOf(IDS.megan);
    const result = await click('confirmReset', { resetId });
    assert.equal(directory.passwordChanges.length, 1);
    assert.equal(audit.find((event) => event.action === 'reset-succeeded')?.passwordDelivery, 'failed');
    assert.ok(!JSON.stringify(result.body.value).includes(directory.passwordChanges[0].password));
  });

  it('accepts a pick only among the offered users, and only once', async () => {
    const selection = await selectionFor('meg');
    const outsider = await click('selectUser', { selectionId: selection.id, userId: IDS.adele });
    assert.match(String(outsider.body.value), /not one of the choices/);

    const again = await selectionFor('meg');
    const picked = await click('selectUser', { selectionId: again.id, userId: IDS.megan });
    const card = picked.body.value;
    assert.match(JSON.stringify(card), /Megan Bowen/);
    assert.deepEqual(
      executeActionsOf(card)
        .map((action) => action.verb)
        .sort(),
      ['cancelReset', 'confirmReset'],
    );
    const twice = await click('selectUser', { selectionId: again.id, userId: IDS.megan });
    assert.match(String(twice.body.value), /already been used/);
  });
});
