/**
 * How the agent verified the caller, and the ticket the reset belongs to: what the confirmation card asks for
 * besides the options, so that the audit record says why this person was trusted. Helpdesk social
 * engineering (a caller posing as an employee to get their password reset) is stopped by the agent's
 * verification, not by the bot; the bot makes it a recorded, and if required a mandatory, part of the reset.
 */

/** Whether the card asks for a detail: not at all, with an empty answer allowed, or without a reset otherwise. */
export type DetailRequirement = 'off' | 'optional' | 'required';

/** What a deployment asks for on every confirmation card (`CALLER_VERIFICATION`, `TICKET_REFERENCE`). */
export interface VerificationSettings {
  callerVerification: DetailRequirement;
  ticketReference: DetailRequirement;
}

/**
 * The ways of verifying a caller an agent can choose, as stable codes (they are what the audit record keeps)
 * with the words the card shows. Deliberately no "other": an unverifiable free-text answer would satisfy a
 * `required` setting without verifying anyone.
 */
export const CALLER_VERIFICATION_METHODS = {
  'call-back': 'Called back on the number on file',
  'manager-confirmed': 'Confirmed by their manager',
  'in-person-id': 'In person, photo ID checked',
  'video-call-id': 'Video call, photo ID checked',
  'ticketing-system': 'Verified in the ticketing system',
} as const;
export type CallerVerificationMethod = keyof typeof CALLER_VERIFICATION_METHODS;

/**
 * A ticket reference: 1 to 64 letters, digits and `# _ / -`, starting with a letter, a digit or `#`
 * ("INC0012345", "SR-2024/117", "#4711"). No spaces, dots or colons, so that it cannot read as a sentence,
 * a link or a host name wherever it is shown.
 */
export const TICKET_REFERENCE_PATTERN = '^[A-Za-z0-9#][A-Za-z0-9#_/-]{0,63}$';
export const TICKET_REFERENCE_MAX_LENGTH = 64;
const TICKET_REFERENCE = new RegExp(TICKET_REFERENCE_PATTERN);

/** What the card asked for, as recorded with the pending reset: absent means it did not ask. */
export interface AskedDetails {
  callerVerification?: Exclude<DetailRequirement, 'off'>;
  ticketReference?: Exclude<DetailRequirement, 'off'>;
}

/** The card's values as they came back: hostile input, checked by `checkResetDetails`. */
export interface SubmittedDetails {
  callerVerification?: unknown;
  ticketReference?: unknown;
}

/**
 * The details as the audit record keeps them: absent when the card did not ask, null when it asked and the
 * agent left it empty (optional), the value otherwise.
 */
export interface ResetDetails {
  callerVerification?: CallerVerificationMethod | null;
  ticketReference?: string | null;
}

/** Why the details of a click do not do: a Reset password click with them does not count (yet). */
export type DetailsProblem =
  | 'caller-verification-missing'
  | 'caller-verification-invalid'
  | 'ticket-reference-missing'
  | 'ticket-reference-invalid';

/** What a new confirmation card asks for under `settings` (none when there are no settings). */
export function detailsToAsk(settings: VerificationSettings | undefined): AskedDetails {
  return {
    ...(settings &&
      settings.callerVerification !== 'off' && { callerVerification: settings.callerVerification }),
    ...(settings && settings.ticketReference !== 'off' && { ticketReference: settings.ticketReference }),
  };
}

/**
 * Checks what a click submitted against what its card asked for (never against the current settings, so
 * that a forged submission can neither add a detail the card did not ask for nor drop one it required).
 * A value the card did not ask for is ignored; an empty one is "not given"; anything else must be valid,
 * also when optional, so that a forged value never reaches the audit record.
 */
export function checkResetDetails(
  asked: AskedDetails,
  submitted: SubmittedDetails,
): { ok: true; details: ResetDetails } | { ok: false; problem: DetailsProblem } {
  const details: ResetDetails = {};
  if (asked.callerVerification !== undefined) {
    const method = readDetail(asked.callerVerification, submitted.callerVerification, isVerificationMethod);
    if (method === 'missing' || method === 'invalid')
      return { ok: false, problem: `caller-verification-${method}` };
    details.callerVerification = method.value;
  }
  if (asked.ticketReference !== undefined) {
    const ticket = readDetail(asked.ticketReference, submitted.ticketReference, isTicketReference);
    if (ticket === 'missing' || ticket === 'invalid')
      return { ok: false, problem: `ticket-reference-${ticket}` };
    details.ticketReference = ticket.value;
  }
  return { ok: true, details };
}

export function isVerificationMethod(value: string): value is CallerVerificationMethod {
  return Object.hasOwn(CALLER_VERIFICATION_METHODS, value);
}

export function isTicketReference(value: string): value is string {
  return TICKET_REFERENCE.test(value);
}

/**
 * One submitted value, trimmed. The reference renderer (adaptivecards 3.0.6, `isSet()`) leaves out an empty
 * input; whether every Teams client does is not documented, so "" counts the same: "not given" (null), which
 * only a required detail refuses. Anything but a string is invalid.
 */
function readDetail<T extends string>(
  requirement: Exclude<DetailRequirement, 'off'>,
  value: unknown,
  isValid: (text: string) => text is T,
): { value: T | null } | 'missing' | 'invalid' {
  const text = typeof value === 'string' ? value.trim() : value;
  if (text === undefined || text === null || text === '') {
    return requirement === 'required' ? 'missing' : { value: null };
  }
  return typeof text === 'string' && isValid(text) ? { value: text } : 'invalid';
}
