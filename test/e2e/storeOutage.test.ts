import assert from 'node:assert/strict';
import { startAzurite, type Azurite } from '../support/azurite';
import { BotOverHttp, cardIn, type HttpAnswer } from '../support/botOverHttp';
import type { ConnectorCall } from '../support/loopbackConnector';
import { executeActionsOf } from '../support/teamsActivities';

/** Teams waits about 5 s for the answer to a card click (bot/clickBudget.ts), and 15 s for a message turn. */
const TEAMS_INVOKE_WAIT_MS = 5_000;
const TEAMS_MESSAGE_WAIT_MS = 15_000;
const CLEAR_MESSAGE = /cannot reach my storage.*Nothing was changed.*try again in a minute/is;
const GENERIC_APOLOGY = /something went wrong/i;
const PENDING_ACTION_VERBS = new Set(['confirmReset', 'cancelReset', 'selectUser']);

interface ReadyzAnswer {
  status: number;
  store: unknown;
}

/**
 * The bot's Blob storage goes away in the middle of a reset (Azurite on disk, stopped, or frozen, then back
 * with its data): the agent is told plainly that the bot cannot reach its storage and nothing was changed, no
 * password changes, no card offers a button whose pending action was not recorded, `/readyz` says `store`, and
 * once storage is back the card shown before the outage works, once.
 */
describe('end to end over HTTP: the Blob store (Azurite) goes away mid-flow', function () {
  this.timeout(120_000);

  let azurite: Azurite;
  let bot: BotOverHttp;
  before(async () => {
    azurite = await startAzurite({ onDisk: true });
    bot = await BotOverHttp.start({
      STATE_STORE: 'blob',
      STATE_BLOB_CONNECTION_STRING: azurite.connectionString,
      STATE_BLOB_CONTAINER: 'outage-state',
      AUDIT_BLOB_CONTAINER: 'outage-audit',
    });
  });
  after(async () => {
    await bot?.close();
    await azurite?.stop();
  });
  beforeEach(async () => {
    await azurite.start();
    azurite.resume();
    await bot.reset();
  });

  async function readyz(): Promise<ReadyzAnswer> {
    const response = await fetch(`${bot.botUrl}/readyz`, { signal: AbortSignal.timeout(10_000) });
    const body = (await response.json()) as { checks?: { store?: unknown } };
    return { status: response.status, store: body.checks?.store };
  }

  /** The message a click was answered with (the card stays as it was), or a failure naming what came instead. */
  function messageAnswer(answer: HttpAnswer): string {
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    const { type, value } = answer.body as { type: string; value: unknown };
    assert.equal(
      type,
      'application/vnd.microsoft.activity.message',
      `expected a message: ${JSON.stringify(value)}`,
    );
    return String(value);
  }

  /** Cards posted or updated since `already` that offer a button backed by a pending action. */
  function cardsWithPendingButtons(already: number): ConnectorCall[] {
    return bot.connector.calls
      .slice(already)
      .filter((call) =>
        executeActionsOf(cardIn(call)).some((action) => PENDING_ACTION_VERBS.has(String(action.verb))),
      );
  }

  /** What the bot said in the conversation since `already` (texts and cards). */
  function saidSince(already: number): string {
    return bot.connector.calls
      .slice(already)
      .map((call) => `${call.activity?.text ?? ''} ${JSON.stringify(cardIn(call) ?? '')}`)
      .join('\n');
  }

  /** Waits for the bot to say something matching `pattern` since `already`. */
  async function waitToSay(already: number, pattern: RegExp): Promise<ConnectorCall> {
    return bot.connector.waitFor(
      (call) =>
        bot.connector.calls.indexOf(call) >= already &&
        pattern.test(`${call.activity?.text ?? ''} ${JSON.stringify(cardIn(call) ?? '')}`),
    );
  }

  for (const outage of ['stopped', 'frozen (SIGSTOP)'] as const) {
    it(`${outage}: a click and a message get a clear answer in Teams' time, nothing changes, /readyz says store; back, the old card resets once`, async () => {
      const resetId = await bot.confirmationFor(bot.personal('reset meganb@contoso.com'));
      assert.equal((await readyz()).status, 200);

      if (outage === 'stopped') await azurite.halt();
      else azurite.pause();
      const already = bot.connector.calls.length;

      // (a) Reset password on the card shown before the outage.
      const click = await bot.click(bot.personal(''), 'confirmReset', { resetId });
      const clickAnswer = messageAnswer(click);
      assert.match(clickAnswer, CLEAR_MESSAGE);
      assert.doesNotMatch(clickAnswer, GENERIC_APOLOGY);
      assert.ok(click.tookMs < TEAMS_INVOKE_WAIT_MS, `the click was answered in ${click.tookMs} ms`);

      // (b) A new request while storage is out.
      const message = await bot.post(bot.personal('reset meganb@contoso.com'));
      assert.equal(message.status, 200);
      const said = await waitToSay(already, CLEAR_MESSAGE);
      assert.ok(message.tookMs < TEAMS_MESSAGE_WAIT_MS, `the message turn took ${message.tookMs} ms`);
      assert.doesNotMatch(saidSince(already), GENERIC_APOLOGY);

      // (c) The platform's probe takes the instance out of rotation.
      const during = await readyz();
      assert.deepEqual(during, { status: 503, store: 'unreachable' });

      await bot.app.idle();
      assert.equal(await bot.passwordChanges(), 0, 'a password changed during the outage');
      assert.deepEqual(cardsWithPendingButtons(already), [], 'a card offered buttons during the outage');
      assert.ok(
        !bot.connector.calls.slice(already).some((call) => call.operation === 'updateActivity'),
        'the card from before the outage was replaced',
      );
      assert.ok(
        bot.logs.text.includes('the state store is unavailable'),
        'the log names the store as the failure',
      );
      assert.ok(
        !bot.logs.text.includes(azurite.connectionString.split(';')[2] ?? '?'),
        'the account key was logged',
      );

      // (d) Storage is back, with its data: the card from before the outage works, once.
      if (outage === 'stopped') await azurite.start();
      else azurite.resume();
      assert.deepEqual(await readyz(), { status: 200, store: 'ok' });
      const afterwards = await bot.click(bot.personal(''), 'confirmReset', { resetId });
      assert.equal(afterwards.status, 200);
      assert.match(JSON.stringify(afterwards.body), /Resetting the password of Megan Bowen/);
      assert.match(await bot.outcomeCard(), /Alex Wilber reset the password of Megan Bowen/);
      await bot.app.idle();
      assert.equal(await bot.passwordChanges(), 1);
      const again = messageAnswer(await bot.click(bot.personal(''), 'confirmReset', { resetId }));
      assert.match(again, /already been used/);
      await bot.app.idle();
      assert.equal(await bot.passwordChanges(), 1);
      console.log(
        `      storage ${outage}: click answered in ${click.tookMs} ms ("${clickAnswer.replace(/ Reference: .*/, '')}"), ` +
          `message turn ${message.tookMs} ms ("${String(said.activity?.text).replace(/ Reference: .*/, '')}"), ` +
          `/readyz ${during.status} ${String(during.store)}; after: 1 reset`,
      );
    });
  }

  it('stopped while a message turn waits on Graph: no card is shown, as its pending action could not be recorded', async () => {
    const already = bot.connector.calls.length;
    // The turn reads its conversation state, then waits on Graph; storage goes away meanwhile.
    await bot.simulatorControl('POST', '/_sim/faults', {
      path: '^/v1\\.0/',
      kind: 'delay',
      delayMs: 1_500,
      count: 1,
    });
    const turn = bot.post(bot.personal('reset meganb@contoso.com'));
    while (((await bot.simulatorControl('GET', '/_sim/faults')).value as unknown[]).length > 0)
      await sleep(20);
    await azurite.halt();
    const message = await turn;
    assert.equal(message.status, 200);
    await waitToSay(already, CLEAR_MESSAGE);
    await bot.app.idle();
    assert.deepEqual(cardsWithPendingButtons(already), [], 'a card offered a button with no pending action');
    assert.doesNotMatch(saidSince(already), GENERIC_APOLOGY);
    assert.equal(await bot.passwordChanges(), 0);
  });
});

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
