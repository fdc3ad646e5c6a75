import type { AgentFacingError } from '../core/errors';
import type { Refusal } from '../core/policy/types';
import type {
  CancelOutcome,
  ClaimFailure,
  Preparation,
  Rejected,
  ResetOutcome,
  StepFailure,
  TargetSearch,
} from '../core/resets';
import { buildConfirmResetCard } from './confirmResetCard';
import { buildProblemCard } from './problemCard';
import { buildResetCancelledCard } from './resetCancelledCard';
import { buildResetDoneCard } from './resetDoneCard';
import { buildUserPickerCard } from './userPickerCard';
import type { AdaptiveCardJson } from './types';

/**
 * Turns what a use case returned into what the requester sees. No decisions: every branch here only picks
 * the words for a result the use case already reached.
 */

/** A rule said no: what the rule is and what to do instead. */
export function refusalCard(refusal: Refusal, title = refusalTitle(refusal)): AdaptiveCardJson {
  return buildProblemCard({ title, message: refusal.reason, nextStep: refusal.nextStep });
}

/** A directory step failed: what happened, what to do next, and Graph's request-id for support. */
export function failureCard(failure: StepFailure): AdaptiveCardJson {
  return errorCard(`I could not ${failure.doing}`, failure.error);
}

export function errorCard(
  title: string,
  error: Pick<AgentFacingError, 'message' | 'nextStep' | 'requestId'>,
): AdaptiveCardJson {
  return buildProblemCard({
    title,
    message: error.message,
    nextStep: error.nextStep,
    requestId: error.requestId,
  });
}

/** The confirmation for a prepared reset, or why there is none. */
export function preparationCard(preparation: Preparation, requesterName: string): AdaptiveCardJson {
  switch (preparation.kind) {
    case 'refused':
      return refusalCard(preparation.refusal);
    case 'failed':
      return failureCard(preparation);
    case 'ready': {
      const { user } = preparation.target;
      return buildConfirmResetCard({
        resetId: preparation.pending.id,
        requesterName,
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
  }
}

/** Several matches: one button per candidate. */
export function pickerCard(choice: Extract<TargetSearch, { kind: 'choose' }>): AdaptiveCardJson {
  return buildUserPickerCard({
    selectionId: choice.selection.id,
    query: choice.query,
    candidates: choice.candidates,
    hasMore: choice.hasMore,
    mentionToReply: null,
  });
}

/** Nobody matches what the requester typed; the question comes again after this. */
export function noMatchCard(query: string): AdaptiveCardJson {
  return buildProblemCard({
    title: `I found nobody matching "${query}"`,
    message:
      'No display name, first name or last name starts with it, and no user principal name or email address equals it.',
    nextStep: 'Try another name, or the user principal name (for example megan@contoso.com).',
  });
}

/** The card that replaces the confirmation after Reset password (a rejected click leaves it as it is). */
export function resetOutcomeCard(outcome: Exclude<ResetOutcome, Rejected>): AdaptiveCardJson {
  switch (outcome.kind) {
    case 'refused':
      return refusalCard(
        outcome.refusal,
        `The password of ${outcome.pending.targetDisplayName} was not reset`,
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

/** The card that replaces the confirmation after Cancel. */
export function cancelledCard(outcome: Exclude<CancelOutcome, Rejected>): AdaptiveCardJson {
  return buildResetCancelledCard({
    requesterName: outcome.pending.requesterName,
    targetDisplayName: outcome.pending.targetDisplayName,
    cancelledAt: outcome.cancelledAt,
  });
}

const REJECTION_MESSAGES: Record<ClaimFailure, string> = {
  unknown: 'This card is no longer valid. Nothing was changed. Ask again: type "reset" and the user\'s name.',
  'not-requester': 'Only the agent who asked for this reset can use this card. Nothing was changed.',
  expired: 'This card has expired. Nothing was changed. Ask again to get a fresh card.',
  'already-used': 'This card has already been used; its outcome is shown above.',
  'not-a-candidate': 'That user was not one of the choices offered. Nothing was changed.',
};

/** Why a click counted for nothing, for the person who clicked; the card stays as it was. */
export function rejectionMessage(reason: ClaimFailure): string {
  return REJECTION_MESSAGES[reason];
}

function refusalTitle(refusal: Refusal): string {
  return refusal.rule === 'requester-not-admin'
    ? 'Only helpdesk administrators can reset passwords'
    : 'This password cannot be reset here';
}
