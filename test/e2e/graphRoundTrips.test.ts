import assert from 'node:assert/strict';
import type { Activity } from 'botbuilder';
import { BotOverHttp, cardIn, stringsOf } from '../support/botOverHttp';
import { executeActionsOf } from '../support/teamsActivities';

/**
 * Issue #11: how many times, one after another, a reset waits for Microsoft Graph, read from the simulated
 * tenant's call log (every request on the wire, and each request inside a JSON batch). Graph is tens to
 * hundreds of milliseconds away in the cloud, so each round trip in a row is time the agent waits. No times
 * are asserted: counts and order only (figures are `npm run bench`'s).
 */

interface SimCall {
  time: string;
  method: string;
  path: string;
  query: string;
  viaBatch: boolean;
  status: number;
}

/** What the bot sent on the wire to Graph (a batch counts once), and what Graph served (a batch's parts). */
function graphCalls(calls: SimCall[]): { wire: SimCall[]; served: SimCall[] } {
  const graph = calls.filter((call) => call.path.startsWith('/v1.0/') || call.path.startsWith('/beta/'));
  return {
    wire: graph.filter((call) => !call.viaBatch),
    served: graph.filter((call) => call.path !== '/v1.0/$batch'),
  };
}

const REVOKE_HELD_MS = 3000;

describe('end to end over HTTP: Graph round trips of a reset', function () {
  this.timeout(60_000);
  let bot: BotOverHttp;

  before(async () => {
    bot = await BotOverHttp.start({
      RATE_LIMIT_RESETS_PER_AGENT_PER_HOUR: '0',
      RATE_LIMIT_RESETS_PER_TARGET_PER_DAY: '0',
    });
    // The bot's token, fetched once: its own figure is the last test's.
    await bot.confirmationFor(bot.personal('reset meganb@contoso.com'));
  });
  after(async () => bot?.close());
  beforeEach(async () => bot.reset());

  async function calls(): Promise<SimCall[]> {
    return (await bot.simulatorControl('GET', '/_sim/calls')).value as SimCall[];
  }

  it('"reset meganb@contoso.com" → confirmation card: two requests to Graph, one after the other, no read twice', async () => {
    const resetId = await bot.confirmationFor(bot.personal('reset meganb@contoso.com'));
    assert.ok(resetId);

    const { wire, served } = graphCalls(await calls());
    assert.deepEqual(
      wire.map((call) => `${call.method} ${call.path}`),
      ['POST /v1.0/$batch', 'POST /v1.0/$batch'],
      'the agent and the search in one request, then the target in one',
    );
    const reads = served.map((call) => `${call.path}?${decodeURIComponent(call.query)}`);
    assert.equal(new Set(reads).size, reads.length, `a read made twice: ${reads.join('\n')}`);
    const alex = 'e1a00000-0000-4000-8000-000000000001';
    const megan = 'e1a00000-0000-4000-8000-000000000002';
    assert.ok(
      !served.some((call) => call.path === `/v1.0/users/${alex}` || call.path === `/v1.0/users/${megan}`),
      "neither the agent's user object nor the user the search just returned is read",
    );
    assert.ok(served.length <= 8, `${served.length} reads served`);
  });

  it('an agent whose role comes through a role-assignable group: still two requests, the first time and after', async () => {
    const miriam = {
      id: '29:miriam',
      name: 'Miriam Graham',
      aadObjectId: 'e1a00000-0000-4000-8000-00000000000e',
    };
    const asMiriam = inConversation(bot, 'a:miriam-personal', 'reset meganb@contoso.com', miriam);
    for (const time of ['first', 'second']) {
      await bot.simulatorControl('DELETE', '/_sim/calls');
      const resetId = await bot.confirmationFor(asMiriam);
      assert.ok(resetId);
      const { wire, served } = graphCalls(await calls());
      assert.equal(wire.length, 2, `${time} time: ${wire.map((call) => call.path).join(', ')}`);
      assert.ok(
        served.some((call) =>
          decodeURIComponent(call.query).includes('e1a0c000-0000-4000-8000-000000000002'),
        ),
        "the Helpdesk Team's role is read",
      );
    }
  });

  it('Reset password click → password posted: the reads in one request, then the change; the sign-out after', async () => {
    const resetId = await bot.confirmationFor(bot.personal('reset meganb@contoso.com'));
    await bot.simulatorControl('DELETE', '/_sim/calls');
    // The sign-out is held at Graph: whatever the bot did before the password reached the agent is in the log.
    await bot.simulatorControl('POST', '/_sim/faults', {
      method: 'POST',
      path: '/revokeSignInSessions$',
      kind: 'delay',
      delayMs: REVOKE_HELD_MS,
      count: 1,
    });

    const answer = await bot.click(bot.personal(''), 'confirmReset', { resetId, revokeSessions: 'true' });
    assert.equal(answer.status, 200);
    await bot.connector.waitFor((call) => isPasswordMessage(call.activity));
    const beforeDelivery = graphCalls(await calls()).wire;

    assert.deepEqual(
      beforeDelivery.map((call) => `${call.method} ${call.path}`),
      ['POST /v1.0/$batch', `PATCH /v1.0/users/e1a00000-0000-4000-8000-000000000002`],
      'one request for every check, then the password change, then the delivery',
    );
    const outcome = await bot.outcomeCard();
    assert.match(outcome, /Signing the user out of all sessions was requested/);
    const after = graphCalls(await calls()).wire;
    assert.equal(after.at(-1)?.path, '/v1.0/users/e1a00000-0000-4000-8000-000000000002/revokeSignInSessions');
  });

  it('a complete reset costs at most 10 requests to Graph, and the connector is asked once before the password', async () => {
    const resetId = await bot.confirmationFor(bot.personal('reset meganb@contoso.com'));
    const connectorBefore = bot.connector.calls.length;
    await bot.click(bot.personal(''), 'confirmReset', { resetId, revokeSessions: 'true' });
    await bot.outcomeCard();

    const { wire } = graphCalls(await calls());
    assert.ok(wire.length <= 10, `${wire.length} requests to Graph`);
    assert.equal(wire.length, 5, wire.map((call) => `${call.method} ${call.path}`).join('\n'));
    const connectorCalls = bot.connector.calls.slice(connectorBefore);
    const delivery = connectorCalls.findIndex((call) => isPasswordMessage(call.activity));
    assert.equal(delivery, 0, 'in a 1:1 chat, the password message is the first thing the connector hears');
  });

  it('asks Entra for one token when eight turns arrive at an instance that has none', async () => {
    const fresh = await bot.secondInstance();
    try {
      await bot.simulatorControl('DELETE', '/_sim/calls');
      const agents = Array.from({ length: 8 }, (_, index) => index);
      const answers = await Promise.all(
        agents.map((index) =>
          fresh.post(inConversation(fresh, `a:agent-${index}`, 'reset meganb@contoso.com')),
        ),
      );
      assert.ok(answers.every((answer) => answer.status === 200));
      await Promise.all(
        agents.map((index) =>
          fresh.connector.waitFor(
            (call) =>
              call.conversationId === `a:agent-${index}` &&
              executeActionsOf(cardIn(call)).some((action) => action.verb === 'confirmReset'),
          ),
        ),
      );
      const tokenRequests = (await calls()).filter((call) => call.path.endsWith('/oauth2/v2.0/token'));
      assert.equal(tokenRequests.length, 1);
    } finally {
      await fresh.close();
    }
  });
});

function isPasswordMessage(activity: Partial<Activity> | undefined): boolean {
  return stringsOf(activity).some((text) => /^Temporary password for /.test(text));
}

function inConversation(
  bot: BotOverHttp,
  conversationId: string,
  text: string,
  from?: Partial<Activity['from']>,
): Partial<Activity> {
  const message = bot.personal(text, from);
  return {
    ...message,
    conversation: { ...message.conversation, id: conversationId } as Activity['conversation'],
  };
}
