import { CardFactory, type ConversationReference, MessageFactory } from 'botbuilder';
import type { AdaptiveCardJson } from '../cards';
import { describeError } from './errorShape';
import type { Logger } from './logger';
import { inProactiveTurn, type ProactiveAdapter } from './proactive';

/**
 * Changes a card after the turn of its click has ended: the click was answered at once ("Resetting…"), and the
 * outcome replaces the card later, for everyone who sees it. The card never carries a password.
 */
export class OriginCards {
  /** @param botAppId `MicrosoftAppId`, or '' when Bot Framework authentication is off (local clients). */
  constructor(
    private readonly adapter: ProactiveAdapter,
    private readonly botAppId: string,
    private readonly logger: Logger,
  ) {}

  /**
   * Replaces the card `cardActivityId` in the conversation the click came from. If Teams will not update it
   * (a split message, a deleted card), the outcome is posted there as a new card instead: the clicker's own
   * view still says "Resetting…" and must not stay that way.
   */
  async replace(
    origin: Partial<ConversationReference>,
    cardActivityId: string | undefined,
    card: AdaptiveCardJson,
  ): Promise<void> {
    const message = MessageFactory.attachment(CardFactory.adaptiveCard(card));
    if (cardActivityId) {
      try {
        await this.inOrigin(origin, (context) => context.updateActivity({ ...message, id: cardActivityId }));
        return;
      } catch (error) {
        this.logger.warn(
          { error: describeError(error) },
          'could not update the card; posting the outcome instead',
        );
      }
    }
    try {
      await this.inOrigin(origin, (context) => context.sendActivity(message));
    } catch (error) {
      this.logger.error({ error: describeError(error) }, 'could not show the outcome of a card action');
    }
  }

  private inOrigin<T>(
    origin: Partial<ConversationReference>,
    logic: Parameters<typeof inProactiveTurn<T>>[1],
  ): Promise<T> {
    return inProactiveTurn(
      (turn) => this.adapter.continueConversationAsync(this.botAppId, origin, turn),
      logic,
    );
  }
}
