import assert from 'node:assert/strict';
import { type Rig, startBot, startRig, stopRig, teamsAgents } from '../../bench/resetLoad';
import { runLoad } from '../../bench/support/driver';
import { probeReset } from '../../bench/support/probes';
import { cpuSeconds } from '../../bench/support/procStats';
import type { BotProcess } from '../../bench/support/processes';
import { TARGETS } from '../../bench/support/tenant';

/**
 * `npm run bench`'s parts on a handful of conversations: the bot and the echo bot as processes of the
 * production build, with authentication on, against the simulated tenant and the loopback connector. Counts
 * only, never times: every conversation completes, the password delivered is the one that signs the user in,
 * and the call log yields the figures the benchmark reports.
 */
describe('npm run bench: the load driver on a few conversations (counts only)', function () {
  this.timeout(60_000);
  let rig: Rig;
  let bot: BotProcess;
  let echoBot: BotProcess;

  before(async () => {
    rig = await startRig();
    // Graph and the connector answer after 50 ms, so that parallel calls overlap and sequential ones do not.
    await rig.simulator.control('PUT', 'latency', { ms: 50 });
    rig.connector.latencyMs = 50;
    [bot, echoBot] = await Promise.all([startBot(rig, 'bot'), startBot(rig, 'echo')]);
  });
  after(async () => {
    await Promise.all([bot?.stop(), echoBot?.stop()]);
    if (rig) await stopRig(rig);
  });

  it('plays complete resets from several agents at once, each delivering a password that signs the user in', async () => {
    const agents = teamsAgents(rig, 'smoke', 3);
    const passwords: Array<{ target: string; password: string }> = [];
    const cpuBefore = cpuSeconds(bot.pid);

    const outcome = await runLoad(
      agents,
      (started) => started >= 6,
      async (agent, index) => {
        const target = TARGETS[index % TARGETS.length];
        const conversation = await rig.driver.reset(bot.url, agent, target);
        assert.equal(conversation.turns, 2, 'a message and a click');
        assert.ok(conversation.cardShown > conversation.messageSent);
        assert.ok(conversation.cardUpdated > conversation.clickSent);
        passwords.push({ target, password: passwordIn(conversation.passwordCard) });
      },
    );

    assert.deepEqual(outcome.failures, []);
    assert.equal(outcome.completed, 6);
    assert.ok(cpuSeconds(bot.pid) > cpuBefore, 'the bot used CPU');
    // Six targets, one reset each: every password delivered is the one in force.
    assert.equal(new Set(passwords.map((p) => p.target)).size, 6);
    for (const { target, password } of passwords) {
      const signIn = (await rig.simulator.control('POST', 'signin', {
        userPrincipalName: target,
        password,
      })) as { signedIn: boolean };
      assert.equal(signIn.signedIn, true, `the password delivered for ${target} signs in`);
    }
  });

  it('takes a lone reset apart: Graph calls per step, and round trips that could not overlap', async () => {
    const [agent] = teamsAgents(rig, 'smoke-probe', 1);
    const { probe } = await probeReset(rig.driver, rig.simulator, bot.url, agent, TARGETS[0]);

    assert.ok(probe.messageCalls.requests > 0);
    assert.ok(probe.clickCalls.requests > 0);
    assert.equal(probe.resetCalls.requests, probe.messageCalls.requests + probe.clickCalls.requests);
    assert.ok(probe.resetCalls.bytes > 0, 'answer bytes recorded');
    // At least one wait for Graph before the card, and the password's own post to the connector.
    assert.ok(probe.messageDepth.graph >= 1 && probe.messageDepth.graph <= probe.messageCalls.requests);
    assert.ok(probe.clickToPasswordDepth.graph >= 1);
    assert.equal(probe.clickToPasswordDepth.connector >= 1, true);
    assert.deepEqual(probe.tokenRequests, { graph: 0, botConnector: 0, other: 0 }, 'tokens were cached');
  });

  it('plays echo turns on the baseline bot', async () => {
    const outcome = await runLoad(
      teamsAgents(rig, 'smoke-echo', 3),
      (started) => started >= 6,
      async (agent, index) => {
        assert.ok((await rig.driver.echo(echoBot.url, agent, `hello ${index}`)) > 0);
      },
    );
    assert.deepEqual(outcome.failures, []);
    assert.equal(outcome.completed, 6);
  });
});

/** The temporary password on the card that delivered it: the text of the element the template names. */
function passwordIn(card: Record<string, unknown>): string {
  const body = card.body as Array<{ id?: string; inlines?: Array<{ text?: string }> }>;
  const found = body.find((element) => element.id === 'temporaryPassword')?.inlines?.[0]?.text;
  assert.ok(found, 'the card holds the temporary password');
  return found;
}
