import type { PendingReset } from '../pendingActions';
import type { Refusal } from '../policy/types';
import type { PasswordDeliveryOutcome } from './afterReset';

/**
 * The requester's 1:1 chat with the bot: the only place a temporary password may go (a port; the Teams layer
 * implements it). Its methods answer every expected failure as a value and never throw.
 */
export interface PrivateChat {
  /** Opens the chat, or finds it open, without posting anything: can the requester be reached privately? */
  open(): Promise<PrivateChatStatus>;
  /** Sends the temporary password there; `delivered` only when the send itself succeeded. */
  sendTemporaryPassword(
    temporaryPassword: string,
    pending: PendingReset,
    requireMfa: boolean,
  ): Promise<PasswordDeliveryOutcome>;
}

/**
 * Why the chat cannot be reached. The first three are the Teams connector's documented 403 codes
 * (`BotNotInConversationRoster`, `ConversationBlockedByUser`, `BotDisabledByAdmin`); `not-private` means the
 * connector answered with a conversation that is not a 1:1 with the requester.
 */
export type UnreachableReason =
  | 'not-installed'
  | 'blocked-by-user'
  | 'disabled-by-admin'
  | 'writes-blocked'
  | 'not-found'
  | 'not-private'
  | 'unavailable';

export type PrivateChatStatus = { reachable: true } | { reachable: false; reason: UnreachableReason };

const OPEN_A_CHAT =
  'Open a chat with me first: in Teams, select Apps, find Helpdesk Reset and open it (or start a new chat ' +
  'with Helpdesk Reset), then ask again.';

const UNREACHABLE: Record<UnreachableReason, Omit<Refusal, 'rule'>> = {
  'not-installed': {
    reason:
      'I cannot send you a private message: Teams says the bot is not installed for you. A temporary password ' +
      'may only go to your 1:1 chat with me, so I did not reset anything.',
    nextStep: OPEN_A_CHAT,
  },
  'blocked-by-user': {
    reason:
      'I cannot send you a private message: Teams says you have blocked your chat with me. A temporary ' +
      'password may only go to your 1:1 chat with me, so I did not reset anything.',
    nextStep: 'Unblock Helpdesk Reset in Teams (open the chat with it and choose Unblock), then ask again.',
  },
  'disabled-by-admin': {
    reason:
      'I cannot send you a private message: Teams says your administrator has disabled this bot for you. ' +
      'A temporary password may only go to your 1:1 chat with me, so I did not reset anything.',
    nextStep:
      'Ask your Teams administrator to allow the Helpdesk Reset app for you (Teams admin center, app ' +
      'permission and setup policies), or reset the password in the Microsoft Entra admin center.',
  },
  'not-found': {
    reason:
      'I could not find or open your 1:1 chat with me, and a temporary password may only go there, so I did ' +
      'not reset anything.',
    nextStep: OPEN_A_CHAT,
  },
  'writes-blocked': {
    reason:
      'I cannot send you a private message: Teams says messages to your chat with me are blocked (you may ' +
      'have blocked or removed the app). A temporary password may only go to your 1:1 chat with me, so I did ' +
      'not reset anything.',
    nextStep:
      'Unblock Helpdesk Reset, or add it again from Apps in Teams, open a chat with it, then ask again.',
  },
  'not-private': {
    reason:
      'Teams did not give me a private chat with you, and a temporary password may only go there, so I did ' +
      'not reset anything.',
    nextStep: OPEN_A_CHAT,
  },
  unavailable: {
    reason:
      'Teams did not let me open your 1:1 chat with me just now, and a temporary password may only go there, ' +
      'so I did not reset anything.',
    nextStep: `Try again in a few minutes. If it keeps failing: ${OPEN_A_CHAT}`,
  },
};

/** Why a reset is refused when the password could not reach the requester, and what to do instead. */
export function unreachableRefusal(reason: UnreachableReason): Refusal {
  return { rule: 'private-chat-unavailable', ...UNREACHABLE[reason] };
}
