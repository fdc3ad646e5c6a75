import {
  type Activity,
  ActivityEx,
  type ConversationParameters,
  type ConversationReference,
  TestAdapter,
  TurnContext,
} from 'botbuilder';
import type { ProactiveAdapter, TurnLogic } from '../../bot/proactive';

/** One thing the bot did outside a turn it was answering. */
export interface ProactiveCall {
  operation: 'send' | 'update';
  conversationId: string;
  activity: Partial<Activity>;
}

/** An error as the Bot Connector client throws it (`RestError`: name, code, statusCode, message). */
export function connectorError(statusCode: number, code: string, message = 'connector error'): Error {
  return Object.assign(new Error(message), { name: 'RestError', statusCode, code });
}

/**
 * `CloudAdapter.continueConversationAsync` / `createConversationAsync` in memory, with their trap kept: an
 * error thrown by the logic goes to the adapter's error handler (recorded in `turnErrors`), never to the
 * caller. Teams' answers are configurable.
 */
export class FakeProactiveAdapter implements ProactiveAdapter {
  readonly calls: ProactiveCall[] = [];
  readonly created: Array<{
    botAppId: string;
    channelId: string;
    serviceUrl: string;
    parameters: ConversationParameters;
  }> = [];
  readonly turnErrors: unknown[] = [];
  /** How the connector answers the creation of a 1:1 (Teams: the same `a:` id for the same member). */
  createConversation: (parameters: ConversationParameters) => Promise<{ id: string }> = (parameters) =>
    Promise.resolve({ id: `a:private-${parameters.members?.[0]?.id ?? 'nobody'}` });
  /** When set, every send (or update) in a proactive turn fails with it. */
  sendError?: Error;
  updateError?: Error;
  /** Resolves each connector call after this promise (a slow connector). */
  delay?: Promise<void>;

  private readonly adapter = new TestAdapter();

  async continueConversationAsync(
    _botAppId: string,
    reference: Partial<ConversationReference>,
    logic: TurnLogic,
  ): Promise<void> {
    await this.run(ActivityEx.getContinuationActivity(reference), logic);
  }

  async createConversationAsync(
    botAppId: string,
    channelId: string,
    serviceUrl: string,
    _audience: string,
    parameters: ConversationParameters,
    logic: TurnLogic,
  ): Promise<void> {
    this.created.push({ botAppId, channelId, serviceUrl, parameters });
    await this.delay;
    const { id } = await this.createConversation(parameters);
    await this.run(
      {
        type: 'event',
        name: 'CreateConversation',
        channelId,
        serviceUrl,
        conversation: { id, isGroup: false, conversationType: undefined as unknown as string, name: '' },
        recipient: parameters.bot,
        channelData: parameters.channelData as unknown,
      },
      logic,
    );
  }

  private async run(activity: Partial<Activity>, logic: TurnLogic): Promise<void> {
    const context = new TurnContext(this.adapter, activity);
    const conversationId = activity.conversation?.id ?? '';
    context.onSendActivities(async (_context, activities, next) => {
      await this.delay;
      for (const sent of activities) this.calls.push({ operation: 'send', conversationId, activity: sent });
      if (this.sendError) throw this.sendError;
      return next();
    });
    context.onUpdateActivity(async (_context, updated, next) => {
      await this.delay;
      this.calls.push({ operation: 'update', conversationId, activity: updated });
      if (this.updateError) throw this.updateError;
      return next();
    });
    try {
      await logic(context);
    } catch (error) {
      this.turnErrors.push(error);
    }
  }
}
