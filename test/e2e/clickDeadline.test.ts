import assert from 'node:assert/strict';
import { BotOverHttp, MEGAN_ID } from '../support/botOverHttp';
import { executeActionsOf } from '../support/teamsActivities';

/**
 * Teams waits 10 to 15 seconds for the answer to an `adaptiveCard/action` invoke, then shows an error while
 * the work may still finish. A Reset password click is answered at once and finished in the background,
 * within a time budget that Graph's retries (Retry-After up to 180 s in the SDK) cannot stretch.
 */
describe('end to end over HTTP: a Reset password click against a slow, throttling Graph', function () {
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

  async function throttleTheReset(retryAfterSeconds: number): Promise<void> {
    await bot.simulatorControl('POST', '/_sim/faults', {
      method: 'PATCH',
      path: '^/v1\\.0/users/',
      kind: 'status',
      status: 429,
      retryAfterSeconds,
      count: 1,
    });
  }

  it('answers the click in under 2 s and updates the card within the budget when the reset gets 429 Retry-After: 60', async () => {
    const resetId = await bot.confirmationFor(bot.personal('reset meganb@contoso.com'));
    await bot.simulatorControl('PUT', '/_sim/latency', { ms: 800 });
    await throttleTheReset(60);

    const clickedAt = Date.now();
    const invoke = await bot.click(bot.personal(''), 'confirmReset', { resetId }, 5_000);
    assert.equal(invoke.status, 200);
    assert.ok(invoke.tookMs < 2_000, `the invoke was answered after ${invoke.tookMs} ms`);
    const answer = (invoke.body as { value: unknown }).value;
    assert.match(JSON.stringify(answer), /Resetting the password of Megan Bowen/);
    assert.equal(executeActionsOf(answer).length, 0, 'nothing left to click while it runs');

    const outcome = await bot.outcomeCard(20_000);
    const updatedAfter = Date.now() - clickedAt;
    assert.ok(updatedAfter < 20_000, `the card was updated after ${updatedAfter} ms`);
    assert.match(outcome, /was not reset/);
    assert.match(outcome, /about 1 minute/, "Graph's Retry-After becomes the advice");
    assert.equal(await bot.passwordChanges(), 1, 'asked once: the 60 s wait did not fit');
    const state = await bot.simulatorControl('GET', `/_sim/users/${MEGAN_ID}/state`);
    assert.notEqual(state.forceChangePasswordNextSignIn, true);
    assert.ok(
      !bot.connector.calls.some((call) => /Temporary password/.test(JSON.stringify(call))),
      'no password sent',
    );
  });

  it('counts a second click while the first is still running as already used', async () => {
    const resetId = await bot.confirmationFor(bot.personal('reset meganb@contoso.com'));
    await bot.simulatorControl('PUT', '/_sim/latency', { ms: 400 });
    const first = await bot.click(bot.personal(''), 'confirmReset', { resetId }, 5_000);
    const second = await bot.click(bot.personal(''), 'confirmReset', { resetId }, 5_000);
    assert.match(JSON.stringify(first.body), /Resetting/);
    assert.match(JSON.stringify(second.body), /already been used/);
    assert.match(await bot.outcomeCard(), /Password reset for Megan Bowen/);
    await bot.app.idle();
    assert.equal(await bot.passwordChanges(), 1);
  });

  it('still waits out a short Retry-After that fits in the budget, and resets', async () => {
    const resetId = await bot.confirmationFor(bot.personal('reset meganb@contoso.com'));
    await throttleTheReset(1);
    await bot.click(bot.personal(''), 'confirmReset', { resetId }, 5_000);
    assert.match(await bot.outcomeCard(), /Password reset for Megan Bowen/);
    assert.equal(await bot.passwordChanges(), 2);
  });

  describe('with CLICK_BUDGET_SECONDS=5', () => {
    let tight: BotOverHttp;

    before(async () => {
      tight = await BotOverHttp.start({ GRAPH_TIMEOUT_SECONDS: '30', CLICK_BUDGET_SECONDS: '5' });
    });

    after(async () => {
      await tight?.close();
    });

    beforeEach(async () => {
      await tight.reset();
    });

    it('reports "outcome unknown", with no password sent, when the reset hangs past the budget', async () => {
      const resetId = await tight.confirmationFor(tight.personal('reset meganb@contoso.com'));
      await tight.simulatorControl('POST', '/_sim/faults', {
        method: 'PATCH',
        path: '^/v1\\.0/users/',
        kind: 'delay',
        delayMs: 15_000,
        count: 1,
      });
      const clickedAt = Date.now();
      const invoke = await tight.click(tight.personal(''), 'confirmReset', { resetId }, 5_000);
      assert.match(JSON.stringify(invoke.body), /within 5 seconds/);
      const outcome = await tight.outcomeCard(10_000);
      const updatedAfter = Date.now() - clickedAt;
      assert.ok(updatedAfter < 5_000, `the card was updated after ${updatedAfter} ms`);
      assert.match(outcome, /could not confirm whether/);
      assert.match(outcome, /no temporary password was sent/);
      assert.ok(
        !tight.connector.calls.some((call) => /Temporary password/.test(JSON.stringify(call))),
        'no password sent',
      );
    });

    it('reports "not reset" when the checks before the reset use up the budget', async () => {
      const resetId = await tight.confirmationFor(tight.personal('reset meganb@contoso.com'));
      await tight.simulatorControl('PUT', '/_sim/latency', { ms: 6_000 });
      const clickedAt = Date.now();
      await tight.click(tight.personal(''), 'confirmReset', { resetId }, 5_000);
      const outcome = await tight.outcomeCard(10_000);
      assert.ok(Date.now() - clickedAt < 5_000);
      assert.match(outcome, /was not reset/);
      await tight.simulatorControl('PUT', '/_sim/latency', { ms: 0 });
      assert.equal(await tight.passwordChanges(), 0);
    });
  });
});
