import template from './templates/confirmReset.json';
import {
  CALLER_VERIFICATION_METHODS,
  TICKET_REFERENCE_MAX_LENGTH,
  TICKET_REFERENCE_PATTERN,
} from '../core/resets/callerVerification';
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
    ...callerDetailInputs(input),
  });
}

const VERIFICATION_CHOICES = Object.entries(CALLER_VERIFICATION_METHODS).map(([value, title]) => ({
  title,
  value,
}));

/**
 * How the caller was verified and the ticket: shown only when asked for, required on the client too when
 * required (Teams checks `isRequired` and `regex` before it sends the click; the bot checks again).
 */
function callerDetailInputs(input: ConfirmResetInput) {
  return {
    askCallerVerification: input.callerVerification !== undefined,
    callerVerificationRequired: input.callerVerification === 'required',
    callerVerificationLabel: labelled('How did you verify the caller?', input.callerVerification),
    verificationChoices: VERIFICATION_CHOICES,
    askTicketReference: input.ticketReference !== undefined,
    ticketReferenceRequired: input.ticketReference === 'required',
    ticketReferenceLabel: labelled('Ticket reference', input.ticketReference),
    ticketMaxLength: TICKET_REFERENCE_MAX_LENGTH,
    ticketPattern: TICKET_REFERENCE_PATTERN,
    ticketErrorMessage: `Enter the ticket reference: 1 to ${TICKET_REFERENCE_MAX_LENGTH} letters, digits and # _ / - (for example INC0012345).`,
  };
}

/** A required input's label gets the host's required marker; an optional one says so in words. */
function labelled(label: string, requirement: ConfirmResetInput['callerVerification']): string {
  return requirement === 'optional' ? `${label} (optional)` : label;
}

function optionalAttribute(value: string | null): string {
  const trimmed = value?.trim() ?? '';
  return trimmed === '' ? 'Not set' : cardText(trimmed, TextLimits.attribute);
}
