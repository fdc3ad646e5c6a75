import template from './templates/temporaryPassword.json';
import { cardTemplate } from './expandTemplate';
import { cardText, TextLimits } from './cardText';
import type { AdaptiveCardJson, TemporaryPasswordInput } from './types';

const expand = cardTemplate(template);

/**
 * The secret, for the requester's 1:1 chat only. The password sits in a TextRun, which no client interprets
 * as markdown, so it is shown exactly as generated, without escapes a reader could copy by mistake.
 */
export function buildTemporaryPasswordCard(input: TemporaryPasswordInput): AdaptiveCardJson {
  return expand({
    targetDisplayName: cardText(input.targetDisplayName, TextLimits.name),
    targetUserPrincipalName: cardText(input.targetUserPrincipalName, TextLimits.upn),
    temporaryPassword: input.temporaryPassword,
    changeRule: input.requireMfa
      ? 'At the next sign-in the user must complete MFA, then replace this password with one of their own.'
      : 'At the next sign-in the user must replace this password with one of their own.',
  });
}
