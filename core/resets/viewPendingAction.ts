import type { PendingAction } from '../pendingActions';
import type { PendingActionView, Requester, ResetDependencies } from './outcomes';

/**
 * A card is being shown again (a Universal Actions refresh): the requester of a still-open action sees its
 * buttons, anyone else a view without them, and everyone sees a closed action as closed. Nothing is used up
 * and nothing is audited: showing a card changes nothing, and every click is authorised on its own.
 */
export async function viewPendingAction(
  viewer: Pick<Requester, 'aadObjectId'>,
  kind: PendingAction['kind'],
  id: string,
  deps: Pick<ResetDependencies, 'pendingActions'>,
): Promise<PendingActionView> {
  const look = await deps.pendingActions.look(kind, id, viewer.aadObjectId);
  if (!look.open) return { kind: 'closed', reason: look.reason };
  return { kind: look.viewerIsRequester ? 'requester' : 'onlooker', pending: look.action };
}
