import type { PendingSelection } from '../pendingActions';
import { loadRequesterProfile, loadTargetProfile } from '../profiles';
import { normalizeSearchText } from '../searchText';
import { CHECK_REQUESTER, screenRequester } from './checkRequester';
import type { Requester, ResetDependencies, TargetSearch } from './outcomes';
import { prepareReset } from './prepareReset';
import { attempt, failed, unidentifiedRequester } from './steps';

/** How many matches a picker offers; more means the requester should type a more specific name. */
export const MAX_CANDIDATES = 10;

/**
 * From a typed name to what happens next: nobody matches, a choice among several, or one user's reset
 * prepared (or refused). The requester is checked first; their profile and the search are read together and
 * the profile is read once for the whole turn.
 */
export async function findResetTarget(
  requester: Requester,
  typed: string,
  conversationId: string,
  deps: ResetDependencies,
): Promise<TargetSearch> {
  const query = normalizeSearchText(typed);
  if (query === null) return { kind: 'invalid-query' };
  const aadObjectId = requester.aadObjectId;
  if (!aadObjectId) return { kind: 'refused', refusal: unidentifiedRequester() };

  const profileRead = attempt(() => loadRequesterProfile(deps.directory, aadObjectId, deps.settings));
  const found = await attempt(() => deps.directory.findUsers(query, MAX_CANDIDATES));
  // One match: what the rules need of them is read now, alongside what the requester's profile may still
  // need (the roles of a group they just joined), rather than after it. Nothing is shown before the screen.
  const only = found.ok && found.value.users.length === 1 ? found.value.users[0] : undefined;
  const targetRead = only
    ? attempt(() => loadTargetProfile(deps.directory, only.id, deps.settings, { user: only }))
    : undefined;
  // Left unawaited when the requester is refused: its failure must not go unhandled.
  targetRead?.catch(() => undefined);
  const profile = await profileRead;
  if (!profile.ok) return failed(profile.error, CHECK_REQUESTER);
  const screened = screenRequester(profile.value, deps);
  if (screened.kind !== 'allowed') return screened;
  if (!found.ok) return failed(found.error, 'search the directory');

  const { users, hasMore } = found.value;
  if (users.length === 0) return { kind: 'none', query };
  if (users.length === 1) {
    return prepareReset(requester, users[0].id, conversationId, deps, {
      requesterProfile: profile.value,
      targetProfile: targetRead,
    });
  }
  const candidates = users.slice(0, MAX_CANDIDATES);
  const more = hasMore || users.length > MAX_CANDIDATES;
  const selection = await deps.pendingActions.create<PendingSelection>({
    kind: 'selection',
    requesterAadObjectId: aadObjectId,
    requesterName: requester.name,
    requesterTeamsId: requester.teamsId,
    conversationId,
    candidateIds: candidates.map((user) => user.id),
    shown: {
      query,
      candidates: candidates.map(({ id, displayName, userPrincipalName, jobTitle, department }) => ({
        id,
        displayName,
        userPrincipalName,
        jobTitle,
        department,
      })),
      hasMore: more,
    },
  });
  return { kind: 'choose', query, selection, candidates, hasMore: more };
}
