import type { ConversationReference, TurnContext } from 'botbuilder';
import type { SignInDialogOptions } from '../dialogs/signInDialog';
import { describeError } from './errorShape';
import type { Logger } from './logger';
import type { ProactiveAdapter } from './proactive';
import { TeamsPrivateChat } from './privateDelivery';

/** Starts the sign-in dialog in a turn of the 1:1 chat (`HelpdeskBot.beginSignIn`). */
export type BeginSignIn = (privateTurn: TurnContext, options: SignInDialogOptions) => Promise<void>;

/**
 * Sends the sign-in card to the requester's 1:1 chat: from a channel (Teams shows no sign-in card and offers
 * no single sign-on there) and from a click (an invoke cannot prompt). The sign-in then runs as a dialog of
 * that chat, so Teams' `signin/verifyState` or `signin/tokenExchange`, or a typed code, completes it there, and
 * only the requester, whose chat it is, sees the card.
 */
export class PrivateSignIn {
  constructor(
    private readonly adapter: ProactiveAdapter,
    private readonly botAppId: string,
    private readonly begin: BeginSignIn,
    private readonly logger: Logger,
  ) {}

  /**
   * @param origin where the requester asked (`originOf`): a reference, so this may run after that turn.
   * @returns false when the 1:1 chat could not be reached (the reason is logged).
   */
  async send(origin: Partial<ConversationReference>, whenSignedIn: string): Promise<boolean> {
    const chat = new TeamsPrivateChat(this.adapter, this.botAppId, origin, this.logger);
    try {
      await chat.asRequesterInPrivateChat((privateTurn) => this.begin(privateTurn, { whenSignedIn }));
      return true;
    } catch (error) {
      this.logger.warn({ error: describeError(error) }, 'could not send the sign-in to the private chat');
      return false;
    }
  }
}
