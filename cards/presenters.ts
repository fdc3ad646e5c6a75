import type { AgentFacingError } from '../core/errors';
import type { ClaimFailureReason, PendingReset, PendingSelection } from '../core/pendingActions';
import type { Refusal } from '../core/policy/types';
import type {
  CancelOutcome,
  ClaimFailure,
  PendingActionView,
  Preparation,
  Rejected,
  ResetOutcome,
  StepFailure,
  TargetSearch,
} from '../core/resets';
import { TICKET_REFERENCE_MAX_LENGTH } from '../core/resets/callerVerification';
import { buildConfirmResetCard } from './confirmResetCard';
import { buildNoticeCard } from './noticeCard';
import { buildProblemCard } from './problemCard';
import { buildResetCancelledCard } from './resetCancelledCard';
import { buildResetDoneCard } from './resetDoneCard';
import { buildUserPickerCard } from './userPickerCard';
import { type PendingActionKey, withUserSpecificView } from './userSpecificView';
import type { AdaptiveCardJson, CardSetting, CardViews, NoticeInput } from './types';

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

/**
 * The confirmation for a prepared reset, or why there is none: as posted in the conversation, and as the
 * requester sees it.
 */
export function preparationCards(preparation: Preparation, setting: CardSetting): CardViews {
  switch (preparation.kind) {
    case 'refused':
      return sameForEveryone(refusalCard(preparation.refusal));
    case 'failed':
      return sameForEveryone(failureCard(preparation));
    case 'ready':
      return pendingActionCards(preparation.pending, setting);
  }
}

/** Several matches: one button per candidate, for the requester. */
export function pickerCards(
  choice: Extract<TargetSearch, { kind: 'choose' }>,
  setting: CardSetting,
): CardViews {
  return pendingActionCards(choice.selection, setting);
}

/** What a refresh shows this viewer: the requester their buttons, anyone else the waiting view. */
export function refreshedCard(view: PendingActionView, setting: CardSetting): AdaptiveCardJson {
  switch (view.kind) {
    case 'closed':
      return buildNoticeCard(CLOSED_NOTICES[view.reason]);
    case 'onlooker':
      return withUserSpecificView(
        waitingCard(view.pending),
        keyOf(view.pending),
        view.pending.requesterTeamsId,
      );
    case 'requester':
      return pendingActionCards(view.pending, setting).forRequester;
  }
}

/**
 * A pending action's card. In a 1:1 chat only the requester sees it, so it is posted whole. In a channel or
 * group chat everyone sees what is posted, so that is a waiting view without buttons, which Teams refreshes
 * into the buttons for the requester alone.
 */
function pendingActionCards(pending: PendingReset | PendingSelection, setting: CardSetting): CardViews {
  const whole = pending.kind === 'reset' ? confirmationCard(pending) : pickerCard(pending, setting);
  if (setting.conversation === 'personal') return sameForEveryone(whole);
  const key = keyOf(pending);
  return {
    posted: withUserSpecificView(waitingCard(pending), key, pending.requesterTeamsId),
    forRequester: withUserSpecificView(whole, key, pending.requesterTeamsId),
  };
}

function confirmationCard(pending: PendingReset): AdaptiveCardJson {
  const { target, warnings, mfaOption, callerVerification, ticketReference } = pending.shown;
  return buildConfirmResetCard({
    resetId: pending.id,
    requesterName: pending.requesterName,
    user: {
      displayName: pending.targetDisplayName,
      userPrincipalName: pending.targetUserPrincipalName,
      jobTitle: target.jobTitle,
      department: target.department,
      accountEnabled: target.accountEnabled,
      source: target.onPremisesSyncEnabled === true ? 'on-premises' : 'cloud',
      lastPasswordChangeDateTime: target.lastPasswordChangeDateTime,
    },
    warnings,
    mfaOption,
    callerVerification,
    ticketReference,
  });
}

function pickerCard(selection: PendingSelection, setting: CardSetting): AdaptiveCardJson {
  return buildUserPickerCard({
    selectionId: selection.id,
    query: selection.shown.query,
    candidates: selection.shown.candidates,
    hasMore: selection.shown.hasMore,
    setting,
  });
}

/** What everyone but the requester sees while the requester decides. */
function waitingCard(pending: PendingReset | PendingSelection): AdaptiveCardJson {
  const requester = pending.requesterName;
  if (pending.kind === 'reset') {
    return buildNoticeCard({
      title: `Reset the password of ${pending.targetDisplayName}?`,
      subtitle: pending.targetUserPrincipalName,
      message:
        `Waiting for ${requester} to confirm. Only ${requester} can reset this password or cancel, ` +
        `and the temporary password will go to ${requester} privately.`,
    });
  }
  return buildNoticeCard({
    title: 'Which user?',
    subtitle: `Search: "${pending.shown.query}"`,
    message: `Waiting for ${requester} to choose among the people who match. Only ${requester} can choose.`,
  });
}

function keyOf(pending: PendingReset | PendingSelection): PendingActionKey {
  return pending.kind === 'reset' ? { resetId: pending.id } : { selectionId: pending.id };
}

function sameForEveryone(card: AdaptiveCardJson): CardViews {
  return { posted: card, forRequester: card };
}

const CLOSED_NOTICES: Record<Exclude<ClaimFailureReason, 'not-requester'>, NoticeInput> = {
  unknown: {
    title: 'This card is no longer valid',
    message:
      'Nothing was changed. To reset a password, ask again with "reset" and the user\'s name ' +
      '(in a channel or group chat, @mention me first).',
  },
  expired: {
    title: 'This card has expired',
    message: 'Nothing was changed. To reset a password, ask again to get a fresh card.',
  },
  'already-used': {
    title: 'This card has been used',
    message: 'It was used once already; what happened was posted in this conversation.',
  },
};

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
        sessionsRequestId: outcome.sessionsError?.requestId,
        passwordDelivery: outcome.passwordDelivery,
        requireMfa: outcome.requireMfa,
        details: outcome.details,
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
  unknown:
    'This card is no longer valid. Nothing was changed. Ask again with "reset" and the user\'s name ' +
    '(in a channel or group chat, @mention me first).',
  'not-requester': 'Only the agent who asked for this reset can use this card. Nothing was changed.',
  expired: 'This card has expired. Nothing was changed. Ask again to get a fresh card.',
  'already-used': 'This card has already been used; its outcome is shown above.',
  'not-a-candidate': 'That user was not one of the choices offered. Nothing was changed.',
  'caller-verification-missing':
    'Choose how you verified the caller on the card, then click Reset password again. Nothing was changed.',
  'caller-verification-invalid':
    'Choose one of the ways of verifying the caller offered on the card, then click Reset password again. ' +
    'Nothing was changed.',
  'ticket-reference-missing':
    'Enter the ticket reference on the card, then click Reset password again. Nothing was changed.',
  'ticket-reference-invalid':
    `A ticket reference is 1 to ${TICKET_REFERENCE_MAX_LENGTH} letters, digits and # _ / - (for example ` +
    'INC0012345). Correct it on the card, then click Reset password again. Nothing was changed.',
};

/** Why a click counted for nothing, for the person who clicked; the card stays as it was. */
export function rejectionMessage(reason: ClaimFailure): string {
  return REJECTION_MESSAGES[reason];
}

function refusalTitle(refusal: Refusal): string {
  switch (refusal.rule) {
    case 'requester-not-admin':
      return 'Only helpdesk administrators can reset passwords';
    case 'requester-not-in-helpdesk-group':
      return 'Only the helpdesk can use this bot';
    case 'target-protected':
      return 'This account is protected';
    case 'rate-limited':
      return 'Reset limit reached';
    default:
      return 'This password cannot be reset here';
  }
}
