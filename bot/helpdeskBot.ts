import {
  type AdaptiveCardInvokeResponse,
  type AdaptiveCardInvokeValue,
  type BotState,
  CardFactory,
  MessageFactory,
  TeamsActivityHandler,
  TurnContext,
} from 'botbuilder';
import { DialogSet, DialogTurnStatus } from 'botbuilder-dialogs';
import { buildHelpCard } from '../cards';
import { RESET_PASSWORD_DIALOG, type ResetPasswordDialog } from '../dialogs/resetPasswordDialog';
import { cardSettingOf } from './activity';
import type { CardActionHandler } from './cardActions';
import { parseCommand } from './commands';
import type { Logger } from './logger';

/** Routes each turn: text to the conversation, card clicks to the card action handler. */
export class HelpdeskBot extends TeamsActivityHandler {
  private readonly dialogs: DialogSet;

  constructor(
    private readonly conversationState: BotState,
    dialog: ResetPasswordDialog,
    private readonly cardActions: CardActionHandler,
    private readonly logger: Logger,
  ) {
    super();
    this.dialogs = new DialogSet(conversationState.createProperty('dialogState'));
    this.dialogs.add(dialog);

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

  protected override async onAdaptiveCardInvoke(
    context: TurnContext,
    invokeValue: AdaptiveCardInvokeValue,
  ): Promise<AdaptiveCardInvokeResponse> {
    return this.cardActions.handle(context, invokeValue);
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
