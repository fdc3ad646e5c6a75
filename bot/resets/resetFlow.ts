import type { AuditLog } from '../audit/auditLog';
import type { Directory } from '../directory/types';
import { loadRequesterProfile, loadTargetProfile } from '../directory/profiles';
import { AgentFacingError } from '../errors/agentFacingError';
import { mayHaveBeenApplied, toAgentFacingError } from '../errors/graphErrors';
import { generateTemporaryPassword } from '../passwords/temporaryPassword';
import { checkRequester, decideReset } from '../policy/resetPolicy';
import type { PolicySettings, Refusal, TargetProfile } from '../policy/types';
import type { ClaimResult, PendingActions, PendingReset, PendingSelection } from './pendingActions';

/**
 * The password-reset use cases, in the order the agent meets them: may this agent use the bot, prepare a
 * confirmation for one user, pick one of several matches, confirm, cancel. Each reads like the Entra
 * guidance it follows; the cards and the conversation live elsewhere.
 */

/** The agent, as Teams identifies them: by Entra object id, never by a name or typed text. */
export interface Requester {
  aadObjectId: string | undefined;
  name: string;
}

export interface ResetDependencies {
  directory: Directory;
  pendingActions: PendingActions;
  settings: PolicySettings;
  audit: AuditLog;
}

export type ClaimFailure =
  Extract<ClaimResult<PendingReset>, { claimed: false }>['reason'] | 'not-a-candidate';

export type Preparation =
  | { kind: 'ready'; pending: PendingReset; target: TargetProfile; warnings: string[] }
  | { kind: 'refused'; refusal: Refusal };

export type ResetOutcome =
  | { kind: 'rejected'; reason: ClaimFailure }
  | { kind: 'refused'; pending: PendingReset; refusal: Refusal }
  /** The password was not changed, or (`outcomeUnknown`) Graph could not tell us whether it was. */
  | { kind: 'failed'; pending: PendingReset; error: AgentFacingError; outcomeUnknown: boolean }
  | {
      kind: 'done';
      pending: PendingReset;
      completedAt: string;
      sessions: 'revoked' | 'not-requested' | 'failed';
      passwordDelivery: 'delivered' | 'failed';
      requireMfa: boolean;
    };

export interface ResetOptions {
  revokeSessions: boolean;
  requireMfa: boolean;
}

/** Hands the temporary password to the requester privately; the only place it ever goes. */
export type PasswordCourier = (
  temporaryPassword: string,
  pending: PendingReset,
  requireMfa: boolean,
) => Promise<void>;

/** Only administrators whose role can reset passwords may use the bot at all. */
export async function checkRequesterMayUseBot(
  requester: Requester,
  deps: Pick<ResetDependencies, 'directory' | 'audit'>,
): Promise<Refusal | null> {
  if (!requester.aadObjectId) return unidentifiedRequester();
  const profile = await loadRequesterProfile(deps.directory, requester.aadObjectId);
  const refusal = checkRequester(profile);
  if (refusal)
    deps.audit.record({
      action: 'reset-refused',
      requesterAadObjectId: requester.aadObjectId,
      reason: refusal.rule,
    });
  return refusal;
}

/** Decides whether this agent may reset this user and, if so, records the pending confirmation. */
export async function prepareReset(
  requester: Requester,
  targetId: string,
  conversationId: string,
  deps: ResetDependencies,
): Promise<Preparation> {
  if (!requester.aadObjectId) return { kind: 'refused', refusal: unidentifiedRequester() };
  const [requesterProfile, target] = await Promise.all([
    loadRequesterProfile(deps.directory, requester.aadObjectId),
    loadTargetProfile(deps.directory, targetId),
  ]);
  const decision = decideReset(requesterProfile, target, deps.settings); // the "Who can reset passwords" table and the seed's rules
  if (!decision.allowed) {
    deps.audit.record({
      action: 'reset-refused',
      requesterAadObjectId: requester.aadObjectId,
      targetId: target.user.id,
      targetUserPrincipalName: target.user.userPrincipalName,
      reason: decision.refusal.rule,
    });
    return { kind: 'refused', refusal: decision.refusal };
  }
  const pending = await deps.pendingActions.create<PendingReset>({
    kind: 'reset',
    requesterAadObjectId: requester.aadObjectId,
    requesterName: requester.name,
    conversationId,
    targetId: target.user.id,
    targetDisplayName: target.user.displayName,
    targetUserPrincipalName: target.user.userPrincipalName,
  });
  return { kind: 'ready', pending, target, warnings: decision.warnings };
}

/** Records a list of matches the agent will pick from. */
export async function offerSelection(
  requester: Requester,
  candidateIds: string[],
  conversationId: string,
  deps: Pick<ResetDependencies, 'pendingActions'>,
): Promise<PendingSelection> {
  if (!requester.aadObjectId)
    throw new AgentFacingError(
      'NotAllowed',
      unidentifiedRequester().reason,
      unidentifiedRequester().nextStep,
    );
  return deps.pendingActions.create<PendingSelection>({
    kind: 'selection',
    requesterAadObjectId: requester.aadObjectId,
    requesterName: requester.name,
    conversationId,
    candidateIds,
  });
}

/** The agent picked one of the offered users: only one of those, only once, only the agent who asked. */
export async function pickUser(
  clicker: Requester,
  selectionId: string,
  userId: string,
  conversationId: string,
  deps: ResetDependencies,
): Promise<Preparation | { kind: 'rejected'; reason: ClaimFailure }> {
  const claim = await deps.pendingActions.claim('selection', selectionId, clicker.aadObjectId);
  if (!claim.claimed) return rejected(claim.reason, clicker, deps.audit);
  if (!claim.action.candidateIds.includes(userId)) return rejected('not-a-candidate', clicker, deps.audit);
  return prepareReset(clicker, userId, conversationId, deps);
}

/** Reset password was clicked: check everything again, reset, revoke sessions, deliver privately. */
export async function confirmReset(
  clicker: Requester,
  resetId: string,
  options: ResetOptions,
  deliverPassword: PasswordCourier,
  deps: ResetDependencies,
): Promise<ResetOutcome> {
  const claim = await deps.pendingActions.claim('reset', resetId, clicker.aadObjectId);
  if (!claim.claimed) return rejected(claim.reason, clicker, deps.audit);
  const pending = claim.action;
  const audit = {
    requesterAadObjectId: pending.requesterAadObjectId,
    targetId: pending.targetId,
    targetUserPrincipalName: pending.targetUserPrincipalName,
  };

  let requester, target;
  try {
    [requester, target] = await Promise.all([
      loadRequesterProfile(deps.directory, pending.requesterAadObjectId),
      loadTargetProfile(deps.directory, pending.targetId),
    ]);
  } catch (error) {
    const failure = toAgentFacingError(error, 'check whether the reset is still allowed');
    deps.audit.record({
      ...audit,
      action: 'reset-failed',
      reason: failure.kind,
      graphRequestId: failure.requestId,
    });
    return { kind: 'failed', pending, error: failure, outcomeUnknown: false };
  }
  const decision = decideReset(requester, target, deps.settings); // roles may have changed since the card was shown
  if (!decision.allowed) {
    deps.audit.record({ ...audit, action: 'reset-refused', reason: decision.refusal.rule });
    return { kind: 'refused', pending, refusal: decision.refusal };
  }

  const temporaryPassword = generateTemporaryPassword();
  try {
    await deps.directory.resetPassword(pending.targetId, temporaryPassword, {
      requireMfa: options.requireMfa,
    });
  } catch (error) {
    const failure = toAgentFacingError(error, 'reset the password');
    // A dropped connection, a timeout or a 5xx may hide a reset that went through: say so rather than guess.
    const outcomeUnknown = mayHaveBeenApplied(error);
    deps.audit.record({
      ...audit,
      action: 'reset-failed',
      reason: failure.kind,
      graphRequestId: failure.requestId,
      outcomeUnknown,
    });
    return { kind: 'failed', pending, error: failure, outcomeUnknown };
  }

  const sessions = options.revokeSessions ? await revokeSessions(pending.targetId, deps) : 'not-requested';
  const passwordDelivery = await deliverPassword(temporaryPassword, pending, options.requireMfa).then(
    () => 'delivered' as const,
    () => 'failed' as const,
  );
  deps.audit.record({
    ...audit,
    action: 'reset-succeeded',
    sessions,
    passwordDelivery,
    requireMfa: options.requireMfa,
  });
  return {
    kind: 'done',
    pending,
    completedAt: new Date().toISOString(),
    sessions,
    passwordDelivery,
    requireMfa: options.requireMfa,
  };
}

/** Cancel was clicked. */
export async function cancelReset(
  clicker: Requester,
  resetId: string,
  deps: Pick<ResetDependencies, 'pendingActions' | 'audit'>,
): Promise<
  | { kind: 'cancelled'; pending: PendingReset; cancelledAt: string }
  | { kind: 'rejected'; reason: ClaimFailure }
> {
  const claim = await deps.pendingActions.claim('reset', resetId, clicker.aadObjectId);
  if (!claim.claimed) return rejected(claim.reason, clicker, deps.audit);
  deps.audit.record({
    action: 'reset-cancelled',
    requesterAadObjectId: claim.action.requesterAadObjectId,
    targetId: claim.action.targetId,
    targetUserPrincipalName: claim.action.targetUserPrincipalName,
  });
  return { kind: 'cancelled', pending: claim.action, cancelledAt: new Date().toISOString() };
}

async function revokeSessions(userId: string, deps: ResetDependencies): Promise<'revoked' | 'failed'> {
  try {
    await deps.directory.revokeSignInSessions(userId);
    return 'revoked';
  } catch {
    return 'failed';
  }
}

function rejected(
  reason: ClaimFailure,
  clicker: Requester,
  audit: AuditLog,
): { kind: 'rejected'; reason: ClaimFailure } {
  audit.record({ action: 'card-action-rejected', requesterAadObjectId: clicker.aadObjectId, reason });
  return { kind: 'rejected', reason };
}

function unidentifiedRequester(): Refusal {
  return {
    rule: 'requester-not-admin',
    reason: 'I could not tell who you are in the directory, so I cannot check that you may reset passwords.',
    nextStep: 'Use the bot from Microsoft Teams signed in with your work account.',
  };
}
