import { randomUUID } from 'node:crypto';
import type { Storage, StoreItem } from 'botbuilder';

/**
 * Server-side records behind the buttons of our cards. A card carries only an unguessable id; who may
 * click, on which user, and whether the click is still valid are decided from these records, never from
 * what the card sends back (anyone can forge a card payload).
 */
interface PendingActionBase {
  id: string;
  /** Entra object id of the agent who asked; the only person whose click counts. */
  requesterAadObjectId: string;
  requesterName: string;
  conversationId: string;
  createdAt: string;
  expiresAt: string;
}

/** A list of matching users shown for the agent to pick one. */
export interface PendingSelection extends PendingActionBase {
  kind: 'selection';
  candidateIds: string[];
}

/** A confirmation card waiting for Reset password or Cancel. */
export interface PendingReset extends PendingActionBase {
  kind: 'reset';
  targetId: string;
  targetDisplayName: string;
  targetUserPrincipalName: string;
}

export type PendingAction = PendingSelection | PendingReset;
type NewPendingAction<T extends PendingAction> = Omit<T, 'id' | 'createdAt' | 'expiresAt'>;

export type ClaimResult<T extends PendingAction> =
  | { claimed: true; action: T }
  | { claimed: false; reason: 'unknown' | 'not-requester' | 'expired' | 'already-used' };

interface StoredAction extends StoreItem {
  action: PendingAction;
  usedAt: string | null;
}

/** Confirmation cards outlive a coffee break, not a working day. */
export const PENDING_ACTION_LIFETIME_MS = 15 * 60 * 1000;

export class PendingActions {
  constructor(
    private readonly storage: Storage,
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
    const item: StoredAction = { action, usedAt: null };
    await this.storage.write({ [storageKey(action.id)]: item });
    return action;
  }

  /**
   * Marks the action used, once: a second click, a click on an old card, a click by someone else or a
   * forged id gets a reason instead. The write is eTag-conditional, so two clicks racing (even on two
   * instances sharing the storage) cannot both win.
   */
  async claim<K extends PendingAction['kind']>(
    kind: K,
    id: string,
    clickerAadObjectId: string | undefined,
  ): Promise<ClaimResult<Extract<PendingAction, { kind: K }>>> {
    const key = storageKey(id);
    const items = await this.storage.read([key]);
    const stored = items[key] as StoredAction | undefined;
    if (!stored || stored.action.kind !== kind) return { claimed: false, reason: 'unknown' };
    if (clickerAadObjectId === undefined || stored.action.requesterAadObjectId !== clickerAadObjectId) {
      return { claimed: false, reason: 'not-requester' };
    }
    if (stored.usedAt !== null) return { claimed: false, reason: 'already-used' };
    if (Date.parse(stored.action.expiresAt) <= this.now().getTime())
      return { claimed: false, reason: 'expired' };

    const used: StoredAction = { ...stored, usedAt: this.now().toISOString() };
    try {
      await this.storage.write({ [key]: used });
    } catch (error) {
      if (error instanceof Error && /eTag conflict/i.test(error.message)) {
        return { claimed: false, reason: 'already-used' };
      }
      throw error;
    }
    return { claimed: true, action: stored.action as Extract<PendingAction, { kind: K }> };
  }
}

/** Ids are random UUIDs; anything else cannot be ours and never reaches the storage as a key. */
const ACTION_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

export function isPendingActionId(value: unknown): value is string {
  return typeof value === 'string' && ACTION_ID.test(value);
}

function storageKey(id: string): string {
  return `pending-actions/${id}`;
}
