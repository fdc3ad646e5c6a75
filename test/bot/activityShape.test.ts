import assert from 'node:assert/strict';
import { shapeProblemOf } from '../../bot/activityShape';
import { ALEX, BOT, CHANNEL_THREAD, PERSONAL_CHAT, TENANT_ID } from '../support/botOverHttp';

/** What Teams (and the Agents Playground, which copies Teams' shapes) posts to the bot. */
const SERVICE_URL = 'https://smba.trafficmanager.net/emea/';
const personalMessage = {
  type: 'message',
  id: '1700000000001',
  timestamp: '2024-05-01T10:00:00.000Z',
  localTimestamp: '2024-05-01T12:00:00.000+02:00',
  serviceUrl: SERVICE_URL,
  channelId: 'msteams',
  from: ALEX,
  conversation: { conversationType: 'personal', tenantId: TENANT_ID, id: PERSONAL_CHAT },
  recipient: BOT,
  textFormat: 'plain',
  locale: 'en-US',
  text: 'reset megan',
  entities: [
    { type: 'clientInfo', locale: 'en-US', country: 'US', platform: 'Web', timezone: 'Europe/Paris' },
  ],
  channelData: { tenant: { id: TENANT_ID } },
};
const channelMention = {
  ...personalMessage,
  conversation: { isGroup: true, conversationType: 'channel', tenantId: TENANT_ID, id: CHANNEL_THREAD },
  text: '<at>Helpdesk Reset</at> reset megan',
  entities: [{ type: 'mention', text: '<at>Helpdesk Reset</at>', mentioned: BOT }],
  channelData: {
    teamsChannelId: '19:helpdesk@thread.tacv2',
    teamsTeamId: '19:team@thread.tacv2',
    channel: { id: '19:helpdesk@thread.tacv2' },
    team: { id: '19:team@thread.tacv2' },
    tenant: { id: TENANT_ID },
  },
};
const cardClick = {
  ...personalMessage,
  type: 'invoke',
  name: 'adaptiveCard/action',
  text: undefined,
  replyToId: '1700000000000',
  value: { action: { type: 'Action.Execute', id: 'a', verb: 'confirmReset', data: {} }, trigger: 'manual' },
};
const botInstalled = {
  ...personalMessage,
  type: 'conversationUpdate',
  text: undefined,
  membersAdded: [{ id: BOT.id }, { id: ALEX.id, aadObjectId: ALEX.aadObjectId }],
};
const playgroundMessage = {
  ...personalMessage,
  serviceUrl: 'http://localhost:56150/_connector',
  deliveryMode: 'normal',
};

describe('the shape every activity must have (bot/activityShape.ts)', () => {
  const accepted: Array<[string, unknown]> = [
    ['a 1:1 message', personalMessage],
    ['a channel message that @mentions the bot', channelMention],
    ['a card click', cardClick],
    ['the bot being installed', botInstalled],
    ['a message from the Agents Playground', playgroundMessage],
    ['an unknown field', { ...personalMessage, somethingNew: { nested: [1, 2] } }],
    [
      'a tenant id of the wrong type (left to the tenant guard)',
      { ...personalMessage, channelData: { tenant: { id: 7 } } },
    ],
  ];
  for (const [name, activity] of accepted) {
    it(`accepts ${name}`, () => assert.equal(shapeProblemOf(activity), undefined));
  }

  const refused: Array<[string, unknown, string | undefined]> = [
    ['a body that is a string', 'reset megan', undefined],
    ['a body that is an array', [personalMessage], undefined],
    ['a body that is null', null, undefined],
    ['no type', { ...personalMessage, type: undefined }, 'type'],
    ['an empty type', { ...personalMessage, type: '' }, 'type'],
    ['a type that is a number', { ...personalMessage, type: 1 }, 'type'],
    ['no serviceUrl', { ...personalMessage, serviceUrl: undefined }, 'serviceUrl'],
    ['a serviceUrl that is a number', { ...personalMessage, serviceUrl: 42 }, 'serviceUrl'],
    [
      'a serviceUrl that is not http(s)',
      { ...personalMessage, serviceUrl: 'file:///etc/passwd' },
      'serviceUrl',
    ],
    ['a from that is a string', { ...personalMessage, from: 'alex' }, 'from'],
    ['a from.id that is an object', { ...personalMessage, from: { id: {} } }, 'from.id'],
    ['no recipient', { ...personalMessage, recipient: undefined }, 'recipient'],
    ['a conversation that is an array', { ...personalMessage, conversation: [] }, 'conversation'],
    [
      'a conversation tenant that is a number',
      { ...personalMessage, conversation: { id: 'a', tenantId: 7 } },
      'conversation.tenantId',
    ],
    ['an id of 2,000 characters', { ...personalMessage, id: 'x'.repeat(2_000) }, 'id'],
    ['channelData that is a string', { ...personalMessage, channelData: 'x' }, 'channelData'],
    ['entities that are not a list', { ...personalMessage, entities: {} }, 'entities'],
    ['an entity without a type', { ...personalMessage, entities: [{ text: 'x' }] }, 'entities.0.type'],
    [
      'a mention that names nobody',
      { ...channelMention, entities: [{ type: 'Mention', text: 'x' }] },
      'entities.0',
    ],
    ['text that is a number', { ...personalMessage, text: 5 }, 'text'],
    ['an invoke name that is a number', { ...cardClick, name: 5 }, 'name'],
    ['membersAdded of the wrong type', { ...botInstalled, membersAdded: [7] }, 'membersAdded.0'],
  ];
  for (const [name, body, field] of refused) {
    it(`refuses ${name}`, () => {
      const problem = shapeProblemOf(body);
      assert.ok(problem, 'refused');
      assert.equal(problem.field, field);
    });
  }

  it('refuses deliveryMode expectReplies, and nothing else about deliveryMode but its type', () => {
    assert.deepEqual(shapeProblemOf({ ...personalMessage, deliveryMode: 'expectReplies' }), {
      reason: 'expect-replies-unsupported',
    });
    assert.equal(shapeProblemOf({ ...personalMessage, deliveryMode: 'notification' }), undefined);
    assert.equal(shapeProblemOf({ ...personalMessage, deliveryMode: 1 })?.field, 'deliveryMode');
  });
});
