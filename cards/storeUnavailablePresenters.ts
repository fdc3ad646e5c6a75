import type { PendingReset } from '../core/pendingActions';
import { buildProblemCard } from './problemCard';
import type { AdaptiveCardJson } from './types';

/**
 * What the agent is told when the bot's own store (conversation state, pending card actions) is out of reach
 * (`StoreUnavailable`): what happened, that nothing was changed, and to try again shortly. Never "something
 * went wrong": the agent can act on this one.
 */

/**
 * The answer to a message or a click the store's outage stopped before anything was done. A click's card stays
 * as it was, so the same button works once the store is back.
 */
export function storeUnavailableMessage(reference: string): string {
  return (
    'I cannot reach my storage right now, so I could not handle this. Nothing was changed. ' +
    `Please try again in a minute. Reference: ${reference}`
  );
}

/**
 * A claimed reset stopped by the outage before the password change (the reset counters are taken from the store
 * before it): the card is used up, so the agent asks again.
 */
export function storeUnavailableResetCard(pending: PendingReset, reference: string): AdaptiveCardJson {
  return buildProblemCard({
    title: `The password of ${pending.targetDisplayName} was not reset`,
    message:
      `I could not reach my storage while resetting it, so I stopped before changing anything (reference ${reference}). ` +
      'The password was not changed and no temporary password was sent.',
    nextStep: 'In a minute, ask me again to reset it: this card cannot be used again.',
  });
}
