import { BotState, type Storage, type TurnContext } from 'botbuilder';

/**
 * Conversation state per person: in a channel thread every member shares one conversation id, and one
 * agent's half-finished question must not capture another agent's reply. Keyed by conversation and sender.
 */
export class PerUserConversationState extends BotState {
  constructor(storage: Storage) {
    super(storage, (context: TurnContext) => {
      const { channelId, conversation, from } = context.activity;
      if (!channelId || !conversation?.id || !from?.id) {
        return Promise.reject(
          new Error('PerUserConversationState: activity lacks channelId, conversation.id or from.id'),
        );
      }
      return Promise.resolve(`${channelId}/conversations/${conversation.id}/users/${from.id}/state`);
    });
  }
}
