import { AgentFacingError } from '../errors';
import { generateTemporaryPassword } from '../passwords/temporaryPassword';
import { decideReset } from '../policy/resetPolicy';
import { loadRequesterProfile, loadTargetProfile } from '../profiles';
import type {
  PasswordCourier,
  Requester,
  ResetDependencies,
  ResetOptions,
  ResetOutcome,
  SessionsOutcome,
} from './outcomes';
import { attempt, rejected } from './steps';

/**
 * Reset password was clicked. As the Entra guidance reads: authorise the click, screen the reset again (roles
 * may have changed since the card was shown), act, deliver the password privately, audit.
 */
export async function confirmReset(
  requester: Requester,
  resetId: string,
  options: ResetOptions,
  deliverPassword: PasswordCourier,
  deps: ResetDependencies,
): Promise<ResetOutcome> {
  const claim = await deps.pendingActions.claimOnce('reset', resetId, requester.aadObjectId);
  if (!claim.claimed) return rejected(claim.reason, requester, deps.audit);
  const pending = claim.action;
  const audit = {
    requesterAadObjectId: pending.requesterAadObjectId,
    targetId: pending.targetId,
    targetUserPrincipalName: pending.targetUserPrincipalName,
  };

  const profiles = await attempt(() =>
    Promise.all([
      loadRequesterProfile(deps.directory, pending.requesterAadObjectId),
      loadTargetProfile(deps.directory, pending.targetId),
    ]),
  );
  if (!profiles.ok) {
    deps.audit.record({
      ...audit,
      action: 'reset-failed',
      reason: profiles.error.kind,
      graphRequestId: profiles.error.requestId,
    });
    return { kind: 'failed', pending, error: profiles.error, outcomeUnknown: false };
  }
  const decision = decideReset(...profiles.value, deps.settings);
  if (!decision.allowed) {
    deps.audit.record({ ...audit, action: 'reset-refused', reason: decision.refusal.rule });
    return { kind: 'refused', pending, refusal: decision.refusal };
  }

  const temporaryPassword = generateTemporaryPassword();
  const reset = await attempt(() =>
    deps.directory.resetPassword(pending.targetId, temporaryPassword, { requireMfa: options.requireMfa }),
  );
  if (!reset.ok) {
    // A dropped connection, a timeout or a 5xx may hide a reset that went through: say so rather than guess.
    const { outcomeUnknown } = reset.error;
    deps.audit.record({
      ...audit,
      action: 'reset-failed',
      reason: reset.error.kind,
      graphRequestId: reset.error.requestId,
      outcomeUnknown,
    });
    return { kind: 'failed', pending, error: reset.error, outcomeUnknown };
  }

  // From here on the password has changed: nothing may stop it from reaching the requester.
  const revoke = options.revokeSessions ? await revokeSessions(pending.targetId, deps) : undefined;
  const sessions: SessionsOutcome = revoke === undefined ? 'not-requested' : revoke.ok ? 'revoked' : 'failed';
  const sessionsError = revoke?.ok === false ? revoke.error : undefined;
  const passwordDelivery = await deliverPassword(temporaryPassword, pending, options.requireMfa).then(
    () => 'delivered' as const,
    () => 'failed' as const,
  );
  deps.audit.record({
    ...audit,
    action: 'reset-succeeded',
    sessions,
    ...(sessions === 'failed' && {
      sessionsFailure: {
        reason: sessionsError?.kind ?? 'unexpected',
        graphRequestId: sessionsError?.requestId,
      },
    }),
    passwordDelivery,
    requireMfa: options.requireMfa,
  });
  return {
    kind: 'done',
    pending,
    completedAt: new Date().toISOString(),
    sessions,
    sessionsError,
    passwordDelivery,
    requireMfa: options.requireMfa,
  };
}

/** Any failure counts as "not signed out"; `error` says why when the directory said. */
async function revokeSessions(
  userId: string,
  deps: ResetDependencies,
): Promise<{ ok: true } | { ok: false; error?: AgentFacingError }> {
  try {
    await deps.directory.revokeSignInSessions(userId);
    return { ok: true };
  } catch (error) {
    return { ok: false, error: error instanceof AgentFacingError ? error : undefined };
  }
}
