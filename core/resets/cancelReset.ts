import type { CancelOutcome, Requester, ResetDependencies } from './outcomes';
import { rejected } from './steps';

/** Cancel was clicked: nothing changes in the directory. */
export async function cancelReset(
  requester: Pick<Requester, 'aadObjectId'>,
  resetId: string,
  deps: Pick<ResetDependencies, 'pendingActions' | 'audit'>,
): Promise<CancelOutcome> {
  const claim = await deps.pendingActions.claimOnce('reset', resetId, requester.aadObjectId);
  if (!claim.claimed) return rejected(claim.reason, requester, deps.audit);
  deps.audit.record({
    action: 'reset-cancelled',
    requesterAadObjectId: claim.action.requesterAadObjectId,
    targetId: claim.action.targetId,
    targetUserPrincipalName: claim.action.targetUserPrincipalName,
  });
  return { kind: 'cancelled', pending: claim.action, cancelledAt: new Date().toISOString() };
}
