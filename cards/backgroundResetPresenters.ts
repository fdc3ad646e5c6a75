import type { PendingReset } from '../core/pendingActions';
import { buildProblemCard } from './problemCard';
import { buildResettingCard } from './resettingCard';
import type { AdaptiveCardJson } from './types';

/**
 * The cards of a reset that finishes after its click was answered: "Resetting…" at once, and, should the
 * outcome not be known in time, a card that says so. No decisions; the words only.
 */

/** Reset password was clicked and claimed; the outcome will replace this card. */
export function resettingCard(pending: PendingReset, budgetSeconds: number): AdaptiveCardJson {
  return buildResettingCard({
    requesterName: pending.requesterName,
    targetDisplayName: pending.targetDisplayName,
    targetUserPrincipalName: pending.targetUserPrincipalName,
    budgetSeconds,
  });
}

/** The reset had not finished when its time ran out: what may have happened, and how to find out. */
export function unfinishedResetCard(pending: PendingReset, budgetSeconds: number): AdaptiveCardJson {
  return buildProblemCard({
    title: `I could not confirm whether the password of ${pending.targetDisplayName} was reset`,
    message:
      `The reset did not finish within ${Math.ceil(budgetSeconds)} seconds, so I cannot tell whether the ` +
      'password was changed or whether its temporary password reached you.',
    nextStep:
      'If a temporary password arrives in your 1:1 chat with me, it is valid. Otherwise check the ' +
      "user's last password change in the Microsoft Entra admin center, then ask me again to reset it.",
  });
}

/** A bug (never a Graph failure) stopped the action; the reference is in the log line too. */
export function internalErrorCard(reference: string): AdaptiveCardJson {
  return buildProblemCard({
    title: 'Something went wrong on my side',
    message: `I could not complete this action because of an internal error (reference ${reference}).`,
    nextStep:
      "If you had clicked Reset password, check the user's last password change in the Microsoft Entra " +
      'admin center before asking again. If it keeps happening, give the reference to the team that runs this bot.',
  });
}
