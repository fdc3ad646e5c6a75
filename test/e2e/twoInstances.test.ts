import assert from 'node:assert/strict';
import { startAzurite, type Azurite } from '../support/azurite';
import { BotOverHttp, CARD_ID, cardIn, type HttpAnswer, MEGAN_ID } from '../support/botOverHttp';
import type { ConnectorCall } from '../support/loopbackConnector';
import { automaticRefreshFor, executeActionsOf } from '../support/teamsActivities';

const RACING_CONFIRMS = 50;
const INVOKE_CARD = 'application/vnd.microsoft.card.adaptive';
const INVOKE_MESSAGE = 'application/vnd.microsoft.activity.message';

/**
 * Two instances of the bot behind one load balancer, sharing one Blob storage account (Azurite, in memory): Teams
 * delivers each turn of a conversation to either, so everything a later turn needs (the dialog's question, the
 * picker's and the confirmation's pending actions, the claim of a card) must be in the shared store.
 */
describe('two instances sharing Blob storage (Azurite): turns of one conversation alternate between them', function () {
  this.timeout(120_000);

  let azurite: Azurite;
  let a: BotOverHttp;
  let b: BotOverHttp;
  before(async () => {
    azurite = await startAzurite();
    a = await BotOverHttp.start({
      STATE_STORE: 'blob',
      STATE_BLOB_CONNECTION_STRING: azurite.connectionString,
      STATE_BLOB_CONTAINER: 'two-instances-state',
      AUDIT_BLOB_CONTAINER: 'two-instances-audit',
    });
    b = await a.secondInstance();
  });
  after(async () => {
    await b?.close();
    await a?.close();
    await azurite?.stop();
  });
  beforeEach(async () => {
    await b.app.idle();
    await a.reset();
  });

  /** The next call the bot makes to the connector after `already` that `matches`. */
  function nextCall(already: number, matches: (call: ConnectorCall) => boolean): Promise<ConnectorCall> {
    return a.connector.waitFor((call) => a.connector.calls.indexOf(call) >= already && matches(call));
  }

  /** What a click was answered with: a card (its JSON) or a message. */
  function answerOf(answer: HttpAnswer): { type: string; value: unknown } {
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    return answer.body as { type: string; value: unknown };
  }

  /** The card a click was answered with. */
  function cardAnswer(answer: HttpAnswer): unknown {
    const { type, value } = answerOf(answer);
    assert.equal(type, INVOKE_CARD, `expected a card, got ${JSON.stringify(value)}`);
    return value;
  }

  function verbOf(card: unknown, verb: string): Record<string, unknown> {
    const rest = { ...(card as Record<string, unknown>), refresh: undefined };
    const action = executeActionsOf(rest).find(
      (candidate) =>
        candidate.verb === verb && (verb !== 'selectUser' || candidate.data?.userId === MEGAN_ID),
    );
    assert.ok(action, `expected a "${verb}" button: ${JSON.stringify(card)}`);
    return action.data ?? {};
  }

  /** The card that replaced the clicked one for everyone once the reset finished (the one without buttons). */
  async function outcomeCard(): Promise<string> {
    const update = await a.connector.waitFor(
      (call) =>
        call.operation === 'updateActivity' &&
        call.activity?.id === CARD_ID &&
        executeActionsOf(cardIn(call)).length === 0 &&
        !/Waiting for/.test(JSON.stringify(cardIn(call))),
      25_000,
    );
    return JSON.stringify(cardIn(update));
  }

  /** The temporary passwords delivered so far that sign Megan in. */
  async function deliveredPasswords(): Promise<number> {
    let delivered = 0;
    for (const call of a.connector.calls.filter((candidate) => candidate.operation !== 'updateActivity'))
      if ((await a.passwordThatSignsIn(call)) !== undefined) delivered += 1;
    return delivered;
  }

  /** "Which user?" on A, the name on B, the pick on A, Reset password on B: the password arrives once. */
  it('in the 1:1 chat: question on A, answer on B, pick on A, confirm on B, and the reset completes', async () => {
    let already = a.connector.calls.length;
    assert.equal((await a.post(a.personal('reset'))).status, 200);
    await nextCall(already, (call) => /Which user\?/.test(String(call.activity?.text)));

    // B has never seen this conversation: it continues the dialog A began only from the shared state.
    already = a.connector.calls.length;
    assert.equal((await b.post(a.personal('meg'))).status, 200);
    const picker = cardIn(await nextCall(already, (call) => /Which user/.test(JSON.stringify(cardIn(call)))));
    const pick = verbOf(picker, 'selectUser');

    const confirmation = cardAnswer(await a.click(a.personal(''), 'selectUser', pick));
    const confirm = verbOf(confirmation, 'confirmReset');
    assert.match(JSON.stringify(confirmation), /meganb@contoso\.com/);

    const resetting = cardAnswer(await b.click(a.personal(''), 'confirmReset', confirm));
    assert.match(JSON.stringify(resetting), /Resetting the password of Megan Bowen/);
    assert.match(await outcomeCard(), /Alex Wilber reset the password of Megan Bowen/);
    await b.app.idle();
    assert.equal(await a.passwordChanges(), 1);
    assert.equal(await deliveredPasswords(), 1);
  });

  it('in a channel thread: question on A, answer on B, the requester’s views and clicks alternating', async () => {
    let already = a.connector.calls.length;
    assert.equal((await a.post(a.inChannel('reset'))).status, 200);
    await nextCall(already, (call) => /Which user\?/.test(String(call.activity?.text)));

    already = a.connector.calls.length;
    assert.equal((await b.post(a.inChannel('meg'))).status, 200);
    const posted = cardIn(await nextCall(already, (call) => /Which user/.test(JSON.stringify(cardIn(call)))));
    // In a channel everyone sees the waiting view; Alex's client refreshes it into his buttons (here, on A).
    const refresh = automaticRefreshFor(posted, String(a.personal('').from?.id));
    assert.ok(refresh, 'the posted picker refreshes for its requester');
    const picker = cardAnswer(await a.click(a.inChannel(''), refresh.verb, refresh.data));
    const pick = verbOf(picker, 'selectUser');

    const confirmation = cardAnswer(await b.click(a.inChannel(''), 'selectUser', pick));
    // Alex's client refreshes the confirmation too (on A): the pending reset B recorded is found there.
    const confirmationRefresh = automaticRefreshFor(confirmation, String(a.personal('').from?.id));
    assert.ok(confirmationRefresh, 'the confirmation refreshes for its requester');
    const refreshed = cardAnswer(
      await a.click(a.inChannel(''), confirmationRefresh.verb, confirmationRefresh.data),
    );
    const confirm = verbOf(refreshed, 'confirmReset');

    const resetting = cardAnswer(await b.click(a.inChannel(''), 'confirmReset', confirm));
    assert.match(JSON.stringify(resetting), /Resetting the password of Megan Bowen/);
    assert.match(await outcomeCard(), /Alex Wilber reset the password of Megan Bowen/);
    await b.app.idle();
    assert.equal(await a.passwordChanges(), 1);
    assert.equal(await deliveredPasswords(), 1);
  });

  it(`${RACING_CONFIRMS} racing Reset password clicks on one card, spread over both, reset exactly once`, async () => {
    const since = new Date(Date.now() - 60_000);
    const resetId = await a.confirmationFor(a.personal('reset meganb@contoso.com'));
    const started = Date.now();
    const answers = await Promise.all(
      Array.from({ length: RACING_CONFIRMS }, (_, n) =>
        (n % 2 === 0 ? a : b).click(a.personal(''), 'confirmReset', { resetId }),
      ),
    );
    const answeredInMs = Date.now() - started;
    await Promise.all([a.app.idle(), b.app.idle()]);

    const kinds = answers.map((answer) => {
      const { type, value } = answerOf(answer);
      if (type === INVOKE_CARD && /Resetting the password of Megan Bowen/.test(JSON.stringify(value)))
        return 'resetting';
      if (type === INVOKE_MESSAGE && /already been used/.test(String(value))) return 'already used';
      return `other: ${type} ${JSON.stringify(value)}`;
    });
    const count = (kind: string) => kinds.filter((candidate) => candidate === kind).length;
    const changes = await a.passwordChanges();
    const delivered = await deliveredPasswords();
    const succeeded = await auditedSuccesses(since, resetId);
    console.log(
      `      racing confirms over 2 instances: ${RACING_CONFIRMS} clicks, ${count('resetting')} "Resetting…", ` +
        `${count('already used')} "already used", ${changes} password change(s), ${delivered} password(s) ` +
        `delivered, ${succeeded} reset-succeeded audited; slowest answer ${Math.max(...answers.map((x) => x.tookMs))} ms, ` +
        `all answered in ${answeredInMs} ms`,
    );
    assert.deepEqual(
      kinds.filter((kind) => kind.startsWith('other')),
      [],
      'every click is answered "Resetting…" or "already used"',
    );
    assert.equal(count('resetting'), 1);
    assert.equal(count('already used'), RACING_CONFIRMS - 1);
    assert.equal(changes, 1);
    assert.equal(delivered, 1, 'exactly one message carries a password that signs in');
    assert.equal(succeeded, 1, 'the audit trail holds exactly one reset-succeeded');
  });

  /**
   * The `reset-succeeded` records of the card `resetId` in the shared audit trail. An instance appends its
   * records after the reset is reported: wait for the first, then a little longer for any other.
   */
  async function auditedSuccesses(since: Date, resetId: string): Promise<number> {
    const successes = async () =>
      (await a.store().audit.list(since, new Date(Date.now() + 60_000))).filter(
        (record) => record.event.action === 'reset-succeeded' && record.event.pendingActionId === resetId,
      ).length;
    const deadline = Date.now() + 10_000;
    while ((await successes()) === 0 && Date.now() < deadline) await sleep(100);
    await sleep(500);
    return successes();
  }
});

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
