import template from './templates/resetCancelled.json';
import { cardDateTime } from './cardDateTime';
import { cardTemplate } from './expandTemplate';
import { cardText, TextLimits } from './cardText';
import type { AdaptiveCardJson, ResetCancelledInput } from './types';

const expand = cardTemplate(template);

/** The reset was cancelled; no buttons. */
export function buildResetCancelledCard(input: ResetCancelledInput): AdaptiveCardJson {
  return expand({
    requesterName: cardText(input.requesterName, TextLimits.name),
    targetDisplayName: cardText(input.targetDisplayName, TextLimits.name),
    cancelledAt: cardDateTime(input.cancelledAt) ?? 'an unrecorded date',
  });
}
