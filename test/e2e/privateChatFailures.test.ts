import assert from 'node:assert/strict';
import { BotOverHttp, CHANNEL_THREAD, PERSONAL_CHAT, cardIn } from '../support/botOverHttp';
import type { ConnectorCall, ConnectorFault } from '../support/loopbackConnector';
import { executeActionsOf } from '../support/teamsActivities';

type Failure = Omit<ConnectorFault, 'operation'>;

/**
 * The connector's documented refusals (Learn, "Messages in bot conversations": status code responses), a 5xx,
 * and a connector that answers the 1:1 with the channel's own id, each answered over HTTP by the loopback
 * connector. The bot must never reset a password it cannot deliver, never claim a delivery that failed, never
 * post into a conversation that is not a 1:1 with the requester, and never log what a connector error echoes.
 */
const FAILURES: Array<[string, Failure, RegExp]> = [
  [
    '403 BotNotInConversationRoster',
    { status: 403, code: 'BotNotInConversationRoster' },
    /not installed for you/,
  ],
  ['403 ConversationBlockedByUser', { status: 403, code: 'ConversationBlockedByUser' }, /blocked your chat/],
  ['403 BotDisabledByAdmin', { status: 403, code: 'BotDisabledByAdmin' }, /administrator has disabled/],
  [
    '403 errorCode 209 MessageWritesBlocked (no error.code)',
    {
      status: 403,
      // The body "Send proactive messages" shows for a user who blocked or uninstalled the bot.
      body: {
        errorCode: 209,
        message:
          '{"subCode":"MessageWritesBlocked","details":"Thread is blocked from message writes","errorCode":null,"errorSubCode":null}',
      },
    },
    /blocked or removed the app/,
  ],
  ['404 ConversationNotFound', { status: 404, code: 'ConversationNotFound' }, /could not find or open/],
  ['500', { status: 500 }, /did not let me open/],
];

describe('end to end over HTTP: when the requester cannot be reached privately', function () {
  this.timeout(90_000);

  let bot: BotOverHttp;

  before(async () => {
    bot = await BotOverHttp.start({ GRAPH_TIMEOUT_SECONDS: '10' });
  });

  after(async () => {
    await bot?.close();
  });

  beforeEach(async () => {
    await bot.reset();
  });

  const channelRequest = () => bot.inChannel('reset meganb@contoso.com');

  /** What the bot posted (not created or updated) since `since` calls. */
  function postsSince(since: number): ConnectorCall[] {
    return bot.connector.calls
      .slice(since)
      .filter((call) => call.operation === 'sendToConversation' || call.operation === 'replyToActivity');
  }

  for (const [name, failure, guidance] of FAILURES) {
    it(`offers no Reset password button when opening the 1:1 fails with ${name}, and says what to do`, async () => {
      bot.connector.fail({ operation: 'createConversation', ...failure });
      const card = await bot.firstCardFor(channelRequest());
      assert.equal(executeActionsOf(card).length, 0, 'no button to click');
      assert.match(JSON.stringify(card), guidance);
      assert.equal(await bot.passwordChanges(), 0);
    });

    it(`resets nothing when opening the 1:1 fails with ${name} just before the reset`, async () => {
      const resetId = await bot.confirmationFor(channelRequest());
      bot.connector.fail({ operation: 'createConversation', ...failure });
      const since = bot.connector.calls.length;
      await bot.click(channelRequest(), 'confirmReset', { resetId });
      const outcome = await bot.outcomeCard();
      assert.match(outcome, /was not reset/);
      assert.match(outcome, guidance);
      assert.equal(await bot.passwordChanges(), 0);
      assert.deepEqual(postsSince(since), [], 'nothing was posted anywhere');
    });

    it(`says the password was not delivered when the send into the 1:1 fails with ${name}`, async () => {
      const resetId = await bot.confirmationFor(channelRequest());
      bot.connector.fail({ operation: 'send', ...failure });
      await bot.click(channelRequest(), 'confirmReset', { resetId });
      const outcome = await bot.outcomeCard();
      assert.match(outcome, /could not be delivered/);
      assert.doesNotMatch(outcome, /sent only to/);
      assert.equal(await bot.passwordChanges(), 1);
      const attempts = bot.connector.calls.filter((call) => call.failedWith !== undefined);
      assert.ok(attempts.length > 0);
      assert.ok(attempts.every((call) => call.conversationId === 'a:private-29:alex'));
      const audit = bot.logs.lines.find((line) => line.includes('"action":"reset-succeeded"'));
      assert.match(audit ?? '', /"passwordDelivery":"failed"/);
    });
  }

  it('says the password was not delivered when the send fails in the 1:1 the request came from', async () => {
    const resetId = await bot.confirmationFor(bot.personal('reset meganb@contoso.com'));
    bot.connector.fail({ operation: 'send', status: 403, code: 'ConversationBlockedByUser' });
    await bot.click(bot.personal(''), 'confirmReset', { resetId });
    assert.match(await bot.outcomeCard(), /could not be delivered/);
    assert.ok(
      bot.connector.calls.some((call) => call.failedWith === 403 && call.conversationId === PERSONAL_CHAT),
    );
  });

  it("offers no button when the connector answers the 1:1 with the channel's own id", async () => {
    bot.connector.fail({ operation: 'createConversation', answerId: CHANNEL_THREAD });
    const card = await bot.firstCardFor(channelRequest());
    assert.equal(executeActionsOf(card).length, 0);
    assert.match(JSON.stringify(card), /did not give me a private chat/);
  });

  it("posts nothing into the channel when the connector answers the 1:1 with the channel's own id at the click", async () => {
    const resetId = await bot.confirmationFor(channelRequest());
    bot.connector.fail({ operation: 'createConversation', answerId: CHANNEL_THREAD });
    const since = bot.connector.calls.length;
    await bot.click(channelRequest(), 'confirmReset', { resetId });
    assert.match(await bot.outcomeCard(), /did not give me a private chat/);
    await bot.app.idle();
    assert.deepEqual(postsSince(since), [], 'no apology, no card, no password in the channel');
    assert.equal(await bot.passwordChanges(), 0);
  });

  it('never logs what a connector error echoes, even the temporary password card', async () => {
    const resetId = await bot.confirmationFor(channelRequest());
    bot.connector.fail({ operation: 'send', status: 500, echoBody: true });
    await bot.click(channelRequest(), 'confirmReset', { resetId });
    await bot.outcomeCard();
    await bot.app.idle();

    const failedSend = bot.connector.calls.find((call) => call.failedWith === 500);
    assert.ok(failedSend, 'the bot tried to send the password');
    const password = await bot.passwordThatSignsIn(failedSend);
    assert.ok(password, 'the failed send carried the new password');
    assert.ok(!bot.logs.text.includes(password), 'the password never reaches the log');
    assert.match(bot.logs.text, /"statusCode":500/, 'the failure is logged by its shape');
    assert.match(await bot.outcomeCard(), /could not be delivered/);
    const cards = bot.connector.calls.filter((call) => call !== failedSend && call.failedWith === undefined);
    assert.ok(cards.every((call) => !JSON.stringify(cardIn(call) ?? call).includes(password)));
  });
});
