import template from './templates/resetting.json';
import { cardTemplate } from './expandTemplate';
import { cardText, TextLimits } from './cardText';
import type { AdaptiveCardJson } from './types';

const expand = cardTemplate(template);

export interface ResettingInput {
  requesterName: string;
  targetDisplayName: string;
  targetUserPrincipalName: string;
  /** The most the reset may take before this card shows its outcome. */
  budgetSeconds: number;
}

/**
 * The immediate answer to Reset password, without buttons: Teams waits only seconds for a click's answer, and
 * the reset goes on after it; the outcome replaces this card.
 */
export function buildResettingCard(input: ResettingInput): AdaptiveCardJson {
  return expand({
    requesterName: cardText(input.requesterName, TextLimits.name),
    targetDisplayName: cardText(input.targetDisplayName, TextLimits.name),
    targetUserPrincipalName: cardText(input.targetUserPrincipalName, TextLimits.upn),
    budgetSeconds: Math.ceil(input.budgetSeconds),
  });
}
