import {
  type AdaptiveCardInvokeResponse,
  type AdaptiveCardInvokeValue,
  CardFactory,
  type ConversationReference,
  MessageFactory,
  type TurnContext,
} from 'botbuilder';
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import {
  type AdaptiveCardJson,
  CardVerbs,
  cancelledCard,
  internalErrorCard,
  preparationCards,
  refreshedCard,
  rejectionMessage,
  resetOutcomeCard,
  resettingCard,
  storeUnavailableMessage,
  storeUnavailableResetCard,
  unfinishedResetCard,
} from '../cards';
import type { DelegatedPasswordReset, Directory } from '../core/directory';
import { isGuid } from '../core/directoryIds';
import { StoreUnavailable } from '../core/errors';
import { isPendingActionId, type PendingReset } from '../core/pendingActions';
import {
  cancelReset,
  claimReset,
  type CompletedReset,
  completeReset,
  pickUser,
  type Requester,
  type ResetDependencies,
  type ResetOptions,
  viewPendingAction,
} from '../core/resets';
import { cardSettingOf, requesterOf } from './activity';
import { AgentTokens } from './agentTokens';
import type { BackgroundWork } from './backgroundWork';
import { ClickBudget, INVOKE_ANSWER_BUDGET_MS, type WorkBudget } from './clickBudget';
import { describeError, stackFramesOf } from './errorShape';
import type { Logger } from './logger';
import type { OriginCards } from './originCards';
import type { PrivateSignIn } from './privateSignIn';
import { originOf } from './proactive';
import type { ReadRequester } from './requesters';

/**
 * Clicks on our cards (Universal Actions, `adaptiveCard/action`). The card's data is only a key into
 * server-side state: it is validated here and every decision is taken by the use cases from the stored
 * record.
 */
const pendingId = z.string().refine(isPendingActionId, 'not one of our ids');
const toggle = z.enum(['true', 'false']).optional();

const selectUserData = z.object({ selectionId: pendingId, userId: z.string().refine(isGuid) });
// How the caller was verified and the ticket are checked by the use case against what the card asked for.
const confirmResetData = z.object({
  resetId: pendingId,
  revokeSessions: toggle,
  requireMfa: toggle,
  callerVerification: z.unknown().optional(),
  ticketReference: z.unknown().optional(),
});
const cancelResetData = z.object({ resetId: pendingId });
const refreshCardData = z.union([z.object({ resetId: pendingId }), z.object({ selectionId: pendingId })]);

/**
 * What every `adaptiveCard/action` invoke must carry before botbuilder reads it: botbuilder's own reading
 * (`ActivityHandler.getAdaptiveCardInvokeValue`) dereferences `value.action.type` unchecked, so a click
 * without an action would end the turn in an error (answered 501).
 */
const cardInvokeValue = z
  .object({
    action: z
      .object({ type: z.string(), verb: z.string(), data: z.record(z.unknown()).optional() })
      .passthrough(),
  })
  .passthrough();

/**
 * The Universal Actions error response for a malformed `adaptiveCard/action` invoke, or undefined when it is
 * well-formed. Its shape is botbuilder's own for the invokes it refuses
 * (`ActivityHandler.createAdaptiveCardInvokeErrorResponse`: `{ statusCode: 400, type:
 * 'application/vnd.microsoft.error', value: { code, message } }`; Teams, "Universal Actions for Adaptive
 * Cards", Adaptive Card invoke response), answered with HTTP 400.
 */
export function malformedCardInvoke(value: unknown): AdaptiveCardInvokeResponse | undefined {
  if (cardInvokeValue.safeParse(value).success) return undefined;
  return {
    statusCode: 400,
    type: 'application/vnd.microsoft.error',
    value: { code: 'BadRequest', message: 'The card action is malformed. Nothing was changed.' },
  };
}

/** What the card actions work with besides the use cases' dependencies. */
export interface CardActionServices {
  /** The directory held to a time budget: every request of one click, retries included, ends within it. */
  directoryWithin(budget: WorkBudget): Directory;
  readRequester: ReadRequester;
  /** Replaces a card after its click's turn has ended. */
  originCards: Pick<OriginCards, 'replace'>;
  background: BackgroundWork;
  /** Agent mode (`RESET_AS=agent`): the password is changed with the requester's own delegated token. */
  resetAsRequester?: RequesterResets;
  /** `CLICK_BUDGET_SECONDS`: the most a reset click may take before its card shows the outcome. */
  clickBudgetMs: number;
  /**
   * How long the click's own answer ("Resetting…") is given to reach the clicker before the card is
   * replaced (default 1 s): the replacement must not overtake it, or the clicker's view would keep
   * "Resetting…".
   */
  answerLeadMs?: number;
  logger: Logger;
}

const DEFAULT_ANSWER_LEAD_MS = 1_000;

/** What a click needs to reset as the requester. */
export interface RequesterResets {
  tokens: Pick<AgentTokens, 'tokenOf'>;
  privateSignIn: Pick<PrivateSignIn, 'send'>;
  /** The reset made with `token`, its requests held to the click's budget. */
  within(budget: WorkBudget, token: () => Promise<string>): DelegatedPasswordReset;
}

/** Why a click in agent mode has no token to reset with. */
type NoToken = { kind: 'not-signed-in' } | { kind: 'token-service-failed' };

export class CardActionHandler {
  private readonly logger: Logger;

  constructor(
    private readonly deps: ResetDependencies,
    private readonly services: CardActionServices,
  ) {
    this.logger = services.logger;
  }

  async handle(
    context: TurnContext,
    invokeValue: AdaptiveCardInvokeValue,
  ): Promise<AdaptiveCardInvokeResponse> {
    const { verb, data } = invokeValue.action;
    try {
      switch (verb) {
        case CardVerbs.selectUser:
          return await this.selectUser(context, data);
        case CardVerbs.confirmReset:
          return await this.confirm(context, data);
        case CardVerbs.cancelReset:
          return await this.cancel(context, data);
        case CardVerbs.refreshCard:
          return await this.refresh(context, data);
        default:
          return this.invalid(context, `unknown verb`);
      }
    } catch (error) {
      // The store's outage stopped the click before anything was done: the card stays, to be clicked again.
      if (error instanceof StoreUnavailable)
        return messageResponse(storeUnavailableMessage(this.storeUnavailable(error, verb)));
      return cardResponse(this.internalError(error, verb));
    }
  }

  /**
   * The requester picked one of several matches: the picker becomes the confirmation (or refusal), for the
   * requester in the response and, as posted in this conversation, for everyone else.
   */
  private async selectUser(context: TurnContext, data: unknown): Promise<AdaptiveCardInvokeResponse> {
    const parsed = selectUserData.safeParse(data);
    if (!parsed.success) return this.invalid(context, 'malformed selectUser data');
    // Answered in the invoke itself, so within Teams' wait, whatever Graph's Retry-After says.
    const budget = ClickBudget.start(Math.min(this.services.clickBudgetMs, INVOKE_ANSWER_BUDGET_MS));
    const requester = this.services.readRequester(context, budget.final);
    const result = await pickUser(
      requester,
      parsed.data.selectionId,
      parsed.data.userId,
      context.activity.conversation.id,
      this.withinBudget(budget),
    );
    if (result.kind === 'rejected') return messageResponse(rejectionMessage(result.reason));
    if (result.kind === 'failed') this.logFailure(result.error, `card: ${result.doing}`);
    const cards = preparationCards(result, cardSettingOf(context));
    // If that fails, the picker simply stays as it was; the requester's own view has moved on.
    await this.replaceCardForEveryone(context, cards.posted, { sayIfFailed: false });
    return cardResponse(cards.forRequester);
  }

  /**
   * Teams asks for this viewer's view of a card (Universal Actions user-specific views): automatically for
   * the requester, by hand ("Refresh") for anyone. Who sees the buttons is decided from the pending action.
   */
  private async refresh(context: TurnContext, data: unknown): Promise<AdaptiveCardInvokeResponse> {
    const parsed = refreshCardData.safeParse(data);
    if (!parsed.success) return this.invalid(context, 'malformed refreshCard data');
    const view =
      'resetId' in parsed.data
        ? await viewPendingAction(requesterOf(context), 'reset', parsed.data.resetId, this.deps)
        : await viewPendingAction(requesterOf(context), 'selection', parsed.data.selectionId, this.deps);
    return cardResponse(refreshedCard(view, cardSettingOf(context)));
  }

  /**
   * Reset password: claimed at once (a second click is "already used"), answered with "Resetting…" well
   * within Teams' wait, then finished in the background and shown by replacing the card.
   */
  private async confirm(context: TurnContext, data: unknown): Promise<AdaptiveCardInvokeResponse> {
    const parsed = confirmResetData.safeParse(data);
    if (!parsed.success) return this.invalid(context, 'malformed confirmReset data');
    const budget = ClickBudget.start(this.services.clickBudgetMs);
    // Agent mode: without the requester's own token there is nothing to reset with. Asked before the claim,
    // so the card stays usable once they have signed in; and only of the requester, so that nobody else's
    // click sends them a sign-in card (the claim below rejects and audits such a click).
    const clickedByRequester =
      this.services.resetAsRequester !== undefined &&
      (await viewPendingAction(requesterOf(context), 'reset', parsed.data.resetId, this.deps)).kind ===
        'requester';
    const resetAsRequester = clickedByRequester ? await this.requesterReset(context, budget) : undefined;
    if (resetAsRequester !== undefined && 'kind' in resetAsRequester) {
      return messageResponse(this.signInFirst(context, resetAsRequester));
    }
    const requester = this.services.readRequester(context, budget.final);
    const { callerVerification, ticketReference } = parsed.data;
    const claim = await claimReset(requester, parsed.data.resetId, this.deps, {
      callerVerification,
      ticketReference,
    });
    if (claim.kind === 'rejected') return messageResponse(rejectionMessage(claim.reason));
    const options: ResetOptions = {
      // Revoking sessions is the safe default: a missing value means the card's default, on.
      revokeSessions: parsed.data.revokeSessions !== 'false',
      requireMfa: parsed.data.requireMfa === 'true',
      details: claim.details,
    };

    // The turn ends with this answer: what comes later reaches the conversation by reference.
    const card = { origin: originOf(context), activityId: context.activity.replyToId };
    const deps = { ...this.withinBudget(budget), resetAsRequester };
    this.services.background.start('reset', () =>
      this.finishReset(requester, claim.pending, options, budget, card, deps),
    );
    return cardResponse(resettingCard(claim.pending, budget.totalMs / 1000));
  }

  /** The reset itself, after the click was answered; its outcome replaces the card, in time. */
  private async finishReset(
    requester: Requester,
    pending: PendingReset,
    options: ResetOptions,
    budget: ClickBudget,
    card: { origin: Partial<ConversationReference>; activityId: string | undefined },
    deps: ResetDependencies,
  ): Promise<void> {
    let outcomeCard: AdaptiveCardJson;
    try {
      const work = completeReset(requester, pending, options, deps, budget.directory.signal);
      const outcome = await budget.race(work);
      if (outcome === undefined) {
        this.logger.error({ budgetMs: budget.totalMs }, 'the reset did not finish within the click budget');
        work.then(
          (late) => this.logger.warn({ kind: late.kind }, 'a reset finished after its card was updated'),
          (error: unknown) => this.internalError(error, CardVerbs.confirmReset),
        );
        outcomeCard = unfinishedResetCard(pending, budget.totalMs / 1000);
      } else {
        this.logOutcome(outcome);
        outcomeCard = resetOutcomeCard(outcome);
      }
    } catch (error) {
      // completeReset reads the store only before the password change (the reset counters), so an outage
      // here means the password was not changed.
      outcomeCard =
        error instanceof StoreUnavailable
          ? storeUnavailableResetCard(pending, this.storeUnavailable(error, CardVerbs.confirmReset))
          : this.internalError(error, CardVerbs.confirmReset);
    }
    const lead = budget.startedAt + (this.services.answerLeadMs ?? DEFAULT_ANSWER_LEAD_MS) - Date.now();
    if (lead > 0) await new Promise((resolve) => setTimeout(resolve, lead));
    await this.services.originCards.replace(card.origin, card.activityId, outcomeCard);
  }

  /**
   * Agent mode: the reset as the requester, made with the token they hold now (the token service renews it
   * well before it expires, so it outlives any click). Undefined in bot mode.
   */
  private async requesterReset(
    context: TurnContext,
    budget: ClickBudget,
  ): Promise<DelegatedPasswordReset | NoToken | undefined> {
    const resets = this.services.resetAsRequester;
    if (!resets) return undefined;
    let token: string | null;
    try {
      token = await resets.tokens.tokenOf(AgentTokens.holderOf(context));
    } catch (error) {
      this.logger.warn(
        { error: describeError(error) },
        'could not ask the token service for the agent’s token',
      );
      return { kind: 'token-service-failed' };
    }
    if (token === null) return { kind: 'not-signed-in' };
    const signedInToken = token;
    return resets.within(budget.directory, () => Promise.resolve(signedInToken));
  }

  /** The click is not used: the requester signs in (privately, whatever the conversation) and clicks again. */
  private signInFirst(context: TurnContext, noToken: NoToken): string {
    const resets = this.services.resetAsRequester;
    if (noToken.kind === 'token-service-failed' || !resets) {
      return 'I could not check your sign-in just now, so nothing was changed. Try again in a minute.';
    }
    const origin = originOf(context);
    this.services.background.start('sign-in', async () => {
      await resets.privateSignIn.send(
        origin,
        "You're signed in. Go back to the card and click Reset password again.",
      );
    });
    return 'I reset passwords as you, and you are not signed in (or your sign-in has expired). I have sent you a sign-in card in our private chat: sign in there, then click Reset password again. Nothing was changed.';
  }

  /** Cancel: nothing changes in the directory; the card says so. */
  private async cancel(context: TurnContext, data: unknown): Promise<AdaptiveCardInvokeResponse> {
    const parsed = cancelResetData.safeParse(data);
    if (!parsed.success) return this.invalid(context, 'malformed cancelReset data');
    const outcome = await cancelReset(requesterOf(context), parsed.data.resetId, this.deps);
    if (outcome.kind === 'rejected') return messageResponse(rejectionMessage(outcome.reason));
    const card = cancelledCard(outcome);
    await this.replaceCardForEveryone(context, card);
    return cardResponse(card);
  }

  /**
   * The invoke response updates the clicker's view only; other clients (and other people in a channel)
   * see the card change through updateActivity. Failing that is not worth failing the action for.
   */
  private async replaceCardForEveryone(
    context: TurnContext,
    card: AdaptiveCardJson,
    { sayIfFailed = true } = {},
  ): Promise<void> {
    const cardActivityId = context.activity.replyToId;
    if (!cardActivityId) return;
    const update = MessageFactory.attachment(CardFactory.adaptiveCard(card));
    update.id = cardActivityId;
    try {
      await context.updateActivity(update);
    } catch (error) {
      this.logger.warn({ error: describeError(error) }, 'could not update the card for other viewers');
      if (!sayIfFailed) return;
      await context
        .sendActivity(
          'I could not update the original card for everyone; the outcome shown on your card is final.',
        )
        .catch(() => undefined);
    }
  }

  /** The use cases' dependencies for one click: its directory requests end within the click's budget. */
  private withinBudget(budget: ClickBudget): ResetDependencies {
    return { ...this.deps, directory: this.services.directoryWithin(budget.directory) };
  }

  private logOutcome(outcome: CompletedReset): void {
    if (outcome.kind === 'failed') this.logFailure(outcome.error, 'reset failed');
    if (outcome.kind === 'done' && (outcome.sessions === 'failed' || outcome.sessions === 'unknown')) {
      this.logger.warn(
        {
          kind: outcome.sessionsError?.kind,
          graphRequestId: outcome.sessionsError?.requestId,
          sessions: outcome.sessions,
        },
        outcome.sessions === 'failed'
          ? 'password reset, but signing the user out of their sessions failed'
          : 'password reset, but whether the user was signed out of their sessions is unknown',
      );
    }
  }

  private logFailure(error: { kind: string; requestId?: string }, message: string): void {
    this.logger.warn({ kind: error.kind, graphRequestId: error.requestId }, message);
  }

  /** The use cases return every expected failure; this is a bug or a storage outage, not Graph's doing. */
  private internalError(error: unknown, verb: string): AdaptiveCardJson {
    const reference = randomUUID();
    this.logger.error(
      { verb, reference, error: { ...describeError(error), stack: stackFramesOf(error) } },
      'card action failed unexpectedly',
    );
    return internalErrorCard(reference);
  }

  /** Logs the store's outage by its shape (never its message: it may name the account); returns the reference. */
  private storeUnavailable(error: StoreUnavailable, verb: string): string {
    const reference = randomUUID();
    this.logger.error(
      { verb, reference, store: error.store, failure: error.failure, error: describeError(error) },
      'card action stopped: the state store is unavailable',
    );
    return reference;
  }

  private invalid(context: TurnContext, why: string): AdaptiveCardInvokeResponse {
    const requester = requesterOf(context);
    this.logger.warn({ why, from: requester.aadObjectId }, 'rejected a card action');
    this.deps.audit.record({
      action: 'card-action-rejected',
      requesterAadObjectId: requester.aadObjectId,
      reason: why,
    });
    return messageResponse('That card action is not valid. Nothing was changed.');
  }
}

function cardResponse(card: AdaptiveCardJson): AdaptiveCardInvokeResponse {
  return { statusCode: 200, type: 'application/vnd.microsoft.card.adaptive', value: card };
}

/** A short message shown to the clicker; the card stays as it was. */
function messageResponse(text: string): AdaptiveCardInvokeResponse {
  // The schema types `value` as an object, but for this response type Teams expects the message string.
  return {
    statusCode: 200,
    type: 'application/vnd.microsoft.activity.message',
    value: text as unknown as Record<string, unknown>,
  };
}
