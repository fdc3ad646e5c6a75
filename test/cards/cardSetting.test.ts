import assert from 'node:assert/strict';
import { askToType, cardSetting } from '../../cards';

describe('cardSetting', () => {
  it('tells a 1:1 chat from a group chat and a channel, by the conversationType Teams sends', () => {
    assert.equal(cardSetting('personal', 'Helpdesk Reset').conversation, 'personal');
    assert.equal(cardSetting('groupChat', 'Helpdesk Reset').conversation, 'groupChat');
    assert.equal(cardSetting('channel', 'Helpdesk Reset').conversation, 'channel');
    assert.equal(cardSetting(undefined, 'Helpdesk Reset').conversation, 'personal');
  });

  it("mentions the bot by the name Teams gives it, or the app's name when there is no usable one", () => {
    assert.equal(cardSetting('channel', ' Reset Bot ').mention, '@Reset Bot');
    for (const name of [undefined, '', '   ', 42, 'x'.repeat(61)]) {
      assert.equal(cardSetting('channel', name).mention, '@Helpdesk Reset', String(name));
    }
  });
});

describe('askToType', () => {
  const examples = ['megan', 'megan@contoso.com'];

  it('in a 1:1 chat, asks to type', () => {
    assert.equal(
      askToType(cardSetting('personal', 'Helpdesk Reset'), 'their name', examples),
      'Type their name (for example megan or megan@contoso.com).',
    );
  });

  it('in a group chat, asks for a reply that @mentions the bot, which Teams needs to deliver it', () => {
    assert.equal(
      askToType(cardSetting('groupChat', 'Helpdesk Reset'), 'their name', examples),
      'Reply with @Helpdesk Reset and their name ' +
        '(for example @Helpdesk Reset megan or @Helpdesk Reset megan@contoso.com).',
    );
  });

  it('in a channel, asks for that reply in the same thread, which is the same conversation', () => {
    assert.match(
      askToType(cardSetting('channel', 'Helpdesk Reset'), 'their name', examples),
      /^Reply in this thread with @Helpdesk Reset and their name \(for example @Helpdesk Reset megan/,
    );
  });
});
