import assert from 'node:assert/strict';
import { createBotApp } from '../../bot/app';
import { loadConfig } from '../../bot/config';
import { startSimulator } from '../../simulator';
import { BotOverHttp, testConfiguration } from '../support/botOverHttp';
import { LogCapture } from '../support/logCapture';
import type { StateStore } from '../../storage/stateStore';

async function readyz(baseUrl: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${baseUrl}/readyz`, { signal: AbortSignal.timeout(10_000) });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** `/readyz` for the platform's probes, and a stop that lets resets in flight finish, within a bound. */
describe('end to end over HTTP: readiness and a graceful stop', function () {
  this.timeout(60_000);

  describe('/readyz', () => {
    it('answers 200 when the store answers and the Graph credential gets a token', async () => {
      const bot = await BotOverHttp.start();
      try {
        assert.deepEqual(await readyz(bot.botUrl), {
          status: 200,
          body: { status: 'ready', checks: { store: 'ok', graphCredential: 'ok' } },
        });
      } finally {
        await bot.close();
      }
    });

    it('answers 503 naming the Graph credential, and no more, when Entra refuses it', async () => {
      const bot = await BotOverHttp.start({ AZURE_CLIENT_SECRET: 'not-the-secret' });
      try {
        const answer = await readyz(bot.botUrl);
        assert.deepEqual(answer, {
          status: 503,
          body: { status: 'not-ready', checks: { store: 'ok', graphCredential: 'failed' } },
        });
      } finally {
        await bot.close();
      }
    });

    it('answers 503 naming the store when it does not answer', async () => {
      const simulator = await startSimulator({ port: 0 });
      const refused = () => Promise.reject(new Error('connect ECONNREFUSED'));
      const unreachable: StateStore = {
        read: refused,
        write: refused,
        delete: refused,
        sweep: refused,
        audit: { append: refused, list: refused, removeOlderThan: refused },
        close: () => Promise.resolve(),
      };
      const app = createBotApp(loadConfig(testConfiguration(simulator)), {
        logDestination: new LogCapture(),
        store: unreachable,
      });
      try {
        const answer = await readyz(await app.listen(0));
        assert.equal(answer.status, 503);
        assert.deepEqual(answer.body.checks, { store: 'unreachable', graphCredential: 'ok' });
        assert.doesNotMatch(JSON.stringify(answer.body), /ECONNREFUSED/);
      } finally {
        await app.close();
        await simulator.close();
      }
    });
  });

  describe('stopping', () => {
    let bot: BotOverHttp;
    beforeEach(async () => {
      bot = await BotOverHttp.start();
    });
    afterEach(async () => {
      await bot.close();
    });

    /** Alex confirms Megan's reset while signing her out hangs for `hangMs`; resolves once the click is answered. */
    async function resetInFlight(hangMs: number): Promise<void> {
      const resetId = await bot.confirmationFor(bot.personal('reset meganb@contoso.com'));
      await bot.simulatorControl('POST', '/_sim/faults', {
        path: 'revokeSignInSessions',
        kind: 'delay',
        delayMs: hangMs,
        count: 1,
      });
      const click = await bot.click(bot.personal(''), 'confirmReset', { resetId, revokeSessions: 'true' });
      assert.equal(click.status, 200);
    }

    it('lets a reset in flight finish and deliver its password before it stops', async () => {
      await resetInFlight(1_500);
      const stopped = await bot.app.close(20_000);
      assert.deepEqual(stopped, { finished: true });
      assert.equal(await bot.passwordChanges(), 1);
      const delivered = bot.connector.calls.filter((call) => call.operation !== 'updateActivity');
      let passwords = 0;
      for (const call of delivered) if ((await bot.passwordThatSignsIn(call)) !== undefined) passwords += 1;
      assert.equal(passwords, 1, 'the password reached the requester before the bot stopped');
      await assert.rejects(fetch(`${bot.botUrl}/readyz`), 'a stopped bot takes no new connection');
    });

    it('gives up after its grace period, and says the work was not finished', async () => {
      await resetInFlight(5_000);
      const stopped = await bot.app.close(300);
      assert.deepEqual(stopped, { finished: false });
      // It did not wait for the hung step: the reset has not been reported yet.
      assert.ok(!bot.logs.text.includes('"action":"reset-succeeded"'), 'close waited for the hung work');
    });
  });
});
