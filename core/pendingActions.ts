import { randomUUID } from 'node:crypto';
import type { AskedDetails } from './resets/callerVerification';

/**
 * Server-side records behind the buttons of our cards. A card carries only an unguessable id; who may
 * click, on which user, and whether the click is still valid are decided from these records, never from
 * what the card sends back (anyone can forge a card payload).
 */
interface PendingActionBase {
  id: string;
  /** Entra object id of the requester; the only person whose click counts. */
  requesterAadObjectId: string;
  requesterName: string;
  /**
   * The requester's Teams user id (`from.id`), when Teams sent one: in a channel or group chat the card's
   * buttons are a view for this id alone. Never used to decide who may click.
   */
  requesterTeamsId?: string;
  conversationId: string;
  createdAt: string;
  expiresAt: string;
}

/** One offered user, as the picker showed them. */
export interface CandidateSummary {
  id: string;
  displayName: string;
  userPrincipalName: string;
  jobTitle: string | null;
  department: string | null;
}

/** A list of matching users shown for the requester to pick one. */
export interface PendingSelection extends PendingActionBase {
  kind: 'selection';
  /** The only users a pick may name. */
  candidateIds: string[];
  /** What the picker showed, so that the requester's card can be shown again exactly as it was. */
  shown: { query: string; candidates: CandidateSummary[]; hasMore: boolean };
}

/** What the confirmation card showed about the target, beyond name and UPN. */
export interface TargetSummary {
  jobTitle: string | null;
  department: string | null;
  accountEnabled: boolean;
  onPremisesSyncEnabled: boolean | null;
  lastPasswordChangeDateTime: string | null;
}

/** A confirmation card waiting for Reset password or Cancel. */
export interface PendingReset extends PendingActionBase {
  kind: 'reset';
  targetId: string;
  targetDisplayName: string;
  targetUserPrincipalName: string;
  /** What the card showed, so that the requester's card can be shown again exactly as it was. */
  shown: {
    target: TargetSummary;
    warnings: string[];
    /**
     * The card offered "Require MFA before the password change". Only the bot's own reset (`PATCH
     * passwordProfile`) has that option; a reset as the agent (`resetPassword`) has not. Absent in records
     * written before agent mode: they offered it.
     */
    mfaOption?: boolean;
    /**
     * The card asked how the caller was verified, and for a ticket reference: optionally or as required
     * (`CALLER_VERIFICATION`, `TICKET_REFERENCE` when it was shown). Absent: it did not ask, as in records
     * written before these settings, and a click's value for it is ignored.
     */
    callerVerification?: AskedDetails['callerVerification'];
    ticketReference?: AskedDetails['ticketReference'];
  };
}

export type PendingAction = PendingSelection | PendingReset;
type NewPendingAction<T extends PendingAction> = Omit<T, 'id' | 'createdAt' | 'expiresAt'>;

/** A pending action as a store keeps it: `version` changes on every write (an eTag). */
export interface StoredPendingAction {
  action: PendingAction;
  usedAt: string | null;
  version: string;
}

/**
 * The port a store of pending actions implements (`storage/`). `markUsed` is a conditional write: it
 * succeeds only if the record is still at the version that was read, so two clicks racing, even on two
 * instances sharing the store, cannot both win. A lost race is the answer `'conflict'`, never an exception.
 */
export interface PendingActionStore {
  /** Writes a new record (ids are fresh UUIDs, so it never overwrites one). */
  add(action: PendingAction): Promise<void>;
  /** null when there is no such record. */
  read(id: string): Promise<StoredPendingAction | null>;
  markUsed(read: StoredPendingAction, usedAt: string): Promise<'marked' | 'conflict'>;
}

export type ClaimFailureReason = 'unknown' | 'not-requester' | 'expired' | 'already-used';

/** `R`: the reasons a caller's own check (`claimOnce`'s `refuse`) may give. */
export type ClaimResult<T extends PendingAction, R extends string = never> =
  { claimed: true; action: T } | { claimed: false; reason: ClaimFailureReason | R };

/**
 * A pending action as one viewer may see it: still open (and whether the viewer is its requester), or
 * closed for everyone.
 */
export type LookResult<T extends PendingAction> =
  | { open: true; action: T; viewerIsRequester: boolean }
  | { open: false; reason: Exclude<ClaimFailureReason, 'not-requester'> };

/** Confirmation cards outlive a coffee break, not a working day. */
export const PENDING_ACTION_LIFETIME_MS = 15 * 60 * 1000;

/** The rules of pending actions (who, once, until when) over any store. */
export class PendingActions {
  constructor(
    private readonly store: PendingActionStore,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async create<T extends PendingAction>(fields: NewPendingAction<T>): Promise<T> {
    const createdAt = this.now();
    const action = {
      ...fields,
      id: randomUUID(),
      createdAt: createdAt.toISOString(),
      expiresAt: new Date(createdAt.getTime() + PENDING_ACTION_LIFETIME_MS).toISOString(),
    } as T;
    await this.store.add(action);
    return action;
  }

  /**
   * Marks the action used, once: a second click, a click on an old card, a click by someone else or a
   * forged id gets a reason instead. Someone else's click and an expired card leave the record as it was, so
   * the requester's own click still counts. So does `refuse`: its reason (for example a required detail the
   * click left out) is checked last, on the record as stored, and leaves the card usable.
   */
  async claimOnce<K extends PendingAction['kind'], R extends string = never>(
    kind: K,
    id: string,
    clickerAadObjectId: string | undefined,
    refuse?: (action: Extract<PendingAction, { kind: K }>) => R | undefined,
  ): Promise<ClaimResult<Extract<PendingAction, { kind: K }>, R>> {
    const stored = await this.readOfKind(kind, id);
    if (!stored) return { claimed: false, reason: 'unknown' };
    if (clickerAadObjectId === undefined || stored.action.requesterAadObjectId !== clickerAadObjectId) {
      return { claimed: false, reason: 'not-requester' };
    }
    if (stored.usedAt !== null) return { claimed: false, reason: 'already-used' };
    if (this.hasExpired(stored)) return { claimed: false, reason: 'expired' };
    const refusal = refuse?.(stored.action as Extract<PendingAction, { kind: K }>);
    if (refusal !== undefined) return { claimed: false, reason: refusal };
    const marked = await this.store.markUsed(stored, this.now().toISOString());
    if (marked === 'conflict') return { claimed: false, reason: 'already-used' };
    return { claimed: true, action: stored.action as Extract<PendingAction, { kind: K }> };
  }

  /**
   * Reads an action without using it, for showing its card: whether it is still open, and whether `viewer`
   * is the requester. A card shows its buttons only on that answer; a click is still claimed on its own.
   */
  async look<K extends PendingAction['kind']>(
    kind: K,
    id: string,
    viewerAadObjectId: string | undefined,
  ): Promise<LookResult<Extract<PendingAction, { kind: K }>>> {
    const stored = await this.readOfKind(kind, id);
    if (!stored) return { open: false, reason: 'unknown' };
    if (stored.usedAt !== null) return { open: false, reason: 'already-used' };
    if (this.hasExpired(stored)) return { open: false, reason: 'expired' };
    return {
      open: true,
      action: stored.action as Extract<PendingAction, { kind: K }>,
      viewerIsRequester:
        viewerAadObjectId !== undefined && stored.action.requesterAadObjectId === viewerAadObjectId,
    };
  }

  /** The record behind `id` if it is one of ours and of this kind; a forged id never reaches the store. */
  private async readOfKind(kind: PendingAction['kind'], id: string): Promise<StoredPendingAction | null> {
    if (!isPendingActionId(id)) return null;
    const stored = await this.store.read(id);
    return stored?.action.kind === kind ? stored : null;
  }

  private hasExpired(stored: StoredPendingAction): boolean {
    return Date.parse(stored.action.expiresAt) <= this.now().getTime();
  }
}

/** Ids are random UUIDs; anything else cannot be ours and never reaches the store as a key. */
const ACTION_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

export function isPendingActionId(value: unknown): value is string {
  return typeof value === 'string' && ACTION_ID.test(value);
}
