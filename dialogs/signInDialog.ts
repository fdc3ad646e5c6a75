import type { TurnContext } from 'botbuilder';
import {
  ComponentDialog,
  type DialogTurnResult,
  OAuthPrompt,
  WaterfallDialog,
  type WaterfallStepContext,
} from './botbuilderDialogs';

export const SIGN_IN_DIALOG = 'signInDialog';
const OAUTH_PROMPT = 'agentOAuthPrompt';
const SIGN_IN_WATERFALL = 'signInWaterfall';

/** How long a sign-in card waits for the agent (botbuilder's default is 15 minutes). */
const SIGN_IN_TIMEOUT_MS = 10 * 60 * 1000;

/** What the sign-in needs from the Teams layer: whose a token is, and forgetting one. */
export interface SignInChecks {
  /** Whether `token` was issued to the turn's sender in our tenant. */
  isSendersOwn(context: TurnContext, token: string): boolean;
  signOut(context: TurnContext): Promise<void>;
}

export interface SignInDialogOptions {
  /** Said once signed in, when the sign-in was opened from elsewhere (a channel, a click). */
  whenSignedIn?: string;
}

/**
 * The agent signs in with Microsoft Entra through the Azure Bot's OAuth connection: `OAuthPrompt` sends the
 * OAuth card, Teams single sign-on answers with `signin/tokenExchange` where it can, and otherwise the agent
 * signs in through the card's button (`signin/verifyState`) or types the code the sign-in page shows. The
 * token stays with the Bot Framework token service. Ends with true only when the token is the sender's own.
 */
export class SignInDialog extends ComponentDialog {
  constructor(
    connectionName: string,
    private readonly checks: SignInChecks,
  ) {
    super(SIGN_IN_DIALOG);
    this.addDialog(
      new OAuthPrompt(OAUTH_PROMPT, {
        connectionName,
        title: 'Sign in',
        text: 'To reset passwords I act as you, so that Microsoft Entra checks your own admin role. Sign in with your work account.',
        timeout: SIGN_IN_TIMEOUT_MS,
        // Anything typed instead of signing in (other than the sign-in code) ends the wait.
        endOnInvalidMessage: true,
      }),
    );
    this.addDialog(
      new WaterfallDialog(SIGN_IN_WATERFALL, [this.promptStep.bind(this), this.checkStep.bind(this)]),
    );
    this.initialDialogId = SIGN_IN_WATERFALL;
  }

  private async promptStep(step: WaterfallStepContext<SignInDialogOptions>): Promise<DialogTurnResult> {
    return step.beginDialog(OAUTH_PROMPT);
  }

  private async checkStep(step: WaterfallStepContext<SignInDialogOptions>): Promise<DialogTurnResult> {
    const token = (step.result as { token?: unknown } | undefined)?.token;
    if (typeof token !== 'string' || token === '') {
      await step.context.sendActivity(
        'You did not finish signing in, so nothing was changed. Ask me for a reset again when you are ready to sign in.',
      );
      return step.endDialog(false);
    }
    if (!this.checks.isSendersOwn(step.context, token)) {
      await this.checks.signOut(step.context);
      await step.context.sendActivity(
        'That sign-in was not for the work account you use in Teams, so I signed it out and changed nothing. ' +
          'Sign in with your own work account.',
      );
      return step.endDialog(false);
    }
    const whenSignedIn = step.options?.whenSignedIn;
    if (whenSignedIn) await step.context.sendActivity(whenSignedIn);
    return step.endDialog(true);
  }
}
