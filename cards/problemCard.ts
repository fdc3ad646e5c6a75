import template from './templates/problem.json';
import { cardTemplate } from './expandTemplate';
import { cardText, TextLimits } from './cardText';
import type { AdaptiveCardJson, ProblemInput } from './types';

const expand = cardTemplate(template);

/** A refusal or a failure: what happened, what to do next, and Graph's request-id when there is one. */
export function buildProblemCard(input: ProblemInput): AdaptiveCardJson {
  const requestId = input.requestId?.trim() ?? '';
  return expand({
    title: cardText(input.title, TextLimits.name),
    message: cardText(input.message, TextLimits.sentence),
    nextStep: cardText(input.nextStep, TextLimits.sentence),
    hasRequestId: requestId !== '',
    requestId: cardText(requestId, TextLimits.requestId),
  });
}
