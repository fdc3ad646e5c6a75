import type { AuditSink } from '../audit';
import { AgentFacingError } from '../errors';
import type { Refusal } from '../policy/types';
import type { ClaimFailure, Rejected, Requester, StepFailure } from './outcomes';

/** A directory step's answer, or its expected failure (an `AgentFacingError`) as a value. */
export type Attempt<T> = { ok: true; value: T } | { ok: false; error: AgentFacingError };

/**
 * Runs a directory step. The directory port fails only with `AgentFacingError`; anything else is a bug and
 * propagates, so that it is reported as one rather than as Graph's fault.
 */
export async function attempt<T>(work: () => Promise<T>): Promise<Attempt<T>> {
  try {
    return { ok: true, value: await work() };
  } catch (error) {
    if (error instanceof AgentFacingError) return { ok: false, error };
    throw error;
  }
}

export function failed(error: AgentFacingError, doing: string): StepFailure {
  return { kind: 'failed', error, doing };
}

/** A click that counts for nothing, audited with the id of the card it was on (`pendingActionId`). */
export function rejected(
  reason: ClaimFailure,
  requester: Pick<Requester, 'aadObjectId'>,
  audit: AuditSink,
  pendingActionId: string,
): Rejected {
  audit.record({
    action: 'card-action-rejected',
    requesterAadObjectId: requester.aadObjectId,
    reason,
    pendingActionId,
  });
  return { kind: 'rejected', reason };
}

/** Teams sends the sender's Entra object id with every activity in a tenant; without it nothing is allowed. */
export function unidentifiedRequester(): Refusal {
  return {
    rule: 'requester-not-admin',
    reason: 'I could not tell who you are in the directory, so I cannot check that you may reset passwords.',
    nextStep: 'Use the bot from Microsoft Teams signed in with your work account.',
  };
}

/** The click's time ran out before the password change started: nothing was changed. */
export function outOfTime(): AgentFacingError {
  return new AgentFacingError(
    'TimedOut',
    'The checks before the reset took longer than a click may take, so I stopped before changing the password.',
    'Try again in a few minutes. If it keeps happening, contact the team that runs this bot.',
  );
}
