import {
  type AdaptiveCardInvokeResponse,
  type AdaptiveCardInvokeValue,
  CardFactory,
  MessageFactory,
  type TurnContext,
} from 'botbuilder';
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import {
  type AdaptiveCardJson,
  buildProblemCard,
  buildTemporaryPasswordCard,
  CardVerbs,
  cancelledCard,
  preparationCards,
  refreshedCard,
  rejectionMessage,
  resetOutcomeCard,
} from '../cards';
import { isGuid } from '../core/directoryIds';
import { isPendingActionId } from '../core/pendingActions';
import {
  cancelReset,
  confirmReset,
  type PasswordCourier,
  pickUser,
  type ResetDependencies,
  viewPendingAction,
} from '../core/resets';
import { cardSettingOf, requesterOf } from './activity';
import type { Logger } from './logger';
import type { PrivateDelivery } from './privateDelivery';

/**
 * Clicks on our cards (Universal Actions, `adaptiveCard/action`). The card's data is only a key into
 * server-side state: it is validated here and every decision is taken by the use cases from the stored
 * record.
 */
const pendingId = z.string().refine(isPendingActionId, 'not one of our ids');
const toggle = z.enum(['true', 'false']).optional();

const selectUserData = z.object({ selectionId: pendingId, userId: z.string().refine(isGuid) });
const confirmResetData = z.object({ resetId: pendingId, revokeSessions: toggle, requireMfa: toggle });
const cancelResetData = z.object({ resetId: pendingId });
const refreshCardData = z.union([z.object({ resetId: pendingId }), z.object({ selectionId: pendingId })]);

export class CardActionHandler {
  constructor(
    private readonly deps: ResetDependencies,
    private readonly delivery: PrivateDelivery,
    private readonly logger: Logger,
  ) {}

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
      // The use cases return every expected failure; this is a bug or a storage outage, not Graph's doing.
      const reference = randomUUID();
      this.logger.error({ verb, reference, error: describeError(error) }, 'card action failed unexpectedly');
      return cardResponse(
        buildProblemCard({
          title: 'Something went wrong on my side',
          message: `I could not complete this action because of an internal error (reference ${reference}).`,
          nextStep:
            "If you had clicked Reset password, check the user's last password change in the Microsoft Entra " +
            'admin center before asking again. If it keeps happening, give the reference to the team that runs this bot.',
        }),
      );
    }
  }

  /**
   * The requester picked one of several matches: the picker becomes the confirmation (or refusal), for the
   * requester in the response and, as posted in this conversation, for everyone else.
   */
  private async selectUser(context: TurnContext, data: unknown): Promise<AdaptiveCardInvokeResponse> {
    const parsed = selectUserData.safeParse(data);
    if (!parsed.success) return this.invalid(context, 'malformed selectUser data');
    const result = await pickUser(
      requesterOf(context),
      parsed.data.selectionId,
      parsed.data.userId,
      context.activity.conversation.id,
      this.deps,
    );
    if (result.kind === 'rejected') return messageResponse(rejectionMessage(result.reason));
    if (result.kind === 'failed') this.logFailure(result.error, `card: ${result.doing}`);
    const cards = preparationCards(result, cardSettingOf(context));
    await this.updateCardAsPosted(context, cards.posted);
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

  /** The card as everyone else sees it; if that fails, the base card simply stays as it was. */
  private async updateCardAsPosted(context: TurnContext, card: AdaptiveCardJson): Promise<void> {
    const cardActivityId = context.activity.replyToId;
    if (!cardActivityId) return;
    const update = MessageFactory.attachment(CardFactory.adaptiveCard(card));
    update.id = cardActivityId;
    await context.updateActivity(update).catch((error: unknown) => {
      this.logger.warn({ error: describeError(error) }, 'could not update the card as posted');
    });
  }

  /** Reset password: reset, then send the password privately and replace the card with the outcome. */
  private async confirm(context: TurnContext, data: unknown): Promise<AdaptiveCardInvokeResponse> {
    const parsed = confirmResetData.safeParse(data);
    if (!parsed.success) return this.invalid(context, 'malformed confirmReset data');
    const options = {
      // Revoking sessions is the safe default: a missing value means the card's default, on.
      revokeSessions: parsed.data.revokeSessions !== 'false',
      requireMfa: parsed.data.requireMfa === 'true',
    };
    const courier: PasswordCourier = async (temporaryPassword, pending, requireMfa) => {
      const card = buildTemporaryPasswordCard({
        targetDisplayName: pending.targetDisplayName,
        targetUserPrincipalName: pending.targetUserPrincipalName,
        temporaryPassword,
        requireMfa,
      });
      try {
        await this.delivery.sendToRequester(
          context,
          MessageFactory.attachment(CardFactory.adaptiveCard(card)),
        );
      } catch (error) {
        // The error comes from the connector and never contains the card; log its shape only.
        this.logger.error(
          { error: describeError(error) },
          'could not deliver the temporary password privately',
        );
        throw error;
      }
    };
    const outcome = await confirmReset(
      requesterOf(context),
      parsed.data.resetId,
      options,
      courier,
      this.deps,
    );
    if (outcome.kind === 'rejected') return messageResponse(rejectionMessage(outcome.reason));
    if (outcome.kind === 'failed') this.logFailure(outcome.error, 'reset failed');
    if (outcome.kind === 'done' && outcome.sessions === 'failed') {
      this.logger.warn(
        { kind: outcome.sessionsError?.kind, graphRequestId: outcome.sessionsError?.requestId },
        'password reset, but signing the user out of their sessions failed',
      );
    }
    const card = resetOutcomeCard(outcome);
    await this.replaceCardForEveryone(context, card);
    return cardResponse(card);
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
  private async replaceCardForEveryone(context: TurnContext, card: AdaptiveCardJson): Promise<void> {
    const cardActivityId = context.activity.replyToId;
    if (!cardActivityId) return;
    const update = MessageFactory.attachment(CardFactory.adaptiveCard(card));
    update.id = cardActivityId;
    try {
      await context.updateActivity(update);
    } catch (error) {
      this.logger.warn({ error: describeError(error) }, 'could not update the card for other viewers');
      await context
        .sendActivity(
          'I could not update the original card for everyone; the outcome shown on your card is final.',
        )
        .catch(() => undefined);
    }
  }

  private logFailure(error: { kind: string; requestId?: string }, message: string): void {
    this.logger.warn({ kind: error.kind, graphRequestId: error.requestId }, message);
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

export function describeError(error: unknown): { name?: string; code?: unknown; statusCode?: unknown } {
  if (typeof error !== 'object' || error === null) return {};
  const { name, code, statusCode } = error as { name?: string; code?: unknown; statusCode?: unknown };
  return { name, code, statusCode };
}
