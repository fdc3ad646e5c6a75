import assert from 'node:assert/strict';
import { TestAdapter, TurnContext } from 'botbuilder';
import pino from 'pino';
import { DialogContext, DialogContextError, DialogSet } from 'botbuilder-dialogs';
import { createAdapter, storeOutageBehind } from '../../bot/adapter';
import { loadConfig } from '../../bot/config';
import { describeError } from '../../bot/errorShape';
import { StoreUnavailable } from '../../core/errors';
import { TenantGuard } from '../../bot/tenantGuard';
import { LogCapture } from '../support/logCapture';
import { TENANT_ID } from '../support/teamsActivities';

const SECRET = 'Zq7!mK3$pW9#xR2+';

/** A connector error as botframework-connector throws it, when the connector echoed the posted activity. */
function echoingConnectorError(): Error {
  const error = new Error(`Could not post: {"text":"${SECRET}"}`);
  return Object.assign(error, {
    name: 'RestError',
    code: 'InternalServerError',
    statusCode: 500,
    details: { error: { message: SECRET } },
    response: { bodyAsText: SECRET },
  });
}

describe("the adapter's error handler", () => {
  let logs: LogCapture;

  beforeEach(() => {
    logs = new LogCapture();
  });

  async function failTurn(type: string, error: Error, accepted = true): Promise<string[]> {
    const adapter = createAdapter(
      loadConfig({ AZURE_TENANT_ID: TENANT_ID, BOT_DANGEROUSLY_ALLOW_UNAUTHENTICATED: 'true' }),
      pino(logs),
    );
    const replies: string[] = [];
    const context = new TurnContext(new TestAdapter(), {
      type,
      conversation: { id: '19:support@thread.tacv2', isGroup: true, conversationType: 'channel', name: '' },
      channelData: { tenant: { id: TENANT_ID } },
    });
    // The tenant guard marks the turns it lets through; its own test covers how.
    if (accepted)
      await new TenantGuard(TENANT_ID, pino({ level: 'silent' })).onTurn(context, () => Promise.resolve());
    context.onSendActivities((_context, activities) => {
      replies.push(...activities.map((activity) => String(activity.text)));
      return Promise.resolve(activities.map(() => ({ id: 'x' })));
    });
    await adapter.onTurnError(context, error);
    return replies;
  }

  it("logs a connector error's name, code and status, never its message, details or body", async () => {
    await failTurn('message', echoingConnectorError());
    assert.ok(!logs.text.includes(SECRET), 'the echoed password never reaches the log');
    const line = JSON.parse(logs.lines[0]) as { error: Record<string, unknown> };
    assert.deepEqual(
      { name: line.error.name, code: line.error.code, statusCode: line.error.statusCode },
      { name: 'RestError', code: 'InternalServerError', statusCode: 500 },
    );
  });

  it("keeps a bug's stack frames for the team that runs the bot, without the message line", async () => {
    const bug = new TypeError(`cannot read ${SECRET}`);
    await failTurn('message', bug);
    assert.ok(!logs.text.includes(SECRET));
    assert.match(logs.text, /at /);
  });

  it('apologises, with a reference, only in a message turn', async () => {
    const [reply] = await failTurn('message', echoingConnectorError());
    assert.match(reply, /Reference: [0-9a-f-]{36}/);
    assert.ok(!reply.includes(SECRET));
    assert.deepEqual(await failTurn('invoke', echoingConnectorError()), []);
    assert.deepEqual(
      await failTurn('event', echoingConnectorError()),
      [],
      'an event turn is one the bot started itself, in a conversation that may not be the one in view',
    );
  });

  it('says plainly that the store is out of reach, and that nothing was changed, when it is', async () => {
    const down = new StoreUnavailable('blob', 'unreachable', {
      code: 'ECONNREFUSED',
      cause: new Error(`connect ECONNREFUSED AccountKey=${SECRET}`),
    });
    const [reply] = await failTurn('message', down);
    assert.match(
      reply,
      /cannot reach my storage.*Nothing was changed.*try again in a minute.*Reference: [0-9a-f-]{36}/,
    );
    assert.doesNotMatch(reply, /something went wrong/i);
    const line = JSON.parse(logs.lines[0]) as Record<string, unknown>;
    assert.equal(line.msg, 'turn stopped: the state store is unavailable');
    assert.deepEqual(
      { store: line.store, failure: line.failure, error: line.error },
      { store: 'blob', failure: 'unreachable', error: { name: 'StoreUnavailable', code: 'ECONNREFUSED' } },
    );
    assert.ok(!logs.text.includes(SECRET), 'nothing of the underlying error (a connection string) is logged');
  });

  it('recognises the store outage behind the error a dialog wraps it in', async () => {
    const context = new TurnContext(new TestAdapter(), { type: 'message' });
    const inner = new DialogContext(new DialogSet(), context, { dialogStack: [] });
    const wrapped = new DialogContextError(
      new DialogContextError(new StoreUnavailable('sqlite', 'busy', { code: 'SQLITE_BUSY' }), inner),
      inner,
    );
    assert.equal(storeOutageBehind(wrapped)?.failure, 'busy');
    const [reply] = await failTurn('message', wrapped);
    assert.match(reply, /cannot reach my storage/);
    assert.equal(storeOutageBehind(new DialogContextError(new Error('a bug'), inner)), undefined);
  });

  it('never apologises in a turn the tenant guard did not accept', async () => {
    assert.deepEqual(await failTurn('message', echoingConnectorError(), false), []);
  });
});

describe('describeError', () => {
  it('keeps only identifier-shaped names and codes, and integer statuses', () => {
    assert.deepEqual(
      describeError(Object.assign(new Error('x'), { name: SECRET, code: SECRET, statusCode: '500' })),
      {},
    );
    assert.deepEqual(describeError({ name: 'RestError', code: 403, statusCode: 403 }), {
      name: 'RestError',
      code: 403,
      statusCode: 403,
    });
    assert.deepEqual(describeError('a string'), {});
  });
});
