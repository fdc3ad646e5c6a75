import { AgentFacingError } from '../errors';
import { generateTemporaryPassword } from '../passwords/temporaryPassword';
import { decideReset } from '../policy/resetPolicy';
import { loadRequesterProfile, loadTargetProfile } from '../profiles';
import type { PendingReset } from '../pendingActions';
import type { CompletedReset, Requester, ResetClaim, ResetDependencies, ResetOptions } from './outcomes';
import { revokeSessions } from './afterReset';
import { checkResetDetails, type ResetDetails, type SubmittedDetails } from './callerVerification';
import { unreachableRefusal } from './privateChat';
import { rateLimitAudit, rateLimitRefusal } from './rateLimitRefusals';
import { attempt, outOfTime, rejected } from './steps';

/**
 * Reset password was clicked: it counts once, and only from the requester. Claimed before anything slow
 * happens, so that a second click while the first is still working is told the card is used. A click
 * without a detail its card required (how the caller was verified, the ticket), or with an invalid one,
 * counts for nothing and leaves the card usable.
 */
export async function claimReset(
  requester: Pick<Requester, 'aadObjectId'>,
  resetId: string,
  deps: Pick<ResetDependencies, 'pendingActions' | 'audit'>,
  submitted: SubmittedDetails = {},
): Promise<ResetClaim> {
  // Checked on the record as stored, inside the claim; a click that passes keeps its details to record.
  let details: ResetDetails = {};
  const claim = await deps.pendingActions.claimOnce('reset', resetId, requester.aadObjectId, (pending) => {
    const checked = checkResetDetails(pending.shown, submitted);
    if (!checked.ok) return checked.problem;
    details = checked.details;
    return undefined;
  });
  if (!claim.claimed) return rejected(claim.reason, requester, deps.audit, resetId);
  return { kind: 'claimed', pending: claim.action, details };
}

/**
 * The claimed reset, as the Entra guidance reads: screen it again (roles may have changed since the card was
 * shown), make sure the password can reach the requester privately, act, deliver, audit. `stop` aborts when
 * there is no time left to start the password change: past it, nothing is changed.
 */
export async function completeReset(
  requester: Requester,
  pending: PendingReset,
  options: ResetOptions,
  deps: ResetDependencies,
  stop?: AbortSignal,
): Promise<CompletedReset> {
  const audit = {
    requesterAadObjectId: pending.requesterAadObjectId,
    targetId: pending.targetId,
    targetUserPrincipalName: pending.targetUserPrincipalName,
    pendingActionId: pending.id,
    ...options.details,
  };

  // The private chat is opened while the directory is read: both must be ready before the change, and
  // neither needs the other, so the click waits for the slower of the two rather than for both in turn.
  const privateChatOpening = requester.privateChat.open();
  // Awaited below unless a read fails first; its failure is not to go unhandled meanwhile.
  privateChatOpening.catch(() => undefined);
  const profiles = await attempt(() =>
    Promise.all([
      loadRequesterProfile(deps.directory, pending.requesterAadObjectId, deps.settings),
      // The user is read again (their account may have changed since the card), their domain alongside.
      loadTargetProfile(deps.directory, pending.targetId, deps.settings, {
        userPrincipalName: pending.targetUserPrincipalName,
      }),
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

  // A password nobody receives is a locked-out user: without a private way to the requester, change nothing.
  const privateChat = await privateChatOpening;
  if (!privateChat.reachable) {
    const refusal = unreachableRefusal(privateChat.reason);
    deps.audit.record({
      ...audit,
      action: 'reset-refused',
      reason: refusal.rule,
      privateChat: privateChat.reason,
    });
    return { kind: 'refused', pending, refusal };
  }
  if (stop?.aborted) {
    const error = outOfTime();
    deps.audit.record({ ...audit, action: 'reset-failed', reason: error.kind, outcomeUnknown: false });
    return { kind: 'failed', pending, error, outcomeUnknown: false };
  }
  // The last check before the change, so that only a reset actually started is counted (see core/rateLimits).
  const limits = await deps.rateLimits.take(pending.requesterAadObjectId, pending.targetId);
  if (!limits.allowed) {
    deps.audit.record({ ...audit, action: 'reset-refused', ...rateLimitAudit(limits) });
    return { kind: 'refused', pending, refusal: rateLimitRefusal(limits, deps.rateLimits.now()) };
  }

  // Always our own strong password: a user synced from on-premises needs one supplied, and Entra's generated
  // one would make the two modes differ for no gain.
  const temporaryPassword = generateTemporaryPassword();
  const requireMfa = options.requireMfa && deps.settings.resetAs === 'bot';
  const reset = await attempt(() =>
    deps.settings.resetAs === 'agent'
      ? resetAsRequester(pending, temporaryPassword, deps)
      : deps.directory.resetPassword(pending.targetId, temporaryPassword, { requireMfa }),
  );
  if (!reset.ok) {
    // A dropped connection, a timeout or a 5xx may hide a reset that went through: say so rather than guess.
    const { outcomeUnknown } = reset.error;
    deps.audit.record({
      ...audit,
      action: 'reset-failed',
      resetAs: deps.settings.resetAs,
      reason: reset.error.kind,
      graphRequestId: reset.error.requestId,
      outcomeUnknown,
    });
    return { kind: 'failed', pending, error: reset.error, outcomeUnknown };
  }

  // From here on the password has changed: nothing may stop it from reaching the requester, and nothing else
  // comes first. The sessions are revoked after the delivery (the card, updated after this returns, says how
  // that went).
  const passwordDelivery = await requester.privateChat.sendTemporaryPassword(
    temporaryPassword,
    pending,
    requireMfa,
  );
  const { sessions, failure: sessionsFailure } = options.revokeSessions
    ? await revokeSessions(pending.targetId, deps.directory)
    : { sessions: 'not-requested' as const, failure: undefined };
  const sessionsError = sessionsFailure?.error;
  deps.audit.record({
    ...audit,
    action: 'reset-succeeded',
    sessions,
    ...(sessionsFailure && {
      sessionsFailure: { reason: sessionsFailure.reason, graphRequestId: sessionsError?.requestId },
    }),
    passwordDelivery,
    requireMfa,
    resetAs: deps.settings.resetAs,
  });
  return {
    kind: 'done',
    pending,
    completedAt: new Date().toISOString(),
    sessions,
    sessionsError,
    passwordDelivery,
    requireMfa,
    details: options.details,
  };
}

/**
 * The password change as the signed-in requester: Entra checks their own active role, scope and restricted
 * units, writes a synced user's password back to on-premises AD, and always requires a change at next
 * sign-in (there is no MFA option on this path).
 */
async function resetAsRequester(
  pending: PendingReset,
  temporaryPassword: string,
  deps: ResetDependencies,
): Promise<void> {
  if (!deps.resetAsRequester) throw signInRequired();
  await deps.resetAsRequester.resetPasswordAsRequester(pending.targetId, temporaryPassword, {
    requesterId: pending.requesterAadObjectId,
  });
}

function signInRequired(): AgentFacingError {
  return new AgentFacingError(
    'SignInRequired',
    'Your sign-in has expired, so I could not reset the password as you. Nothing was changed.',
    'Sign in again when I ask you to, then start the reset again.',
  );
}
