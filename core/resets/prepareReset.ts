import type { PendingReset } from '../pendingActions';
import { decideReset } from '../policy/resetPolicy';
import type { RequesterProfile, TargetProfile } from '../policy/types';
import { loadRequesterProfile, loadTargetProfile } from '../profiles';
import type { Preparation, Rejected, Requester, ResetDependencies } from './outcomes';
import { detailsToAsk } from './callerVerification';
import { unreachableRefusal } from './privateChat';
import { rateLimitAudit, rateLimitRefusal } from './rateLimitRefusals';
import { attempt, failed, rejected, unidentifiedRequester, type Attempt } from './steps';

const CHECK_RESET = 'check whether this reset is allowed';

/** What this turn has already read, so that it is not read twice. */
export interface ReadThisTurn {
  /** The requester's profile. */
  requesterProfile?: RequesterProfile;
  /** The target's profile, already being read (from the user the search returned). */
  targetProfile?: Promise<Attempt<TargetProfile>>;
}

/** Decides whether this requester may reset this user and, if so, records the pending confirmation. */
export async function prepareReset(
  requester: Requester,
  targetId: string,
  conversationId: string,
  deps: ResetDependencies,
  read: ReadThisTurn = {},
): Promise<Preparation> {
  const aadObjectId = requester.aadObjectId;
  if (!aadObjectId) return { kind: 'refused', refusal: unidentifiedRequester() };
  const { requesterProfile } = read;
  const [requesterRead, targetRead] = await Promise.all([
    requesterProfile
      ? { ok: true as const, value: requesterProfile }
      : attempt(() => loadRequesterProfile(deps.directory, aadObjectId, deps.settings)),
    read.targetProfile ?? attempt(() => loadTargetProfile(deps.directory, targetId, deps.settings)),
  ]);
  if (!requesterRead.ok) return failed(requesterRead.error, CHECK_RESET);
  if (!targetRead.ok) return failed(targetRead.error, CHECK_RESET);
  const target = targetRead.value;

  const decision = decideReset(requesterRead.value, target, deps.settings); // the "Who can reset passwords" table and the seed's rules
  if (!decision.allowed) {
    deps.audit.record({
      action: 'reset-refused',
      requesterAadObjectId: aadObjectId,
      targetId: target.user.id,
      targetUserPrincipalName: target.user.userPrincipalName,
      reason: decision.refusal.rule,
    });
    return { kind: 'refused', refusal: decision.refusal };
  }
  // The agent learns of a reached limit now rather than on the click (which takes the slot, and decides).
  const limits = await deps.rateLimits.check(aadObjectId, target.user.id);
  if (!limits.allowed) {
    deps.audit.record({
      action: 'reset-refused',
      requesterAadObjectId: aadObjectId,
      targetId: target.user.id,
      targetUserPrincipalName: target.user.userPrincipalName,
      ...rateLimitAudit(limits),
    });
    return { kind: 'refused', refusal: rateLimitRefusal(limits, deps.rateLimits.now()) };
  }
  // Offer no button whose password could not reach the requester privately.
  const privateChat = await requester.privateChat.open();
  if (!privateChat.reachable) {
    const refusal = unreachableRefusal(privateChat.reason);
    deps.audit.record({
      action: 'reset-refused',
      requesterAadObjectId: aadObjectId,
      targetId: target.user.id,
      targetUserPrincipalName: target.user.userPrincipalName,
      reason: refusal.rule,
      privateChat: privateChat.reason,
    });
    return { kind: 'refused', refusal };
  }
  const { user } = target;
  const pending = await deps.pendingActions.create<PendingReset>({
    kind: 'reset',
    requesterAadObjectId: aadObjectId,
    requesterName: requester.name,
    requesterTeamsId: requester.teamsId,
    conversationId,
    targetId: user.id,
    targetDisplayName: user.displayName,
    targetUserPrincipalName: user.userPrincipalName,
    shown: {
      target: {
        jobTitle: user.jobTitle,
        department: user.department,
        accountEnabled: user.accountEnabled,
        onPremisesSyncEnabled: user.onPremisesSyncEnabled,
        lastPasswordChangeDateTime: user.lastPasswordChangeDateTime,
      },
      warnings: decision.warnings,
      mfaOption: deps.settings.resetAs === 'bot',
      ...detailsToAsk(deps.verification),
    },
  });
  deps.audit.record({
    action: 'reset-offered',
    requesterAadObjectId: aadObjectId,
    targetId: user.id,
    targetUserPrincipalName: user.userPrincipalName,
    pendingActionId: pending.id,
  });
  return { kind: 'ready', pending, target, warnings: decision.warnings };
}

/**
 * The requester picked one of the offered users: only one of those, only once, only the one who asked. A pick
 * of someone not offered (a forged card payload) is refused before the picker is used, so that the real
 * choice can still be made.
 */
export async function pickUser(
  requester: Requester,
  selectionId: string,
  userId: string,
  conversationId: string,
  deps: ResetDependencies,
): Promise<Preparation | Rejected> {
  const offered = await deps.pendingActions.look('selection', selectionId, requester.aadObjectId);
  if (offered.open && offered.viewerIsRequester && !offered.action.candidateIds.includes(userId)) {
    return rejected('not-a-candidate', requester, deps.audit, selectionId);
  }
  const claim = await deps.pendingActions.claimOnce('selection', selectionId, requester.aadObjectId);
  if (!claim.claimed) return rejected(claim.reason, requester, deps.audit, selectionId);
  if (!claim.action.candidateIds.includes(userId))
    return rejected('not-a-candidate', requester, deps.audit, selectionId);
  return prepareReset(requester, userId, conversationId, deps);
}
