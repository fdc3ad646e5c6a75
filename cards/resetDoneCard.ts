import template from './templates/resetDone.json';
import { CALLER_VERIFICATION_METHODS, isVerificationMethod } from '../core/resets/callerVerification';
import { cardDateTime } from './cardDateTime';
import { cardTemplate } from './expandTemplate';
import { cardText, TextLimits } from './cardText';
import type { AdaptiveCardJson, ResetDoneInput } from './types';

const expand = cardTemplate(template);

/** One line of the outcome; problems get the warning style so that they stand out. */
type OutcomeNote = { text: string; style: 'default' | 'warning'; weight: 'Default' | 'Bolder' };

/** The outcome, without buttons: who reset whom and when, delivery, sessions and the next sign-in. */
export function buildResetDoneCard(input: ResetDoneInput): AdaptiveCardJson {
  const requesterName = cardText(input.requesterName, TextLimits.name);
  return expand({
    requesterName,
    targetDisplayName: cardText(input.targetDisplayName, TextLimits.name),
    targetUserPrincipalName: cardText(input.targetUserPrincipalName, TextLimits.upn),
    completedAt: cardDateTime(input.completedAt) ?? 'an unrecorded date',
    notes: [
      ...detailsNotes(input.details),
      deliveryNote(input.passwordDelivery, requesterName),
      sessionsNote(input.sessions, input.sessionsRequestId),
      signInNote(input.requireMfa),
    ],
  });
}

/**
 * How the caller was verified and the ticket, when the card asked, so that everyone who sees the outcome
 * sees them too. The ticket was checked against its pattern when the click was claimed; it is still
 * untrusted text here, and goes through `cardText` into a TextRun like any other.
 */
function detailsNotes(details: ResetDoneInput['details']): OutcomeNote[] {
  const notes: OutcomeNote[] = [];
  const method = details?.callerVerification;
  if (method !== undefined) {
    notes.push(
      method !== null && isVerificationMethod(method)
        ? info(`Caller verified: ${CALLER_VERIFICATION_METHODS[method]}.`)
        : info('How the caller was verified was not recorded.'),
    );
  }
  const ticket = details?.ticketReference;
  if (ticket !== undefined) {
    notes.push(
      ticket === null
        ? info('No ticket reference was given.')
        : info(`Ticket: ${cardText(ticket, TextLimits.ticket)}`),
    );
  }
  return notes;
}

function deliveryNote(delivery: ResetDoneInput['passwordDelivery'], requesterName: string): OutcomeNote {
  if (delivery === 'delivered') {
    return info(
      `The temporary password was sent only to ${requesterName}, privately in the 1:1 chat with this bot.`,
    );
  }
  return problem(
    `The password was reset, but the temporary password could not be delivered to ${requesterName}. ` +
      'Reset it again from your 1:1 chat with this bot to get a new one.',
  );
}

function sessionsNote(sessions: ResetDoneInput['sessions'], requestId?: string): OutcomeNote {
  const supportId = requestId?.trim()
    ? ` Request id for support: ${cardText(requestId, TextLimits.requestId)}.`
    : '';
  switch (sessions) {
    case 'revoked':
      // Graph: "there might be a small delay of a few minutes before tokens are revoked" (revokeSignInSessions).
      return info(
        'Signing the user out of all sessions was requested; it takes effect within a few minutes, ' +
          'as Microsoft Entra ID revokes their tokens.',
      );
    case 'not-requested':
      return info('Existing sessions were left signed in.');
    case 'failed':
      return problem(
        'Signing the user out of their sessions failed. Revoke the sessions in the Microsoft Entra admin center ' +
          `(Users > the user > Revoke sessions).${supportId}`,
      );
    case 'unknown':
      // Sent, but no answer came back (a timeout, a dropped connection, a 5xx): Graph may have applied it.
      return problem(
        'I could not confirm whether the user was signed out of their sessions: Microsoft Graph did not answer ' +
          'in time, so they may or may not have been signed out. Revoke the sessions in the Microsoft Entra ' +
          `admin center (Users > the user > Revoke sessions); revoking again does no harm.${supportId}`,
      );
  }
}

function signInNote(requireMfa: boolean): OutcomeNote {
  return info(
    requireMfa
      ? 'At the next sign-in the user must complete MFA, then choose a new password.'
      : 'At the next sign-in the user must choose a new password.',
  );
}

function info(text: string): OutcomeNote {
  return { text, style: 'default', weight: 'Default' };
}

function problem(text: string): OutcomeNote {
  return { text: `⚠ ${text}`, style: 'warning', weight: 'Bolder' };
}
