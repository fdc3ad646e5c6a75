import assert from 'node:assert/strict';
import { ConversationState, MemoryStorage, type Storage, TestAdapter } from 'botbuilder';
import { type Dialog, DialogSet, DialogTurnStatus, TextPrompt } from 'botbuilder-dialogs';
import { PlainTextPrompt } from '../../dialogs/plainTextPrompt';

const QUESTION = 'Which user?';
const withoutText = {
  type: 'message',
  attachments: [{ contentType: 'image/png', contentUrl: 'https://example.com/a.png' }],
};

/**
 * A bot whose only dialog is `prompt`: a turn with no dialog running asks the question; a turn that ends the
 * prompt records its result.
 */
function botWith(prompt: Dialog, storage: Storage = new MemoryStorage()) {
  const conversationState = new ConversationState(storage);
  const dialogs = new DialogSet(conversationState.createProperty('dialogState'));
  dialogs.add(prompt);
  const answers: unknown[] = [];
  const adapter = new TestAdapter(async (context) => {
    const dc = await dialogs.createContext(context);
    const turn = await dc.continueDialog();
    if (turn.status === DialogTurnStatus.empty) await dc.prompt('question', QUESTION);
    if (turn.status === DialogTurnStatus.complete) answers.push(turn.result);
    await conversationState.saveChanges(context);
  });
  return { adapter, answers };
}

describe('PlainTextPrompt', () => {
  it('asks its question and ends with the text of the next message', async () => {
    const sut = botWith(new PlainTextPrompt('question'));
    await sut.adapter.send('reset').assertReply(QUESTION).send('megan');
    assert.deepEqual(sut.answers, ['megan']);
  });

  it('ignores an activity that is not a message, and still ends with the next message', async () => {
    const sut = botWith(new PlainTextPrompt('question'));
    await sut.adapter
      .send('reset')
      .assertReply(QUESTION)
      .send({ type: 'event', name: 'something' })
      .send('megan');
    assert.deepEqual(sut.answers, ['megan']);
    // Every reply was asserted: the event got none.
    assert.deepEqual(sut.adapter.activeQueue, []);
  });

  it('asks again when a message has no text', async () => {
    const sut = botWith(new PlainTextPrompt('question'));
    await sut.adapter.send('reset').assertReply(QUESTION).send(withoutText).assertReply(QUESTION);
    assert.deepEqual(sut.answers, []);
  });

  it("answers a question botbuilder's TextPrompt asked before a deployment", async () => {
    const storage = new MemoryStorage();
    const before = botWith(new TextPrompt('question'), storage);
    await before.adapter.send('reset').assertReply(QUESTION);

    const sut = botWith(new PlainTextPrompt('question'), storage);
    await sut.adapter.send(withoutText).assertReply(QUESTION).send('megan');
    assert.deepEqual(sut.answers, ['megan']);
  });
});
