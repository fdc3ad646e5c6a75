import { checkRequester } from '../policy/resetPolicy';
import type { RequesterProfile } from '../policy/types';
import { loadRequesterProfile } from '../profiles';
import type { RequesterCheck, Requester, ResetDependencies } from './outcomes';
import { attempt, failed, unidentifiedRequester } from './steps';

export const CHECK_REQUESTER = 'check your directory role';

/** Only administrators whose role can reset passwords may use the bot; they learn it before naming anyone. */
export async function checkRequesterMayUseBot(
  requester: Requester,
  deps: Pick<ResetDependencies, 'directory' | 'audit' | 'settings'>,
): Promise<RequesterCheck> {
  if (!requester.aadObjectId) return { kind: 'refused', refusal: unidentifiedRequester() };
  const aadObjectId = requester.aadObjectId;
  const profile = await attempt(() => loadRequesterProfile(deps.directory, aadObjectId, deps.settings));
  if (!profile.ok) return failed(profile.error, CHECK_REQUESTER);
  return screenRequester(profile.value, deps);
}

/**
 * The "Who can reset passwords" table's first question, and the helpdesk group when one is configured, on a
 * profile already read.
 */
export function screenRequester(
  profile: RequesterProfile,
  deps: Pick<ResetDependencies, 'audit' | 'settings'>,
): RequesterCheck {
  const refusal = checkRequester(profile, deps.settings);
  if (refusal === null) return { kind: 'allowed' };
  deps.audit.record({
    action: 'reset-refused',
    requesterAadObjectId: profile.user.id,
    reason: refusal.rule,
  });
  return { kind: 'refused', refusal };
}
