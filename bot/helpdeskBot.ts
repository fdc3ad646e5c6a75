import {
  type AdaptiveCardInvokeResponse,
  type AdaptiveCardInvokeValue,
  type BotState,
  CardFactory,
  type InvokeResponse,
  MessageFactory,
  type SigninStateVerificationQuery,
  TeamsActivityHandler,
  TurnContext,
} from 'botbuilder';
import { buildHelpCard } from '../cards';
import { DialogSet, DialogTurnStatus } from '../dialogs/botbuilderDialogs';
import { RESET_PASSWORD_DIALOG, type ResetPasswordDialog } from '../dialogs/resetPasswordDialog';
import { SIGN_IN_DIALOG, type SignInDialog, type SignInDialogOptions } from '../dialogs/signInDialog';
import { cardSettingOf } from './activity';
import { AgentTokens } from './agentTokens';
import { type CardActionHandler, malformedCardInvoke } from './cardActions';
import { parseCommand } from './commands';
import type { Logger } from './logger';

/** Agent mode: the sign-in dialog run on its own (in a 1:1 chat) and the agents' tokens. */
export interface BotSignIn {
  dialog: SignInDialog;
  tokens: AgentTokens;
}

/**
 * The invokes the bot answers: card clicks (Universal Actions) and, in agent mode, Teams' sign-in (in bot mode
 * botbuilder answers those 501).
 */
const IMPLEMENTED_INVOKES = new Set<string | undefined>([
  'adaptiveCard/action',
  'signin/verifyState',
  'signin/tokenExchange',
]);

/** Routes each turn: text to the conversation, card clicks to the card action handler. */
export class HelpdeskBot extends TeamsActivityHandler {
  private readonly dialogs: DialogSet;

  constructor(
    private readonly conversationState: BotState,
    dialog: ResetPasswordDialog,
    private readonly cardActions: CardActionHandler,
    private readonly logger: Logger,
    private readonly signIn?: BotSignIn,
  ) {
    super();
    this.dialogs = new DialogSet(conversationState.createProperty('dialogState'));
    this.dialogs.add(dialog);
    if (signIn) this.dialogs.add(signIn.dialog);

    this.onMessage(async (context, next) => {
      await this.handleMessage(context);
      await next();
    });
    this.onMembersAdded(async (context, next) => {
      const botJoined = context.activity.membersAdded?.some(
        (member) => member.id === context.activity.recipient.id,
      );
      if (botJoined && context.activity.conversation.conversationType === 'personal') {
        await context.sendActivity(MessageFactory.attachment(CardFactory.adaptiveCard(buildHelpCard())));
      }
      await next();
    });
  }

  override async run(context: TurnContext): Promise<void> {
    await super.run(context);
    await this.conversationState.saveChanges(context, false);
  }

  /**
   * Starts the sign-in in a turn of the requester's 1:1 chat (`PrivateSignIn`), replacing whatever was under
   * way there: its card and the answer to it belong to that chat.
   */
  async beginSignIn(privateTurn: TurnContext, options: SignInDialogOptions): Promise<void> {
    const dialogContext = await this.dialogs.createContext(privateTurn);
    await dialogContext.cancelAllDialogs();
    await dialogContext.beginDialog(SIGN_IN_DIALOG, options);
    await this.conversationState.saveChanges(privateTurn, false);
  }

  /** Teams: the agent signed in through the card's button; the code in `state` redeems the token. */
  protected override async handleTeamsSigninVerifyState(
    context: TurnContext,
    query: SigninStateVerificationQuery,
  ): Promise<void> {
    if (!this.signIn) return super.handleTeamsSigninVerifyState(context, query);
    await this.continueSignIn(context);
  }

  /**
   * Teams single sign-on: Teams exchanged the agent's Teams token for ours (the token exchange middleware did
   * the exchange and answered a failure with 412, so that Teams shows the sign-in button instead).
   */
  protected override async handleTeamsSigninTokenExchange(
    context: TurnContext,
    query: SigninStateVerificationQuery,
  ): Promise<void> {
    if (!this.signIn) return super.handleTeamsSigninTokenExchange(context, query);
    await this.continueSignIn(context);
  }

  private async continueSignIn(context: TurnContext): Promise<void> {
    const dialogContext = await this.dialogs.createContext(context);
    const result = await dialogContext.continueDialog();
    // No sign-in waits here (it timed out, or was replaced): the token, if any, stays with the token service
    // and the next reset finds it.
    if (result.status === DialogTurnStatus.empty)
      this.logger.info('a sign-in arrived with no prompt waiting');
  }

  /**
   * Invokes the bot does not implement are answered 501 (`NotImplemented`, as botbuilder answers them) before
   * botbuilder's Teams handlers read their `value` unchecked; a malformed card click is answered with the
   * Universal Actions error response before botbuilder reads it.
   */
  protected override async onInvokeActivity(context: TurnContext): Promise<InvokeResponse> {
    const { name } = context.activity;
    if (!IMPLEMENTED_INVOKES.has(name)) {
      this.logger.debug(
        { invoke: typeof name === 'string' ? name.slice(0, 60) : null },
        'invoke not implemented',
      );
      return { status: 501 };
    }
    if (name === 'adaptiveCard/action') {
      const malformed = malformedCardInvoke(context.activity.value);
      if (malformed) {
        this.logger.warn({ reason: 'malformed-card-action' }, 'rejected a card action');
        return { status: malformed.statusCode, body: malformed };
      }
    }
    return super.onInvokeActivity(context);
  }

  protected override async onAdaptiveCardInvoke(
    context: TurnContext,
    invokeValue: AdaptiveCardInvokeValue,
  ): Promise<AdaptiveCardInvokeResponse> {
    return this.cardActions.handle(context, invokeValue);
  }

  private async signOut(context: TurnContext): Promise<void> {
    if (!this.signIn) {
      await context.sendActivity(
        'I reset passwords with my own identity here, so there is nothing to sign out of.',
      );
      return;
    }
    const signedOut = await this.signIn.tokens.signOut(AgentTokens.holderOf(context));
    await context.sendActivity(
      signedOut
        ? 'You are signed out. I will ask you to sign in again before your next reset.'
        : 'I could not sign you out just now. Please try again in a minute.',
    );
  }

  private async handleMessage(context: TurnContext): Promise<void> {
    const text =
      typeof context.activity.text === 'string' ? TurnContext.removeRecipientMention(context.activity) : '';
    const { mention, conversation } = cardSettingOf(context);
    // In a channel or group chat Teams passes on only messages that @mention the bot: say so in every hint.
    const say = (command: string) =>
      conversation === 'personal' ? `"${command}"` : `"${mention} ${command}"`;
    if (!text?.trim()) {
      // Card submissions of old clients arrive as text-less messages; our cards use Universal Actions.
      await context.sendActivity(`Please use the buttons on the latest card, or send ${say('help')}.`);
      return;
    }
    const dialogContext = await this.dialogs.createContext(context);
    const command = parseCommand(text);
    switch (command.kind) {
      case 'help':
        await dialogContext.cancelAllDialogs();
        await context.sendActivity(MessageFactory.attachment(CardFactory.adaptiveCard(buildHelpCard())));
        return;
      case 'cancel':
        await dialogContext.cancelAllDialogs();
        await context.sendActivity('OK, nothing was changed.');
        return;
      case 'sign-out':
        await dialogContext.cancelAllDialogs();
        await this.signOut(context);
        return;
      case 'reset':
        await dialogContext.cancelAllDialogs();
        await dialogContext.beginDialog(RESET_PASSWORD_DIALOG, { query: command.query });
        return;
      case 'other': {
        const result = await dialogContext.continueDialog();
        if (result.status === DialogTurnStatus.empty) {
          this.logger.debug('message outside a conversation');
          await context.sendActivity(
            `I reset passwords for helpdesk administrators. Try ${say('reset password for megan')}, ` +
              `or send ${say('help')}.`,
          );
        }
        return;
      }
    }
  }
}
