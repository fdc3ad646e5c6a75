import type { Directory } from '../directory';
import { AgentFacingError } from '../errors';

/**
 * What happened after the password changed; the outcome card and the audit record both report it. A step
 * whose request was sent but got no answer (a timeout, a dropped connection, a 5xx) is `unknown`, never
 * `failed`: Graph may have applied it, and the agent must check rather than believe it did not happen.
 */
export type SessionsOutcome = 'revoked' | 'not-requested' | 'failed' | 'unknown';
export type PasswordDeliveryOutcome = 'delivered' | 'failed';

/**
 * Signing the user out of every session, and why not when it did not (or may not have) happened. It runs
 * after the password changed, so nothing it throws may stop the password from reaching the requester: an
 * unexpected failure is reported as unknown, with reason `unexpected`.
 */
export async function revokeSessions(
  userId: string,
  directory: Pick<Directory, 'revokeSignInSessions'>,
): Promise<{ sessions: SessionsOutcome; failure?: { reason: string; error?: AgentFacingError } }> {
  try {
    await directory.revokeSignInSessions(userId);
    return { sessions: 'revoked' };
  } catch (error) {
    if (!(error instanceof AgentFacingError))
      return { sessions: 'unknown', failure: { reason: 'unexpected' } };
    return {
      sessions: error.outcomeUnknown ? 'unknown' : 'failed',
      failure: { reason: error.kind, error },
    };
  }
}
