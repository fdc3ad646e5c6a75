import {
  type AdaptiveCardInvokeResponse,
  type AdaptiveCardInvokeValue,
  CardFactory,
  MessageFactory,
  type TurnContext,
} from 'botbuilder';
import { z } from 'zod';
import {
  type AdaptiveCardJson,
  buildProblemCard,
  buildResetCancelledCard,
  buildResetDoneCard,
  buildTemporaryPasswordCard,
  CardVerbs,
} from '../cards';
import { errorCard, preparationCard, refusalCard, requesterOf } from '../dialogs/resetPasswordDialog';
import type { PrivateDelivery } from './delivery/privateDelivery';
import { toAgentFacingError } from './errors/graphErrors';
import type { Logger } from './logger';
import { isPendingActionId } from './resets/pendingActions';
import {
  cancelReset,
  type ClaimFailure,
  confirmReset,
  type PasswordCourier,
  pickUser,
  type ResetDependencies,
  type ResetOutcome,
} from './resets/resetFlow';

/**
 * Clicks on our cards (Universal Actions, `adaptiveCard/action`). The card's data is only a key into
 * server-side state: it is validated here and every decision is taken from the stored record.
 */
const pendingId = z.string().refine(isPendingActionId, 'not one of our ids');
const toggle = z.enum(['true', 'false']).optional();
const DIRECTORY_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const selectUserData = z.object({ selectionId: pendingId, userId: z.string().regex(DIRECTORY_ID) });
const confirmResetData = z.object({ resetId: pendingId, revokeSessions: toggle, requireMfa: toggle });
const cancelResetData = z.object({ resetId: pendingId });

const REJECTION_MESSAGES: Record<ClaimFailure, string> = {
  unknown: 'This card is no longer valid. Nothing was changed. Ask again: type "reset" and the user\'s name.',
  'not-requester': 'Only the agent who asked for this reset can use this card. Nothing was changed.',
  expired: 'This card has expired. Nothing was changed. Ask again to get a fresh card.',
  'already-used': 'This card has already been used; its outcome is shown above.',
  'not-a-candidate': 'That user was not one of the choices offered. Nothing was changed.',
};

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
        default:
          return this.invalid(context, `unknown verb`);
      }
    } catch (error) {
      const problem = toAgentFacingError(error, 'complete this action');
      this.logger.warn({ verb, kind: problem.kind, graphRequestId: problem.requestId }, 'card action failed');
      return cardResponse(errorCard('Something went wrong', problem));
    }
  }

  /** The agent picked one of several matches: replace the picker with the confirmation (or refusal). */
  private async selectUser(context: TurnContext, data: unknown): Promise<AdaptiveCardInvokeResponse> {
    const parsed = selectUserData.safeParse(data);
    if (!parsed.success) return this.invalid(context, 'malformed selectUser data');
    const requester = requesterOf(context);
    const result = await pickUser(
      requester,
      parsed.data.selectionId,
      parsed.data.userId,
      context.activity.conversation.id,
      this.deps,
    );
    if (result.kind === 'rejected') return messageResponse(REJECTION_MESSAGES[result.reason]);
    return cardResponse(preparationCard(result, requester));
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
    const card = outcomeCard(outcome);
    if (card === null)
      return messageResponse(REJECTION_MESSAGES[(outcome as { reason: ClaimFailure }).reason]);
    if (outcome.kind === 'failed') {
      this.logger.warn({ kind: outcome.error.kind, graphRequestId: outcome.error.requestId }, 'reset failed');
    }
    await this.replaceCardForEveryone(context, card);
    return cardResponse(card);
  }

  /** Cancel: nothing changes in the directory; the card says so. */
  private async cancel(context: TurnContext, data: unknown): Promise<AdaptiveCardInvokeResponse> {
    const parsed = cancelResetData.safeParse(data);
    if (!parsed.success) return this.invalid(context, 'malformed cancelReset data');
    const result = await cancelReset(requesterOf(context), parsed.data.resetId, this.deps);
    if (result.kind === 'rejected') return messageResponse(REJECTION_MESSAGES[result.reason]);
    const card = buildResetCancelledCard({
      requesterName: result.pending.requesterName,
      targetDisplayName: result.pending.targetDisplayName,
      cancelledAt: result.cancelledAt,
    });
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

  private invalid(context: TurnContext, why: string): AdaptiveCardInvokeResponse {
    this.logger.warn({ why, from: context.activity.from?.aadObjectId }, 'rejected a card action');
    this.deps.audit.record({
      action: 'card-action-rejected',
      requesterAadObjectId: context.activity.from?.aadObjectId,
      reason: why,
    });
    return messageResponse('That card action is not valid. Nothing was changed.');
  }
}

/** The card that replaces the confirmation, or null when the click was rejected and the card stays. */
function outcomeCard(outcome: ResetOutcome): AdaptiveCardJson | null {
  switch (outcome.kind) {
    case 'rejected':
      return null;
    case 'refused':
      return refusalCard(
        `The password of ${outcome.pending.targetDisplayName} was not reset`,
        outcome.refusal,
      );
    case 'failed':
      return buildProblemCard({
        title: outcome.outcomeUnknown
          ? `I could not confirm whether the password of ${outcome.pending.targetDisplayName} was reset`
          : `The password of ${outcome.pending.targetDisplayName} was not reset`,
        message: outcome.outcomeUnknown
          ? `${outcome.error.message} The request may or may not have reached Microsoft Entra ID, and no temporary password was sent.`
          : outcome.error.message,
        nextStep: outcome.outcomeUnknown
          ? `Check the user's last password change in the Microsoft Entra admin center, then ask me again to reset it. ${outcome.error.nextStep}`
          : outcome.error.nextStep,
        requestId: outcome.error.requestId,
      });
    case 'done':
      return buildResetDoneCard({
        requesterName: outcome.pending.requesterName,
        targetDisplayName: outcome.pending.targetDisplayName,
        targetUserPrincipalName: outcome.pending.targetUserPrincipalName,
        completedAt: outcome.completedAt,
        sessions: outcome.sessions,
        passwordDelivery: outcome.passwordDelivery,
        requireMfa: outcome.requireMfa,
      });
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
