import { claimReset } from './confirmReset';
import type { CancelOutcome, Requester, ResetDependencies } from './outcomes';

/** Cancel was clicked: nothing changes in the directory. */
export async function cancelReset(
  requester: Pick<Requester, 'aadObjectId'>,
  resetId: string,
  deps: Pick<ResetDependencies, 'pendingActions' | 'audit'>,
): Promise<CancelOutcome> {
  const claim = await claimReset(requester, resetId, deps);
  if (claim.kind === 'rejected') return claim;
  const { pending } = claim;
  deps.audit.record({
    action: 'reset-cancelled',
    requesterAadObjectId: pending.requesterAadObjectId,
    targetId: pending.targetId,
    targetUserPrincipalName: pending.targetUserPrincipalName,
    pendingActionId: pending.id,
  });
  return { kind: 'cancelled', pending, cancelledAt: new Date().toISOString() };
}
