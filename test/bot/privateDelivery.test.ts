import assert from 'node:assert/strict';
import { type Activity, type ConversationParameters, TestAdapter, TurnContext } from 'botbuilder';
import sinon from 'sinon';
import { TeamsPrivateDelivery } from '../../bot/privateDelivery';
import { TENANT_ID } from '../support/teamsActivities';

const SECRET_CARD: Partial<Activity> = { type: 'message', text: 'the secret' };

function contextIn(conversationType: 'personal' | 'channel' | 'groupChat'): {
  context: TurnContext;
  adapter: TestAdapter;
} {
  const adapter = new TestAdapter();
  const context = new TurnContext(adapter, {
    type: 'invoke',
    channelId: 'msteams',
    serviceUrl: 'https://smba.example/teams/',
    from: { id: '29:alex', name: 'Alex Wilber', aadObjectId: 'e1a00000-0000-4000-8000-000000000001' },
    recipient: { id: '28:bot', name: 'Helpdesk Reset' },
    conversation: {
      id: conversationType === 'personal' ? 'a:1' : '19:support@thread.tacv2;messageid=1',
      isGroup: conversationType !== 'personal',
      conversationType,
      name: '',
    },
    channelData: { tenant: { id: TENANT_ID } },
  });
  return { context, adapter };
}

describe('TeamsPrivateDelivery', () => {
  it('answers in the same conversation when it is already the 1:1 chat', async () => {
    const { context } = contextIn('personal');
    const send = sinon.stub(context, 'sendActivity').resolves(undefined);
    await new TeamsPrivateDelivery('').sendToRequester(context, SECRET_CARD);
    sinon.assert.calledOnceWithExactly(send, SECRET_CARD);
  });

  for (const conversationType of ['channel', 'groupChat'] as const) {
    it(`never posts in a ${conversationType}: it opens the requester's 1:1 chat instead`, async () => {
      const { context, adapter } = contextIn(conversationType);
      const postedHere = sinon.stub(context, 'sendActivity').resolves(undefined);
      const privateContext = {
        activity: { conversation: { id: 'a:private' } },
        sendActivity: sinon.stub().resolves(undefined),
      };
      const create = sinon
        .stub()
        .callsFake(
          async (
            _appId: string,
            _channel: string,
            _url: string,
            _audience: string,
            _params: ConversationParameters,
            logic: (ctx: unknown) => Promise<void>,
          ) => {
            await logic(privateContext);
          },
        );
      Object.assign(adapter, { createConversationAsync: create });

      await new TeamsPrivateDelivery('app-id').sendToRequester(context, SECRET_CARD);

      sinon.assert.notCalled(postedHere);
      sinon.assert.calledOnce(create);
      const [appId, channelId, serviceUrl, , parameters] = create.firstCall.args as [
        string,
        string,
        string,
        string,
        ConversationParameters,
      ];
      assert.deepEqual([appId, channelId, serviceUrl], ['app-id', 'msteams', 'https://smba.example/teams/']);
      assert.equal(parameters.isGroup, false);
      assert.deepEqual(parameters.members, [{ id: '29:alex', name: 'Alex Wilber' }]);
      assert.equal(parameters.tenantId, TENANT_ID);
      sinon.assert.calledOnceWithExactly(privateContext.sendActivity, SECRET_CARD);
    });
  }

  it('refuses to send if the connector hands back the channel conversation', async () => {
    const { context, adapter } = contextIn('channel');
    const privateContext = {
      activity: { conversation: { id: context.activity.conversation.id } },
      sendActivity: sinon.stub(),
    };
    Object.assign(adapter, {
      createConversationAsync: async (...args: unknown[]) => {
        const logic = args[5] as (ctx: unknown) => Promise<void>;
        await logic(privateContext);
      },
    });
    await assert.rejects(
      new TeamsPrivateDelivery('').sendToRequester(context, SECRET_CARD),
      /originating conversation/,
    );
    sinon.assert.notCalled(privateContext.sendActivity);
  });
});
