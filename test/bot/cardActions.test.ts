import assert from 'node:assert/strict';
import { type Activity, MemoryStorage, TestAdapter, TurnContext } from 'botbuilder';
import { GraphError } from '@microsoft/microsoft-graph-client';
import pino from 'pino';
import sinon from 'sinon';
import type { AuditEvent } from '../../core/audit';
import { StoreUnavailable } from '../../core/errors';
import { BackgroundWork } from '../../bot/backgroundWork';
import { CardActionHandler } from '../../bot/cardActions';
import { PerUserConversationState } from '../../bot/conversationState';
import { HelpdeskBot } from '../../bot/helpdeskBot';
import { OriginCards } from '../../bot/originCards';
import { type ReadRequester, teamsRequesters } from '../../bot/requesters';
import { PendingActions } from '../../core/pendingActions';
import { findResetTarget, prepareReset, type Requester, type ResetDependencies } from '../../core/resets';
import { KeyValuePendingActionStore } from '../../storage/keyValuePendingActionStore';
import { ResetPasswordDialog } from '../../dialogs/resetPasswordDialog';
import { FakeDirectory, IDS, ROLE } from '../support/fakeDirectory';
import { connectorError, FakeProactiveAdapter, type ProactiveCall } from '../support/fakeProactiveAdapter';
import {
  type Agent,
  cardInvoke,
  executeActionsOf,
  personalChatWith,
  TENANT_ID,
} from '../support/teamsActivities';
import { noRateLimits } from '../support/rateLimits';

const CHANNEL_THREAD = '19:helpdesk@thread.tacv2;messageid=1700000000000';
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
  let proactive: FakeProactiveAdapter;
  let readRequester: ReadRequester;
  let background: BackgroundWork;
  let adapter: TestAdapter;
  let channelAdapter: TestAdapter;
  let storage: MemoryStorage;

  beforeEach(() => {
    directory = FakeDirectory.withDemoPeople();
    directory.add(
      { ...directory.users.get(IDS.alex)!, id: LYNNE.aadObjectId, displayName: 'Lynne Robbins' },
      [ROLE.passwordAdministrator],
    );
    audit = [];
    storage = new MemoryStorage();
    deps = {
      directory,
      pendingActions: new PendingActions(new KeyValuePendingActionStore(storage)),
      settings: { passwordWritebackEnabled: false, resetAs: 'bot' as const },
      audit: { record: (event) => audit.push(event) },
      rateLimits: noRateLimits(),
    };
    wire(20_000);
  });

  /** The bot, with a Reset password click given `clickBudgetMs`. */
  function wire(clickBudgetMs: number, answerLeadMs = 0): void {
    const logger = pino({ level: 'silent' });
    proactive = new FakeProactiveAdapter();
    readRequester = teamsRequesters(proactive, '', logger);
    background = new BackgroundWork(logger);
    const bot = new HelpdeskBot(
      new PerUserConversationState(storage),
      new ResetPasswordDialog((context) => ({ requester: readRequester(context), deps }), logger),
      new CardActionHandler(deps, {
        directoryWithin: () => directory,
        readRequester,
        originCards: new OriginCards(proactive, '', logger),
        background,
        clickBudgetMs,
        answerLeadMs,
        logger,
      }),
      logger,
    );
    adapter = new TestAdapter((context) => bot.run(context), personalChatWith(ALEX));
    channelAdapter = new TestAdapter((context) => bot.run(context));
  }

  /** An activity from Alex in the Helpdesk channel, as Teams addresses it. */
  function inChannel(activity: Partial<Activity>): Partial<Activity> {
    return {
      ...activity,
      channelId: 'msteams',
      serviceUrl: 'https://smba.example/teams/',
      from: ALEX,
      recipient: { id: '28:bot', name: 'Helpdesk Reset' },
      conversation: {
        id: CHANNEL_THREAD,
        conversationType: 'channel',
        isGroup: true,
        tenantId: TENANT_ID,
        name: '',
      },
      channelData: { tenant: { id: TENANT_ID }, channel: { id: '19:helpdesk@thread.tacv2' } },
    };
  }

  /** A confirmation card Alex asked for with an @mention in the channel. */
  async function prepareInChannel(targetId: string): Promise<string> {
    const requester = readRequester(new TurnContext(channelAdapter, inChannel({ type: 'message' })));
    const preparation = await prepareReset(requester, targetId, CHANNEL_THREAD, deps);
    assert.equal(preparation.kind, 'ready');
    return preparation.kind === 'ready' ? preparation.pending.id : '';
  }

  async function clickInChannel(verb: string, data: Record<string, unknown>): Promise<InvokeResult> {
    channelAdapter.activeQueue.splice(0);
    await channelAdapter.processActivity(inChannel(cardInvoke(verb, data)));
    const response = channelAdapter.activeQueue.find((activity) => activity.type === 'invokeResponse');
    assert.ok(response, 'expected an invoke response');
    await background.idle();
    return response.value as InvokeResult;
  }

  /** Alex as the Teams layer reads him in his 1:1 chat, for preparing cards directly. */
  function alexInPersonalChat(): Requester {
    const chat = personalChatWith(ALEX);
    return readRequester(
      new TurnContext(adapter, {
        type: 'message',
        channelId: 'msteams',
        serviceUrl: chat.serviceUrl,
        from: ALEX,
        recipient: chat.bot,
        conversation: chat.conversation,
      }),
    );
  }

  async function pendingResetOf(targetId: string): Promise<string> {
    const preparation = await prepareReset(alexInPersonalChat(), targetId, `a:personal-${ALEX.id}`, deps);
    assert.equal(preparation.kind, 'ready');
    return preparation.kind === 'ready' ? preparation.pending.id : '';
  }

  /** A picker offered to Alex for `query`; its id is what the picker's buttons carry. */
  async function selectionFor(query: string): Promise<{ id: string }> {
    const found = await findResetTarget(alexInPersonalChat(), query, `a:personal-${ALEX.id}`, deps);
    assert.equal(found.kind, 'choose');
    return found.kind === 'choose' ? found.selection : { id: '' };
  }

  /** The invoke's own answer; `settle` waits for the work the click left running (the reset). */
  async function click(
    verb: string,
    data: Record<string, unknown>,
    from: Agent = ALEX,
    settle = true,
  ): Promise<InvokeResult> {
    adapter.activeQueue.splice(0);
    await adapter.processActivity({ ...cardInvoke(verb, data), from });
    const response = adapter.activeQueue.find((activity) => activity.type === 'invokeResponse');
    assert.ok(response, 'expected an invoke response');
    if (settle) await background.idle();
    return response.value as InvokeResult;
  }

  /** Messages the bot sent after the click was answered. */
  function sent(): ProactiveCall[] {
    return proactive.calls.filter((call) => call.operation === 'send');
  }

  /** The card that replaced the clicked one, for everyone. */
  function outcomeCard(): unknown {
    const update = proactive.calls.find((call) => call.operation === 'update');
    assert.ok(update, 'expected the card to be updated');
    assert.equal(update.activity.id, 'card-activity-1', 'the clicked card is the one replaced');
    return update.activity.attachments?.[0]?.content;
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
    assert.equal(sent().length, 1);
    assert.equal(sent()[0].conversationId, `a:personal-${ALEX.id}`, 'in the 1:1 chat the click came from');
    assert.equal(passwordOf(sent()[0].activity), change.password);

    assert.equal(result.body.type, 'application/vnd.microsoft.card.adaptive');
    const outcome = JSON.stringify(outcomeCard());
    assert.match(outcome, /Password reset for Megan Bowen/);
    assert.match(outcome, /sent only to Alex Wilber/);
    for (const card of [result.body.value, outcomeCard()]) {
      assert.ok(!JSON.stringify(card).includes(change.password), 'no card but the private one carries it');
      assert.equal(executeActionsOf(card).length, 0, 'neither the answer nor the outcome has buttons');
    }

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

  it('answers the click with "Resetting…" before the reset, then replaces the card with the outcome', async () => {
    const resetId = await pendingResetOf(IDS.megan);
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    const reset = directory.resetPassword.bind(directory);
    directory.resetPassword = async (...args) => {
      await held;
      return reset(...args);
    };

    const answer = await click('confirmReset', { resetId }, ALEX, false);
    assert.match(JSON.stringify(answer.body.value), /Resetting the password of Megan Bowen/);
    assert.equal(directory.passwordChanges.length, 0, 'answered while the reset is still waiting');
    assert.equal(proactive.calls.length, 0);

    const second = await click('confirmReset', { resetId }, ALEX, false);
    assert.match(
      String(second.body.value),
      /already been used/,
      'a second click while it runs counts for nothing',
    );

    release();
    await background.idle();
    assert.equal(directory.passwordChanges.length, 1);
    assert.match(JSON.stringify(outcomeCard()), /Password reset for Megan Bowen/);
  });

  it('reports the outcome as it stands when the click runs out of time: unknown, and no password sent', async () => {
    wire(400);
    const resetId = await pendingResetOf(IDS.megan);
    directory.resetPassword = () => new Promise(() => undefined);
    const started = Date.now();
    await click('confirmReset', { resetId });
    assert.ok(Date.now() - started < 1_000, 'the card is updated within the budget');
    const outcome = JSON.stringify(outcomeCard());
    assert.match(outcome, /could not confirm whether the password of Megan Bowen was reset/);
    assert.match(outcome, /did not finish within 1 seconds/);
    assert.equal(sent().length, 0, 'no password sent');
  });

  it('changes nothing when the checks before the reset use up the time', async () => {
    wire(2_000);
    const resetId = await pendingResetOf(IDS.megan);
    const roles = directory.getUserRoles.bind(directory);
    directory.getUserRoles = async (id) => {
      await new Promise((resolve) => setTimeout(resolve, 1_600));
      return roles(id);
    };
    await click('confirmReset', { resetId });
    assert.equal(directory.passwordChanges.length, 0);
    const outcome = JSON.stringify(outcomeCard());
    assert.match(outcome, /was not reset/);
    assert.match(outcome, /stopped before changing the password/);
  });

  it('resets nothing, and says how to fix it, when the 1:1 chat cannot be opened just before the reset', async () => {
    const resetId = await prepareInChannel(IDS.megan);
    proactive.createConversation = () => Promise.reject(connectorError(403, 'ConversationBlockedByUser'));
    await clickInChannel('confirmReset', { resetId });
    assert.equal(directory.passwordChanges.length, 0);
    const outcome = JSON.stringify(outcomeCard());
    assert.match(outcome, /was not reset/);
    assert.match(outcome, /blocked your chat with me/);
    assert.equal(sent().length, 0, 'nothing was posted anywhere');
  });

  it('says the password could not be delivered when the send itself fails inside the new 1:1 turn', async () => {
    const resetId = await prepareInChannel(IDS.megan);
    proactive.sendError = connectorError(403, 'BotNotInConversationRoster');
    await clickInChannel('confirmReset', { resetId });
    assert.equal(directory.passwordChanges.length, 1);
    assert.equal(audit.find((event) => event.action === 'reset-succeeded')?.passwordDelivery, 'failed');
    assert.match(JSON.stringify(outcomeCard()), /could not be delivered/);
    assert.deepEqual(proactive.turnErrors, [], 'nothing was left for the adapter to swallow');
  });

  it('never sends the password into the channel when the connector answers the 1:1 with the channel id', async () => {
    const resetId = await prepareInChannel(IDS.megan);
    proactive.createConversation = () => Promise.resolve({ id: CHANNEL_THREAD });
    await clickInChannel('confirmReset', { resetId });
    assert.equal(directory.passwordChanges.length, 0, 'refused before resetting');
    assert.equal(sent().length, 0);
    assert.match(JSON.stringify(outcomeCard()), /did not give me a private chat/);
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
    assert.equal(sent().length, 1);
  });

  describe('when the store is out of reach', () => {
    afterEach(() => sinon.restore());

    it('answers the click plainly, changes nothing and leaves the card to be clicked again', async () => {
      const resetId = await pendingResetOf(IDS.megan);
      const read = sinon.stub(storage, 'read').rejects(new StoreUnavailable('blob', 'timeout'));
      const during = await click('confirmReset', { resetId });
      assert.equal(during.body.type, 'application/vnd.microsoft.activity.message');
      assert.match(
        String(during.body.value),
        /cannot reach my storage.*Nothing was changed.*try again in a minute.*Reference: [0-9a-f-]{36}/,
      );
      assert.doesNotMatch(String(during.body.value), /something went wrong/i);
      assert.equal(directory.passwordChanges.length, 0);
      assert.deepEqual(proactive.calls, [], 'the card stays as it was');

      read.restore();
      const after = await click('confirmReset', { resetId });
      assert.equal(after.body.type, 'application/vnd.microsoft.card.adaptive');
      assert.equal(directory.passwordChanges.length, 1, 'the same card resets once the store is back');
    });

    it('says the password was not reset when the store goes away between the claim and the change', async () => {
      const resetId = await pendingResetOf(IDS.megan);
      sinon.stub(deps.rateLimits, 'take').rejects(new StoreUnavailable('sqlite', 'busy'));
      await click('confirmReset', { resetId });
      const card = JSON.stringify(outcomeCard());
      assert.match(card, /The password of Megan Bowen was not reset/);
      assert.match(card, /could not reach my storage/);
      assert.doesNotMatch(card, /something went wrong/i);
      assert.equal(directory.passwordChanges.length, 0);
      assert.equal(sent().length, 0, 'no password was sent');
    });
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
      assert.equal(proactive.calls.length, 0);
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
    await click('confirmReset', { resetId });
    assert.match(JSON.stringify(outcomeCard()), /Global Administrator/);
    assert.equal(directory.passwordChanges.length, 0);
    assert.equal(sent().length, 0);
  });

  it('says the password was not reset, with the request id, when Graph refuses', async () => {
    const denied = new GraphError(403, 'Insufficient privileges to complete the operation.');
    denied.code = 'Authorization_RequestDenied';
    denied.requestId = 'req-403';
    directory.failures.resetPassword = denied;
    const resetId = await pendingResetOf(IDS.megan);
    await click('confirmReset', { resetId });
    const text = JSON.stringify(outcomeCard());
    assert.match(text, /was not reset/);
    assert.match(text, /req-403/);
    assert.equal(sent().length, 0);
    assert.deepEqual(directory.revoked, []);
  });

  it('says it cannot tell whether the reset happened when the connection drops', async () => {
    directory.failures.resetPassword = new TypeError('fetch failed');
    const resetId = await pendingResetOf(IDS.megan);
    await click('confirmReset', { resetId });
    assert.match(JSON.stringify(outcomeCard()), /could not confirm whether/);
    assert.equal(sent().length, 0);
    assert.equal(audit.find((event) => event.action === 'reset-failed')?.outcomeUnknown, true);
  });

  it('says the password was not reset (not "unknown") when Graph rejects the bot\'s token', async () => {
    directory.failures.resetPassword = Object.assign(new GraphError(401, 'Access token has expired.'), {
      code: 'InvalidAuthenticationToken',
    });
    const resetId = await pendingResetOf(IDS.megan);
    await click('confirmReset', { resetId });
    assert.match(JSON.stringify(outcomeCard()), /was not reset/);
  });

  it('tells the agent exactly what happened when revoking sessions fails after the reset', async () => {
    directory.failures.revokeSignInSessions = new GraphError(500, 'boom');
    const resetId = await pendingResetOf(IDS.megan);
    await click('confirmReset', { resetId });
    assert.equal(directory.passwordChanges.length, 1);
    assert.equal(sent().length, 1);
    // A 500 may hide a revoke that Graph applied: neither "failed" nor "revoked".
    assert.equal(audit.find((event) => event.action === 'reset-succeeded')?.sessions, 'unknown');
    assert.match(JSON.stringify(outcomeCard()), /may or may not have been signed out/);
  });

  it('reports a failed private delivery on the outcome card without the password', async () => {
    proactive.sendError = connectorError(500, 'InternalServerError');
    const resetId = await pendingResetOf(IDS.megan);
    await click('confirmReset', { resetId });
    assert.equal(directory.passwordChanges.length, 1);
    assert.equal(audit.find((event) => event.action === 'reset-succeeded')?.passwordDelivery, 'failed');
    const outcome = JSON.stringify(outcomeCard());
    assert.match(outcome, /could not be delivered/);
    assert.ok(!outcome.includes(directory.passwordChanges[0].password));
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

  describe('how the caller was verified, and the ticket reference', () => {
    /** A confirmation card asking for both as `requirement`, and its inputs as Alex sees them. */
    async function cardAsking(requirement: 'off' | 'optional' | 'required'): Promise<string> {
      deps.verification = { callerVerification: requirement, ticketReference: requirement };
      return pendingResetOf(IDS.megan);
    }

    it('asks for both on the confirmation card, as required, when required', async () => {
      deps.verification = { callerVerification: 'required', ticketReference: 'required' };
      const selection = await selectionFor('meg');
      const picked = await click('selectUser', { selectionId: selection.id, userId: IDS.megan });
      const inputs = (picked.body.value as { body: Record<string, unknown>[] }).body
        .filter((element) => element.type === 'Input.ChoiceSet' || element.type === 'Input.Text')
        .map((element) => [element.id, element.isRequired]);
      assert.deepEqual(inputs, [
        ['callerVerification', true],
        ['ticketReference', true],
      ]);
    });

    it('refuses a click without a required detail: nothing changes and the card stays usable', async () => {
      const resetId = await cardAsking('required');
      const refused = await click('confirmReset', { resetId, ticketReference: 'INC0012345' });
      assert.equal(refused.body.type, 'application/vnd.microsoft.activity.message');
      assert.match(String(refused.body.value), /Choose how you verified the caller.*Nothing was changed/);
      const noTicket = await click('confirmReset', { resetId, callerVerification: 'call-back' });
      assert.match(String(noTicket.body.value), /Enter the ticket reference.*Nothing was changed/);
      assert.equal(directory.passwordChanges.length, 0);
      assert.equal(proactive.calls.length, 0, 'no card replaced, nothing sent');
      assert.deepEqual(
        audit.map((event) => [event.action, event.reason]),
        [
          ['reset-offered', undefined],
          ['card-action-rejected', 'caller-verification-missing'],
          ['card-action-rejected', 'ticket-reference-missing'],
        ],
      );

      const accepted = await click('confirmReset', {
        resetId,
        callerVerification: 'call-back',
        ticketReference: 'INC0012345',
      });
      assert.equal(accepted.body.type, 'application/vnd.microsoft.card.adaptive');
      assert.equal(directory.passwordChanges.length, 1, 'the same card resets once they are given');
      const success = audit.find((event) => event.action === 'reset-succeeded');
      assert.deepEqual([success?.callerVerification, success?.ticketReference], ['call-back', 'INC0012345']);
      const outcome = JSON.stringify(outcomeCard());
      assert.match(outcome, /Caller verified: Called back on the number on file\./);
      assert.match(outcome, /Ticket: INC0012345/);
    });

    const forged: Array<[string, Record<string, unknown>, RegExp]> = [
      [
        'a method not on the list',
        { callerVerification: 'trust-me', ticketReference: 'INC1' },
        /ways of verifying/,
      ],
      [
        'a method that is not text',
        { callerVerification: { code: 'call-back' }, ticketReference: 'INC1' },
        /ways of verifying/,
      ],
      [
        'a ticket with a link',
        { callerVerification: 'call-back', ticketReference: '[ok](https://evil.example)' },
        /ticket reference is 1 to 64/,
      ],
      [
        'a ticket too long',
        { callerVerification: 'call-back', ticketReference: 'T'.repeat(65) },
        /ticket reference is 1 to 64/,
      ],
    ];
    for (const [name, details, expected] of forged) {
      it(`refuses ${name}, even when optional, and the card stays usable`, async () => {
        const resetId = await cardAsking('optional');
        const refused = await click('confirmReset', { resetId, ...details });
        assert.match(String(refused.body.value), expected);
        assert.equal(directory.passwordChanges.length, 0);
        assert.equal(proactive.calls.length, 0);
        await click('confirmReset', { resetId });
        assert.equal(directory.passwordChanges.length, 1, 'an honest click still counts');
      });
    }

    it('ignores forged details when the card did not ask, and records none', async () => {
      const resetId = await cardAsking('off');
      await click('confirmReset', { resetId, callerVerification: 'trust-me', ticketReference: '[x](y)' });
      assert.equal(directory.passwordChanges.length, 1);
      const success = audit.find((event) => event.action === 'reset-succeeded');
      assert.ok(success && !('callerVerification' in success) && !('ticketReference' in success));
      assert.doesNotMatch(JSON.stringify(outcomeCard()), /Caller verified|Ticket/);
    });
  });
});
