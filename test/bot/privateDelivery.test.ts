import assert from 'node:assert/strict';
import { type Activity, TestAdapter, TurnContext } from 'botbuilder';
import pino from 'pino';
import { TeamsPrivateChat } from '../../bot/privateDelivery';
import { originOf } from '../../bot/proactive';
import type { PendingReset } from '../../core/pendingActions';
import type { UnreachableReason } from '../../core/resets';
import { connectorError, FakeProactiveAdapter } from '../support/fakeProactiveAdapter';
import { LogCapture } from '../support/logCapture';
import { TENANT_ID } from '../support/teamsActivities';

const SECRET = 'Zq7!mK3$pW9#xR2+';
const CHANNEL_THREAD = '19:support@thread.tacv2;messageid=1';
const PENDING = {
  targetDisplayName: 'Megan Bowen',
  targetUserPrincipalName: 'meganb@contoso.com',
} as PendingReset;

type Origin = 'personal' | 'channel' | 'groupChat';

function turnIn(conversationType: Origin): TurnContext {
  return new TurnContext(new TestAdapter(), {
    type: 'invoke',
    channelId: 'msteams',
    serviceUrl: 'https://smba.example/teams/',
    from: { id: '29:alex', name: 'Alex Wilber', aadObjectId: 'e1a00000-0000-4000-8000-000000000001' },
    recipient: { id: '28:bot', name: 'Helpdesk Reset' },
    conversation: {
      id: conversationType === 'personal' ? 'a:1' : CHANNEL_THREAD,
      isGroup: conversationType !== 'personal',
      conversationType,
      name: '',
    },
    channelData: { tenant: { id: TENANT_ID } },
  });
}

describe('TeamsPrivateChat', () => {
  let proactive: FakeProactiveAdapter;
  let logs: LogCapture;

  beforeEach(() => {
    proactive = new FakeProactiveAdapter();
    logs = new LogCapture();
  });

  function chatFrom(origin: Origin, stop?: AbortSignal): TeamsPrivateChat {
    return new TeamsPrivateChat(proactive, 'app-id', originOf(turnIn(origin)), pino(logs), stop);
  }

  function postedText(): string {
    return JSON.stringify(proactive.calls);
  }

  it('answers in the 1:1 chat the request came from, after its turn has ended', async () => {
    const chat = chatFrom('personal');
    assert.deepEqual(await chat.open(), { reachable: true });
    assert.equal(await chat.sendTemporaryPassword(SECRET, PENDING, false), 'delivered');
    assert.deepEqual(proactive.created, [], 'no new conversation');
    assert.deepEqual(
      proactive.calls.map((call) => [call.operation, call.conversationId]),
      [['send', 'a:1']],
    );
    assert.ok(postedText().includes(SECRET));
  });

  for (const origin of ['channel', 'groupChat'] as const) {
    it(`never posts in a ${origin}: it opens the requester's 1:1 chat instead`, async () => {
      const chat = chatFrom(origin);
      assert.deepEqual(await chat.open(), { reachable: true });
      assert.equal(await chat.sendTemporaryPassword(SECRET, PENDING, false), 'delivered');

      assert.equal(proactive.created.length, 2, 'opened when checked, and again to send');
      const { botAppId, channelId, serviceUrl, parameters } = proactive.created[1];
      assert.deepEqual(
        [botAppId, channelId, serviceUrl],
        ['app-id', 'msteams', 'https://smba.example/teams/'],
      );
      assert.equal(parameters.isGroup, false);
      assert.deepEqual(parameters.members, [{ id: '29:alex', name: 'Alex Wilber' }]);
      assert.equal(parameters.tenantId, TENANT_ID);
      assert.deepEqual(
        proactive.calls.map((call) => [call.operation, call.conversationId]),
        [['send', 'a:private-29:alex']],
      );
    });
  }

  const failures: Array<[string, () => Error, UnreachableReason]> = [
    [
      '403 BotNotInConversationRoster',
      () => connectorError(403, 'BotNotInConversationRoster'),
      'not-installed',
    ],
    [
      '403 ConversationBlockedByUser',
      () => connectorError(403, 'ConversationBlockedByUser'),
      'blocked-by-user',
    ],
    ['403 BotDisabledByAdmin', () => connectorError(403, 'BotDisabledByAdmin'), 'disabled-by-admin'],
    ['404 ConversationNotFound', () => connectorError(404, 'ConversationNotFound'), 'not-found'],
    ['500', () => connectorError(500, 'InternalServerError'), 'unavailable'],
    ['a dropped connection', () => new TypeError('fetch failed'), 'unavailable'],
  ];
  for (const [name, error, reason] of failures) {
    it(`says why the 1:1 cannot be opened (${name}) and posts nothing`, async () => {
      proactive.createConversation = () => Promise.reject(error());
      const chat = chatFrom('channel');
      assert.deepEqual(await chat.open(), { reachable: false, reason });
      assert.equal(await chat.sendTemporaryPassword(SECRET, PENDING, false), 'failed');
      assert.deepEqual(proactive.calls, []);
    });
  }

  for (const [name, id] of [
    ["the channel's own id", CHANNEL_THREAD],
    ['the channel id without the thread', '19:support@thread.tacv2'],
    ['a group chat id', '19:meeting_abc@thread.v2'],
    ['no id', ''],
  ] as const) {
    it(`refuses a "1:1" the connector answers with ${name}, and posts nothing there`, async () => {
      proactive.createConversation = () => Promise.resolve({ id });
      const chat = chatFrom('channel');
      assert.deepEqual(await chat.open(), { reachable: false, reason: 'not-private' });
      assert.equal(await chat.sendTemporaryPassword(SECRET, PENDING, false), 'failed');
      assert.deepEqual(proactive.calls, []);
      assert.deepEqual(proactive.turnErrors, [], 'nothing reached the adapter, so no apology went there');
    });
  }

  it('reports a send that fails inside the 1:1 turn as not delivered (the adapter would have swallowed it)', async () => {
    proactive.sendError = connectorError(403, 'ConversationBlockedByUser');
    const chat = chatFrom('channel');
    assert.equal(await chat.sendTemporaryPassword(SECRET, PENDING, false), 'failed');
    assert.deepEqual(proactive.turnErrors, []);
  });

  it('logs a connector error by its shape only, even when its message echoes the password card', async () => {
    proactive.sendError = connectorError(500, 'InternalServerError', `echo: {"text":"${SECRET}"}`);
    assert.equal(await chatFrom('personal').sendTemporaryPassword(SECRET, PENDING, false), 'failed');
    assert.match(logs.text, /"statusCode":500/);
    assert.match(logs.text, /InternalServerError/);
    assert.ok(!logs.text.includes(SECRET), 'the password never reaches the log');
  });

  it('sends nothing once the click has no time left', async () => {
    const chat = chatFrom('channel', AbortSignal.abort());
    assert.deepEqual(await chat.open(), { reachable: false, reason: 'unavailable' });
    assert.equal(await chat.sendTemporaryPassword(SECRET, PENDING, false), 'failed');
    assert.deepEqual(proactive.created, []);
    assert.deepEqual(proactive.calls, []);
  });

  it('stops waiting for a connector that does not answer when the click runs out of time', async () => {
    proactive.delay = new Promise(() => undefined);
    const chat = chatFrom('channel', AbortSignal.timeout(50));
    const started = Date.now();
    assert.deepEqual(await chat.open(), { reachable: false, reason: 'unavailable' });
    assert.ok(Date.now() - started < 1000);
  });

  it('puts the tenant in the conversation reference, for the tenant guard of the later turn', () => {
    const turn = turnIn('personal');
    (turn.activity as Partial<Activity>).conversation = {
      ...turn.activity.conversation,
      tenantId: undefined,
    };
    assert.equal(originOf(turn).conversation?.tenantId, TENANT_ID);
  });
});
