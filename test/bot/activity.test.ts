import assert from 'node:assert/strict';
import { type Activity, TestAdapter, TurnContext } from 'botbuilder';
import { cardSettingOf, requesterOf } from '../../bot/activity';

function contextWith(activity: Partial<Activity>): TurnContext {
  return new TurnContext(new TestAdapter(), { type: 'message', ...activity });
}

describe('reading an activity', () => {
  it("reads the requester's Entra object id, name and Teams user id", () => {
    const requester = requesterOf(
      contextWith({ from: { id: '29:alex', name: ' Alex Wilber ', aadObjectId: 'e1a0-alex' } }),
    );
    assert.deepEqual(requester, { aadObjectId: 'e1a0-alex', name: 'Alex Wilber', teamsId: '29:alex' });
  });

  it('leaves out a Teams user id that cannot be one, so that no card addresses it', () => {
    for (const id of ['', 'x'.repeat(201)]) {
      const requester = requesterOf(contextWith({ from: { id, name: 'Alex Wilber' } }));
      assert.equal(requester.teamsId, undefined);
    }
  });

  it('reads the kind of conversation and the bot name for cards and prompts', () => {
    const setting = cardSettingOf(
      contextWith({
        conversation: { id: '19:x', conversationType: 'channel', isGroup: true, name: '' },
        recipient: { id: '28:bot', name: 'Helpdesk Reset' },
      }),
    );
    assert.deepEqual(setting, { conversation: 'channel', mention: '@Helpdesk Reset' });
  });
});
