import assert from 'node:assert/strict';
import type { Activity } from 'botbuilder';
import { BotOverHttp, cardIn, MEGAN_ID, stringsOf } from '../support/botOverHttp';
import { executeActionsOf } from '../support/teamsActivities';

const ADELE_ID = 'e1a00000-0000-4000-8000-000000000003';
/** A marker in hostile bodies: it must never reach a log line. */
const MARKER = 'Hostile-Marker-7f3Q';

/** Bad input over HTTP, against the real server: 4xx answers, nothing posted, nothing leaked. */
describe('end to end over HTTP: bad input', function () {
  this.timeout(60_000);
  let bot: BotOverHttp;

  before(async () => {
    bot = await BotOverHttp.start();
  });
  after(async () => {
    await bot?.close();
  });
  beforeEach(async () => {
    await bot.reset();
    bot.logs.lines.splice(0);
  });

  const warningsAndErrors = () =>
    bot.logs.lines.filter((line) => (JSON.parse(line) as { level: number }).level >= 40);

  it('answers a malformed activity 400 with an empty body, and logs why without its content', async () => {
    const malformed: Array<Record<string, unknown>> = [
      { ...bot.personal(MARKER), type: undefined },
      { ...bot.personal(MARKER), type: 42 },
      { ...bot.personal(MARKER), serviceUrl: 42 },
      { ...bot.personal(MARKER), from: MARKER },
      { ...bot.personal(MARKER), conversation: { id: 7 } },
      { ...bot.personal(MARKER), channelData: MARKER },
      { ...bot.personal(MARKER), entities: [{ type: 'mention', text: MARKER }] },
    ];
    for (const activity of malformed) {
      const answer = await bot.post(activity);
      assert.equal(answer.status, 400, JSON.stringify(activity));
      assert.equal(answer.body, undefined);
    }
    assert.equal(bot.logs.text.match(/rejected a malformed activity/g)?.length, malformed.length);
    assert.ok(!bot.logs.text.includes(MARKER), 'the body never reaches the log');
    assert.deepEqual(bot.connector.calls, []);
  });

  it('answers a malformed card action with the Universal Actions error response (400)', async () => {
    const click = (value: unknown) =>
      bot.post({ ...bot.personal(''), type: 'invoke', name: 'adaptiveCard/action', text: undefined, value });
    for (const value of [
      undefined,
      {},
      { action: null },
      { action: 'confirmReset' },
      { action: 7 },
      { action: { type: 'Action.Execute', verb: 7, data: {} } },
      { action: { type: 'Action.Execute', verb: 'confirmReset', data: 'x' } },
    ]) {
      const answer = await click(value);
      assert.equal(answer.status, 400, JSON.stringify(value));
      assert.deepEqual(answer.body, {
        statusCode: 400,
        type: 'application/vnd.microsoft.error',
        value: { code: 'BadRequest', message: 'The card action is malformed. Nothing was changed.' },
      });
    }
    assert.deepEqual(bot.connector.calls, []);
  });

  it('answers invoke names it does not implement 501, posting nothing and logging nothing above info', async () => {
    for (const name of [
      'composeExtension/submitAction',
      'fileConsent/invoke',
      'application/search',
      'nope',
    ]) {
      for (const value of [undefined, null, -1, { action: {} }]) {
        const answer = await bot.post({ ...bot.personal(''), type: 'invoke', name, text: undefined, value });
        assert.equal(answer.status, 501, `${name} ${JSON.stringify(value)}`);
      }
    }
    await bot.app.idle();
    assert.deepEqual(bot.connector.calls, []);
    assert.deepEqual(warningsAndErrors(), []);
  });

  it('refuses a pick of someone not offered, and the picker still takes the real choice', async () => {
    const asked = bot.personal('reset password for megan');
    assert.equal((await bot.post(asked)).status, 200);
    const picker = await bot.connector.waitFor((call) =>
      executeActionsOf(cardIn(call)).some((action) => action.verb === 'selectUser'),
    );
    const selectionId = executeActionsOf(cardIn(picker)).find((action) => action.verb === 'selectUser')?.data
      ?.selectionId;
    assert.equal(typeof selectionId, 'string');

    const forged = await bot.click(asked, 'selectUser', { selectionId, userId: ADELE_ID });
    assert.equal(forged.status, 200);
    assert.deepEqual(forged.body, {
      statusCode: 200,
      type: 'application/vnd.microsoft.activity.message',
      value: 'That user was not one of the choices offered. Nothing was changed.',
    });

    const real = await bot.click(asked, 'selectUser', { selectionId, userId: MEGAN_ID });
    assert.equal(real.status, 200);
    const card = (real.body as { value: unknown }).value;
    assert.ok(executeActionsOf(card).some((action) => action.verb === 'confirmReset'));
    assert.match(JSON.stringify(card), /meganb@contoso\.com/);
  });

  it('refuses expectReplies (400), so a 1:1 reset never returns the temporary password in an HTTP answer', async () => {
    const answers: unknown[] = [];
    const expectReplies = <T extends Partial<Activity>>(activity: T): T => ({
      ...activity,
      deliveryMode: 'expectReplies',
    });
    const request = bot.personal('reset meganb@contoso.com');

    const asked = await bot.post(expectReplies(request));
    answers.push(asked.body);
    assert.equal(asked.status, 400);
    assert.equal(bot.connector.calls.length, 0, 'nothing was started');

    const resetId = await bot.confirmationFor(request);
    const click = (deliveryMode?: string) =>
      bot.post({
        ...bot.personal(''),
        type: 'invoke',
        name: 'adaptiveCard/action',
        text: undefined,
        replyToId: 'activity-card',
        deliveryMode,
        value: {
          action: { type: 'Action.Execute', verb: 'confirmReset', data: { resetId, revokeSessions: 'true' } },
          trigger: 'manual',
        },
      });
    const refusedClick = await click('expectReplies');
    answers.push(refusedClick.body);
    assert.equal(refusedClick.status, 400);
    assert.equal(await bot.passwordChanges(), 0, 'the refused click changed nothing');

    const confirmed = await click();
    answers.push(confirmed.body);
    assert.equal(confirmed.status, 200);
    const privateCall = await bot.connector.waitFor(
      (call) =>
        call.operation !== 'updateActivity' &&
        /must change|next sign-in/i.test(JSON.stringify(cardIn(call))) &&
        executeActionsOf(cardIn(call)).length === 0,
    );
    await bot.app.idle();
    const password = await bot.passwordThatSignsIn(privateCall);
    assert.ok(password, 'the password arrived in the 1:1 chat');
    for (const body of answers) {
      assert.ok(!JSON.stringify(body ?? '').includes(password), 'the password is in no HTTP answer');
    }
    assert.ok(!bot.logs.text.includes(password), 'the password is in no log line');
    assert.equal(
      bot.connector.calls.filter((call) => stringsOf(call.activity).some((text) => text.includes(password)))
        .length,
      1,
      'only the private message carries it',
    );
    assert.equal(await bot.passwordChanges(), 1);
  });
});
