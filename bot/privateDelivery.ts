import type { Activity, CloudAdapter, ConversationParameters, TurnContext } from 'botbuilder';
import { readTenantId } from './activity';

/**
 * Sends something for the requester's eyes only: always to their 1:1 chat with the bot, never to the
 * channel or group chat the request came from. The temporary password travels only through here.
 */
export interface PrivateDelivery {
  sendToRequester(context: TurnContext, activity: Partial<Activity>): Promise<void>;
}

export class TeamsPrivateDelivery implements PrivateDelivery {
  /** @param botAppId `MicrosoftAppId`, or '' when Bot Framework authentication is off (local clients). */
  constructor(private readonly botAppId: string) {}

  async sendToRequester(context: TurnContext, activity: Partial<Activity>): Promise<void> {
    const incoming = context.activity;
    if (incoming.conversation?.conversationType === 'personal') {
      await context.sendActivity(activity);
      return;
    }

    // Anywhere else, open (or reuse: Teams makes this idempotent) the 1:1 chat with the requester.
    const tenantId = readTenantId(incoming);
    if (!tenantId || !incoming.from?.id || !incoming.serviceUrl) {
      throw new Error('Cannot open a private chat: the activity lacks tenant, sender or service URL');
    }
    const parameters: Partial<ConversationParameters> = {
      isGroup: false,
      bot: incoming.recipient,
      members: [{ id: incoming.from.id, name: incoming.from.name }],
      tenantId,
      channelData: { tenant: { id: tenantId } },
    };
    const origin = incoming.conversation.id;
    await (context.adapter as CloudAdapter).createConversationAsync(
      this.botAppId,
      incoming.channelId,
      incoming.serviceUrl,
      // null selects the Bot Framework's default audience (the typings say string, the code accepts null).
      null as unknown as string,
      parameters as ConversationParameters,
      async (privateContext) => {
        if (privateContext.activity.conversation?.id === origin) {
          throw new Error('The connector returned the originating conversation instead of a 1:1 chat');
        }
        await privateContext.sendActivity(activity);
      },
    );
  }
}
