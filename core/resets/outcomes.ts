import type { AuditSink } from '../audit';
import type { DetailsProblem, ResetDetails, VerificationSettings } from './callerVerification';
import type { PasswordDeliveryOutcome, SessionsOutcome } from './afterReset';
import type { DelegatedPasswordReset, Directory, DirectoryUser } from '../directory';
import type { AgentFacingError } from '../errors';
import type { ClaimFailureReason, PendingActions, PendingReset, PendingSelection } from '../pendingActions';
import type { PolicySettings, Refusal, TargetProfile } from '../policy/types';
import type { ResetRateLimits } from '../rateLimits';
import type { PrivateChat } from './privateChat';

/**
 * The words of the password-reset use cases: who asks, what they need, and every result they can give. Every
 * expected failure is a result (a refusal, a rejected click, a failed directory step); an exception is a bug.
 */

/** The person asking for a reset, as Teams identifies them: by Entra object id, never by a name or typed text. */
export interface Requester {
  aadObjectId: string | undefined;
  name: string;
  /** Their 1:1 chat with the bot, the only place their temporary password may go. */
  privateChat: PrivateChat;
  /**
   * The bot-scoped Teams user id (`from.id`, "29:…"), which addresses a card's user-specific view to this
   * person. It identifies a Teams client to show buttons to, never who may click: that is `aadObjectId`.
   */
  teamsId?: string;
}

export interface ResetDependencies {
  directory: Directory;
  pendingActions: PendingActions;
  settings: PolicySettings;
  audit: AuditSink;
  /** Resets per agent and per user (`RATE_LIMIT_*`): checked before a card is shown, taken on the click. */
  rateLimits: ResetRateLimits;
  /**
   * The reset made as the signed-in requester, with their delegated token: what changes the password when
   * `settings.resetAs` is `agent`. Absent when the requester has no token the bot may use (not signed in).
   */
  resetAsRequester?: DelegatedPasswordReset;
  /** What confirmation cards ask about the caller's verification and the ticket; absent: nothing. */
  verification?: VerificationSettings;
}

/** A directory step failed; `doing` says what the bot was doing, in plain words ("search the directory"). */
export interface StepFailure {
  kind: 'failed';
  error: AgentFacingError;
  doing: string;
}

export type Refused = { kind: 'refused'; refusal: Refusal };

export type ClaimFailure = ClaimFailureReason | 'not-a-candidate' | DetailsProblem;

/** A click that counts for nothing: the card stays as it was. */
export type Rejected = { kind: 'rejected'; reason: ClaimFailure };

/** May this person use the bot at all? */
export type RequesterCheck = { kind: 'allowed' } | Refused | StepFailure;

/** A confirmation ready to show, or why not. */
export type Preparation =
  { kind: 'ready'; pending: PendingReset; target: TargetProfile; warnings: string[] } | Refused | StepFailure;

/** What a typed name led to: nobody, a choice, or a prepared reset. */
export type TargetSearch =
  | { kind: 'invalid-query' }
  | { kind: 'none'; query: string }
  | {
      kind: 'choose';
      query: string;
      selection: PendingSelection;
      candidates: DirectoryUser[];
      /** The directory holds more matches than `candidates`. */
      hasMore: boolean;
    }
  | Preparation;

export type { PasswordDeliveryOutcome, SessionsOutcome } from './afterReset';

export interface ResetOptions {
  revokeSessions: boolean;
  requireMfa: boolean;
  /** How the caller was verified and the ticket, as checked when the click was claimed; for the record. */
  details?: ResetDetails;
}

/** Reset password was clicked by the requester, once: the card is theirs to finish. */
export type ResetClaim = { kind: 'claimed'; pending: PendingReset; details: ResetDetails } | Rejected;

export type ResetOutcome =
  | Rejected
  /** A rule (or an unreachable private chat) said no; nothing was changed. */
  | { kind: 'refused'; pending: PendingReset; refusal: Refusal }
  /** The password was not changed, or (`outcomeUnknown`) Graph could not tell us whether it was. */
  | { kind: 'failed'; pending: PendingReset; error: AgentFacingError; outcomeUnknown: boolean }
  | {
      kind: 'done';
      pending: PendingReset;
      completedAt: string;
      sessions: SessionsOutcome;
      /** Why signing the user out failed or may not have happened (`failed`, `unknown`), when Graph said. */
      sessionsError?: AgentFacingError;
      passwordDelivery: PasswordDeliveryOutcome;
      requireMfa: boolean;
      /** How the agent said they verified the caller, and the ticket, when the card asked. */
      details?: ResetDetails;
    };

export type CancelOutcome = { kind: 'cancelled'; pending: PendingReset; cancelledAt: string } | Rejected;

/** What a claimed reset came to; a rejected click never gets this far. */
export type CompletedReset = Exclude<ResetOutcome, Rejected>;

/** How one viewer sees a pending action's card: with its buttons, waiting for the requester, or closed. */
export type PendingActionView =
  | { kind: 'requester' | 'onlooker'; pending: PendingReset | PendingSelection }
  | { kind: 'closed'; reason: Exclude<ClaimFailureReason, 'not-requester'> };
