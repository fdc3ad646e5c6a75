import assert from 'node:assert/strict';
import { TestAdapter, TurnContext } from 'botbuilder';
import { PerUserConversationState } from '../../bot/conversationState';
import { RECORD_LIFETIMES_MS, recordLifetimes } from '../../storage/recordLifetimes';
import { MemoryStateStore } from '../support/memoryStateStore';

describe('record lifetimes', () => {
  it('keeps a card record for its 15 minutes and an hour more, a counter for a day and a bit', () => {
    assert.equal(recordLifetimes('pending-actions/7d0a3b54-1c2d-4e5f-8a9b-0c1d2e3f4a5b'), 75 * 60 * 1000);
    assert.equal(recordLifetimes('rate-limits/agent:e1a0'), RECORD_LIFETIMES_MS.rateCounter);
    assert.ok(RECORD_LIFETIMES_MS.rateCounter > 24 * 60 * 60 * 1000);
  });

  it('knows conversation state by the key PerUserConversationState writes', async () => {
    const store = new MemoryStateStore();
    const state = new PerUserConversationState(store);
    const context = new TurnContext(new TestAdapter(), {
      type: 'message',
      channelId: 'msteams',
      conversation: {
        id: '19:abc@thread.tacv2;messageid=17',
        isGroup: true,
        conversationType: 'channel',
        name: '',
      },
      from: { id: '29:alex', name: 'Alex' },
      recipient: { id: '28:bot', name: 'bot' },
    });
    await state.load(context);
    state.createProperty('dialogState');
    await state.saveChanges(context, true);
    const keys = store.keys;
    assert.equal(keys.length, 1);
    assert.equal(recordLifetimes(keys[0] ?? ''), RECORD_LIFETIMES_MS.conversationState, keys[0]);
  });

  it('keeps anything else a day', () => {
    assert.equal(recordLifetimes('msteams/a:1/exchange-id'), RECORD_LIFETIMES_MS.other);
  });
});
