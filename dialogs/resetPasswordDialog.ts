import { CardFactory, MessageFactory, type TurnContext } from 'botbuilder';
import {
  ComponentDialog,
  type DialogTurnResult,
  WaterfallDialog,
  type WaterfallStepContext,
} from './botbuilderDialogs';
import {
  type AdaptiveCardJson,
  askToType,
  type CardSetting,
  cardSetting,
  failureCard,
  noMatchCard,
  pickerCards,
  preparationCards,
  refusalCard,
} from '../cards';
import {
  checkRequesterMayUseBot,
  findResetTarget,
  type Requester,
  type ResetDependencies,
  type StepFailure,
} from '../core/resets';

import { PlainTextPrompt } from './plainTextPrompt';
import { SIGN_IN_DIALOG, type SignInDialog } from './signInDialog';

export const RESET_PASSWORD_DIALOG = 'resetPasswordDialog';
const WHICH_USER_PROMPT = 'whichUserPrompt';
const RESET_WATERFALL = 'resetPasswordWaterfall';

export interface ResetPasswordDialogOptions {
  /** The user named in the message that started the conversation, if any. */
  query?: string;
  /** Set when looping after a failed search, so the requester is not looked up again before the question. */
  requesterChecked?: boolean;
  /** A picker is showing: wait quietly for a more specific name typed instead of a click. */
  awaitingRefinement?: boolean;
}

/** Where the dialog writes what went wrong (the bot's logger fits). */
export interface DialogLog {
  warn(fields: Record<string, unknown>, message: string): void;
}

/**
 * What one step works with, supplied by the Teams layer: who is asking (read from the activity) and the use
 * cases' dependencies, held to the turn's time budget (Bot Service waits only seconds for a turn's answer).
 */
export type StepWork = (context: TurnContext) => { requester: Requester; deps: ResetDependencies };

/** Agent mode: the requester signs in before anything else, so that the reset can be made as them. */
export interface RequesterSignIn {
  dialog: SignInDialog;
  /** Whether the sender is signed in as themselves (asked silently where no sign-in card may be shown). */
  isSignedIn(context: TurnContext): Promise<boolean>;
  /** Sends the sign-in to the sender's 1:1 chat; false when that chat cannot be reached. */
  sendPrivately(context: TurnContext, whenSignedIn: string): Promise<boolean>;
}

/**
 * Which user? → hand the name to the use case → show what it returns: a picker, a refusal or the
 * confirmation card. The reset itself happens when the card's button is clicked (bot/cardActions.ts).
 */
export class ResetPasswordDialog extends ComponentDialog {
  constructor(
    private readonly workFor: StepWork,
    private readonly log: DialogLog,
    private readonly signIn?: RequesterSignIn,
  ) {
    super(RESET_PASSWORD_DIALOG);
    this.addDialog(new PlainTextPrompt(WHICH_USER_PROMPT));
    if (signIn) this.addDialog(signIn.dialog);
    this.addDialog(
      new WaterfallDialog(RESET_WATERFALL, [
        this.signInStep.bind(this),
        this.checkRequesterStep.bind(this),
        this.askWhichUserStep.bind(this),
        this.findUserStep.bind(this),
      ]),
    );
    this.initialDialogId = RESET_WATERFALL;
  }

  /**
   * Agent mode: sign in first (once; the token service keeps the token). Teams shows a sign-in card, and
   * offers single sign-on, in 1:1 and group chats only: from a channel the card goes to the 1:1 chat.
   */
  private async signInStep(
    step: WaterfallStepContext<ResetPasswordDialogOptions>,
  ): Promise<DialogTurnResult> {
    if (!this.signIn || step.options?.requesterChecked) return step.next(true);
    const { conversation, mention } = settingOf(step.context);
    if (conversation !== 'channel') return step.beginDialog(SIGN_IN_DIALOG);
    if (await this.signIn.isSignedIn(step.context)) return step.next(true);
    const sent = await this.signIn.sendPrivately(
      step.context,
      `You're signed in. Go back to the channel and ask me again there ("${mention} reset password for …").`,
    );
    await step.context.sendActivity(
      sent
        ? 'To reset passwords I act as you, so you need to sign in first. I have sent you a sign-in card in our private chat: sign in there, then ask me here again.'
        : 'To reset passwords I act as you, so you need to sign in first, in our private chat; but I could not open it. Open a chat with me (the Apps list in Teams), sign in there, then ask me here again.',
    );
    return step.endDialog();
  }

  /**
   * Before asking a question, make sure the requester may use the bot at all. A message that already names
   * the user skips this: the search checks the requester in the same round trip.
   */
  private async checkRequesterStep(
    step: WaterfallStepContext<ResetPasswordDialogOptions>,
  ): Promise<DialogTurnResult> {
    // The sign-in ended without a token of the requester's own; it said why.
    if (step.result !== true) return step.endDialog();
    const options = step.options ?? {};
    if (options.query || options.requesterChecked) return step.next(options.query);
    const { requester, deps } = this.workFor(step.context);
    const check = await checkRequesterMayUseBot(requester, deps);
    if (check.kind === 'allowed') return step.next();
    if (check.kind === 'refused') await sendCard(step.context, refusalCard(check.refusal));
    else await this.sendFailure(step.context, check);
    return step.endDialog();
  }

  /**
   * Ask which user, unless the message already named one. In a channel or group chat Teams delivers the
   * answer only if it @mentions the bot, so the question says so.
   */
  private async askWhichUserStep(
    step: WaterfallStepContext<ResetPasswordDialogOptions>,
  ): Promise<DialogTurnResult> {
    const query = step.result as string | undefined;
    if (query) return step.next(query);
    if (step.options?.awaitingRefinement) return step.prompt(WHICH_USER_PROMPT, {});
    const how = askToType(settingOf(step.context), 'their name or user principal name', [
      'megan',
      'megan@contoso.com',
    ]);
    return step.prompt(WHICH_USER_PROMPT, { prompt: `Which user? ${how}` });
  }

  /** Hand the name to the use case and show its answer. */
  private async findUserStep(
    step: WaterfallStepContext<ResetPasswordDialogOptions>,
  ): Promise<DialogTurnResult> {
    const { requester, deps } = this.workFor(step.context);
    const found = await findResetTarget(
      requester,
      String(step.result ?? ''),
      step.context.activity.conversation.id,
      deps,
    );
    switch (found.kind) {
      case 'invalid-query':
        await step.context.sendActivity(
          'That does not look like a name or a user principal name. Please type a name of up to 100 characters.',
        );
        return step.replaceDialog(this.id, { requesterChecked: true });
      case 'none':
        await sendCard(step.context, noMatchCard(found.query));
        return step.replaceDialog(this.id, { requesterChecked: true });
      case 'choose':
        await sendCard(step.context, pickerCards(found, settingOf(step.context)).posted);
        // The card invites a more specific name; a click on it is handled apart, from server-side state.
        return step.replaceDialog(this.id, { requesterChecked: true, awaitingRefinement: true });
      case 'failed':
        await this.sendFailure(step.context, found);
        return step.endDialog();
      case 'refused':
      case 'ready':
        await sendCard(step.context, preparationCards(found, settingOf(step.context)).posted);
        return step.endDialog();
    }
  }

  /** Nothing is allowed on an error (the rules fail closed); the requester gets guidance and the request-id. */
  private async sendFailure(context: TurnContext, failure: StepFailure): Promise<void> {
    this.log.warn(
      { kind: failure.error.kind, graphRequestId: failure.error.requestId, action: failure.doing },
      'directory step failed',
    );
    await sendCard(context, failureCard(failure));
  }
}

/** A 1:1 chat, or a channel or group chat (where everyone sees the cards and replies need an @mention). */
function settingOf(context: TurnContext): CardSetting {
  const { conversation, recipient } = context.activity;
  return cardSetting(conversation?.conversationType, recipient?.name);
}

async function sendCard(context: TurnContext, card: AdaptiveCardJson): Promise<void> {
  await context.sendActivity(MessageFactory.attachment(CardFactory.adaptiveCard(card)));
}
