import template from './templates/confirmReset.json';
import { cardDateTime } from './cardDateTime';
import { cardTemplate } from './expandTemplate';
import { cardText, TextLimits } from './cardText';
import { CardVerbs, type AdaptiveCardJson, type ConfirmResetInput } from './types';

const expand = cardTemplate(template);

const SOURCE_LABELS = {
  cloud: 'Cloud (Microsoft Entra ID)',
  'on-premises': 'On-premises Active Directory',
} as const;

/**
 * Confirmation before the reset: who, the account's state, warnings, the two options and what will happen.
 * The facts are TextRuns rather than a FactSet because Teams applies markdown to fact values.
 */
export function buildConfirmResetCard(input: ConfirmResetInput): AdaptiveCardJson {
  const { user } = input;
  const displayName = cardText(user.displayName, TextLimits.name);
  const warnings = input.warnings.map((warning) => ({ text: cardText(warning, TextLimits.sentence) }));
  return expand({
    resetId: input.resetId,
    confirmVerb: CardVerbs.confirmReset,
    cancelVerb: CardVerbs.cancelReset,
    requesterName: cardText(input.requesterName, TextLimits.name),
    displayName,
    facts: [
      { label: 'Name', value: displayName },
      { label: 'UPN', value: cardText(user.userPrincipalName, TextLimits.upn) },
      { label: 'Job title', value: optionalAttribute(user.jobTitle) },
      { label: 'Department', value: optionalAttribute(user.department) },
      { label: 'Account', value: user.accountEnabled ? 'Enabled' : 'Disabled: the user cannot sign in' },
      { label: 'Mastered in', value: SOURCE_LABELS[user.source] },
    ],
    lastPasswordChange:
      (user.lastPasswordChangeDateTime === null ? null : cardDateTime(user.lastPasswordChangeDateTime)) ??
      'not recorded',
    hasWarnings: warnings.length > 0,
    warnings,
    mfaOption: input.mfaOption !== false,
  });
}

function optionalAttribute(value: string | null): string {
  const trimmed = value?.trim() ?? '';
  return trimmed === '' ? 'Not set' : cardText(trimmed, TextLimits.attribute);
}
