import type { PasswordDeliveryOutcome, ResetDetails, SessionsOutcome } from '../core/resets';

/** Verbs of the `Action.Execute` buttons; they come back as `adaptiveCard/action` invokes. */
export const CardVerbs = {
  selectUser: 'selectUser',
  confirmReset: 'confirmReset',
  cancelReset: 'cancelReset',
  /** A card's `refresh` action: Teams asks for the viewer's own view of the card (user-specific views). */
  refreshCard: 'refreshCard',
} as const;
export type CardVerb = (typeof CardVerbs)[keyof typeof CardVerbs];

export type AdaptiveCardJson = { type: 'AdaptiveCard'; version: string } & Record<string, unknown>;

/** Where a card goes, as far as its presentation is concerned. */
export interface CardSetting {
  /** A 1:1 chat shows a card to the requester only; a group chat or a channel to everyone in it. */
  conversation: 'personal' | 'groupChat' | 'channel';
  /** "@Helpdesk Reset": in a shared conversation Teams delivers a message to the bot only if it starts so. */
  mention: string;
}

/** A card as posted for everyone in the conversation, and as its requester sees it. */
export interface CardViews {
  posted: AdaptiveCardJson;
  forRequester: AdaptiveCardJson;
}

/** One search match, as the picker shows it. */
export interface UserSummary {
  id: string;
  displayName: string;
  userPrincipalName: string;
  jobTitle: string | null;
  department: string | null;
}

export interface UserPickerInput {
  /** Server-side key of the pending selection; the click is looked up by it, never trusted. */
  selectionId: string;
  /** What the requester typed. */
  query: string;
  candidates: UserSummary[];
  /** The directory holds more matches than `candidates`. */
  hasMore: boolean;
  /** Where the picker goes: its hint says how to type a more specific name there. */
  setting: CardSetting;
}

export interface ResetTarget {
  displayName: string;
  userPrincipalName: string;
  jobTitle: string | null;
  department: string | null;
  accountEnabled: boolean;
  source: 'cloud' | 'on-premises';
  /** ISO 8601, as Graph returns it. */
  lastPasswordChangeDateTime: string | null;
}

export interface ConfirmResetInput {
  /** Server-side key of the pending reset. */
  resetId: string;
  requesterName: string;
  user: ResetTarget;
  /** Shown prominently above the facts (e.g. "The account is disabled"). */
  warnings: string[];
  /** Offer "Require MFA before the password change" (the bot's own reset only; absent means offer it). */
  mfaOption?: boolean;
  /** Ask how the caller was verified: optionally or as required; absent means do not ask. */
  callerVerification?: 'optional' | 'required';
  /** Ask for the ticket reference: optionally or as required; absent means do not ask. */
  ticketReference?: 'optional' | 'required';
}

export interface ResetDoneInput {
  requesterName: string;
  targetDisplayName: string;
  targetUserPrincipalName: string;
  /** ISO 8601. */
  completedAt: string;
  sessions: SessionsOutcome;
  /** Graph's request-id of a revoke that failed or got no answer, for support. */
  sessionsRequestId?: string;
  passwordDelivery: PasswordDeliveryOutcome;
  requireMfa: boolean;
  /** How the caller was verified and the ticket, as the agent gave them (absent or null: not given). */
  details?: ResetDetails;
}

export interface ResetCancelledInput {
  requesterName: string;
  targetDisplayName: string;
  /** ISO 8601. */
  cancelledAt: string;
}

export interface TemporaryPasswordInput {
  targetDisplayName: string;
  targetUserPrincipalName: string;
  temporaryPassword: string;
  requireMfa: boolean;
}

export interface ProblemInput {
  title: string;
  message: string;
  nextStep: string;
  /** Graph's request-id, for support. */
  requestId?: string;
}

export interface NoticeInput {
  title: string;
  /** A line under the title (a UPN, a search). */
  subtitle?: string;
  message: string;
}
