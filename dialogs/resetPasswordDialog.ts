import { CardFactory, MessageFactory, type TurnContext } from 'botbuilder';
import {
  ComponentDialog,
  type DialogTurnResult,
  TextPrompt,
  WaterfallDialog,
  type WaterfallStepContext,
} from 'botbuilder-dialogs';
import {
  type AdaptiveCardJson,
  buildConfirmResetCard,
  buildProblemCard,
  buildUserPickerCard,
  escapeCardText,
} from '../cards';
import type { Logger } from '../bot/logger';
import { normalizeSearchText } from '../bot/directory/odata';
import type { AgentFacingError } from '../bot/errors/agentFacingError';
import type { Refusal } from '../bot/policy/types';
import { toAgentFacingError } from '../bot/errors/graphErrors';
import {
  checkRequesterMayUseBot,
  offerSelection,
  prepareReset,
  type Preparation,
  type Requester,
  type ResetDependencies,
} from '../bot/resets/resetFlow';

export const RESET_PASSWORD_DIALOG = 'resetPasswordDialog';
const WHICH_USER_PROMPT = 'whichUserPrompt';
const RESET_WATERFALL = 'resetPasswordWaterfall';

/** How many matches a picker shows; more means the agent should type a more specific name. */
export const MAX_CANDIDATES = 10;

export interface ResetPasswordDialogOptions {
  /** The user named in the message that started the conversation, if any. */
  query?: string;
  /** Set when looping after a failed search, so the requester is not looked up again. */
  requesterChecked?: boolean;
  /** A picker is showing: wait quietly for a more specific name typed instead of a click. */
  awaitingRefinement?: boolean;
}

/**
 * Which user? → find them → a picker, a refusal or the confirmation card. The reset itself happens
 * when the card's button is clicked (bot/cardActions.ts), decided from server-side state.
 */
export class ResetPasswordDialog extends ComponentDialog {
  constructor(
    private readonly deps: ResetDependencies,
    private readonly logger: Logger,
  ) {
    super(RESET_PASSWORD_DIALOG);
    this.addDialog(new TextPrompt(WHICH_USER_PROMPT));
    this.addDialog(
      new WaterfallDialog(RESET_WATERFALL, [
        this.checkRequesterStep.bind(this),
        this.askWhichUserStep.bind(this),
        this.findUserStep.bind(this),
      ]),
    );
    this.initialDialogId = RESET_WATERFALL;
  }

  /** Only helpdesk administrators get any further, and they learn it before typing a name. */
  private async checkRequesterStep(
    step: WaterfallStepContext<ResetPasswordDialogOptions>,
  ): Promise<DialogTurnResult> {
    const options = step.options ?? {};
    if (!options.requesterChecked) {
      const refusal = await this.runSafely(step.context, 'check your directory role', () =>
        checkRequesterMayUseBot(requesterOf(step.context), this.deps),
      );
      if (refusal === undefined) return step.endDialog();
      if (refusal) {
        await sendCard(
          step.context,
          refusalCard('Only helpdesk administrators can reset passwords', refusal),
        );
        return step.endDialog();
      }
    }
    return step.next(options.query);
  }

  /** Ask which user, unless the message already named one. */
  private async askWhichUserStep(
    step: WaterfallStepContext<ResetPasswordDialogOptions>,
  ): Promise<DialogTurnResult> {
    const query = step.result as string | undefined;
    if (query) return step.next(query);
    if (step.options?.awaitingRefinement) return step.prompt(WHICH_USER_PROMPT, {});
    return step.prompt(WHICH_USER_PROMPT, {
      prompt: 'Which user? Type their name or user principal name (for example megan or megan@contoso.com).',
    });
  }

  /** Search the directory and show a picker, a refusal or the confirmation card. */
  private async findUserStep(
    step: WaterfallStepContext<ResetPasswordDialogOptions>,
  ): Promise<DialogTurnResult> {
    const typed = String(step.result ?? '');
    const query = normalizeSearchText(typed);
    if (query === null) {
      await step.context.sendActivity(
        'That does not look like a name or a user principal name. Please type a name of up to 100 characters.',
      );
      return step.replaceDialog(this.id, { requesterChecked: true });
    }

    const found = await this.runSafely(step.context, 'search the directory', () =>
      this.deps.directory.findUsers(query, MAX_CANDIDATES),
    );
    if (!found) return step.endDialog();

    if (found.users.length === 0) {
      await step.context.sendActivity(
        MessageFactory.text(
          `I found nobody matching "${escapeCardText(query)}". Try another name or the user principal name.`,
        ),
      );
      return step.replaceDialog(this.id, { requesterChecked: true });
    }

    const requester = requesterOf(step.context);
    const conversationId = step.context.activity.conversation.id;
    if (found.users.length > 1) {
      const selection = await offerSelection(
        requester,
        found.users.map((user) => user.id),
        conversationId,
        this.deps,
      );
      await sendCard(
        step.context,
        buildUserPickerCard({
          selectionId: selection.id,
          query,
          candidates: found.users.slice(0, MAX_CANDIDATES),
          hasMore: found.hasMore || found.users.length > MAX_CANDIDATES,
        }),
      );
      // The card invites a more specific name; a click on it is handled apart, from server-side state.
      return step.replaceDialog(this.id, { requesterChecked: true, awaitingRefinement: true });
    }

    const preparation = await this.runSafely(step.context, 'check whether this reset is allowed', () =>
      prepareReset(requester, found.users[0].id, conversationId, this.deps),
    );
    if (preparation) await sendCard(step.context, preparationCard(preparation, requester));
    return step.endDialog();
  }
  /**
   * Runs a directory step; a failure becomes plain guidance for the agent and `undefined` for the caller,
   * which then stops. Nothing is allowed on an error: the rules fail closed.
   */
  private async runSafely<T>(
    context: TurnContext,
    action: string,
    work: () => Promise<T>,
  ): Promise<T | undefined> {
    try {
      return await work();
    } catch (error) {
      const problem = toAgentFacingError(error, action);
      this.logger.warn(
        { kind: problem.kind, graphRequestId: problem.requestId, action },
        'directory step failed',
      );
      await sendCard(context, errorCard(`I could not ${action}`, problem));
      return undefined;
    }
  }
}

/** The card for a prepared reset: the confirmation, or the refusal and what to do instead. */
export function preparationCard(preparation: Preparation, requester: Requester) {
  if (preparation.kind === 'refused') {
    return refusalCard('This password cannot be reset here', preparation.refusal);
  }
  const { user } = preparation.target;
  return buildConfirmResetCard({
    resetId: preparation.pending.id,
    requesterName: requester.name,
    user: {
      displayName: user.displayName,
      userPrincipalName: user.userPrincipalName,
      jobTitle: user.jobTitle,
      department: user.department,
      accountEnabled: user.accountEnabled,
      source: user.onPremisesSyncEnabled === true ? 'on-premises' : 'cloud',
      lastPasswordChangeDateTime: user.lastPasswordChangeDateTime,
    },
    warnings: preparation.warnings,
  });
}

/** A rule said no: what the rule is and what to do instead. */
export function refusalCard(title: string, refusal: Refusal): AdaptiveCardJson {
  return buildProblemCard({ title, message: refusal.reason, nextStep: refusal.nextStep });
}

/** Something failed: what happened, what to do next, and Graph's request-id for support. */
export function errorCard(title: string, error: AgentFacingError): AdaptiveCardJson {
  return buildProblemCard({
    title,
    message: error.message,
    nextStep: error.nextStep,
    requestId: error.requestId,
  });
}

export function requesterOf(context: TurnContext): Requester {
  const from = context.activity.from;
  return { aadObjectId: from?.aadObjectId, name: from?.name?.trim() || 'the requester' };
}

async function sendCard(
  context: TurnContext,
  card: Parameters<typeof CardFactory.adaptiveCard>[0],
): Promise<void> {
  await context.sendActivity(MessageFactory.attachment(CardFactory.adaptiveCard(card)));
}
