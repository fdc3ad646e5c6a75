import type { AdministrativeUnit, Directory, DirectoryUser, Domain, UserRoles } from './directory';
import { mayResetPasswords } from './policy/resetPolicy';
import { administrativeUnitOfScope, isGuid, upnDomain } from './directoryIds';
import type { PolicySettings, RequesterProfile, TargetProfile } from './policy/types';

/**
 * What the caller already knows of the target: the user as the search returned them in this same turn (read
 * moments ago, so not read again), or the sign-in name the card was shown for (to read the domain alongside
 * the user rather than after).
 */
export interface KnownTarget {
  user?: DirectoryUser;
  userPrincipalName?: string;
}

/**
 * Everything the reset rules read about the user whose password would be reset, in one wave of parallel reads
 * (the Graph adapter sends reads started together as one request): the user, their roles, groups and domain.
 * If any read fails, the whole profile fails (and with it the reset): a rule that cannot be evaluated never
 * allows. The domain is read for the name the caller knows; if the user's name turns out to be on another
 * domain, that domain is read too, so the rules always see the domain of the name as read now.
 */
export async function loadTargetProfile(
  directory: Directory,
  userId: string,
  settings: Pick<PolicySettings, 'protectedGroupIds'> = {},
  known: KnownTarget = {},
): Promise<TargetProfile> {
  const knownName = known.user?.userPrincipalName ?? known.userPrincipalName;
  const reads = known.user ? Promise.resolve(known.user) : directory.getUser(userId);
  const guessedDomain = knownName === undefined ? undefined : domainOf(directory, knownName);
  // Role and group reads need the object id; a UPN is resolved first.
  const objectId = isGuid(userId) ? userId : (await reads).id;
  const [user, { roles, roleAssignableGroups, roleUnits }, inProtectedGroup, guessed] = await Promise.all([
    reads,
    directory.getUserRoles(objectId).then(async (found) => withRoleUnits(directory, found)),
    isMemberOfAny(directory, objectId, settings.protectedGroupIds),
    guessedDomain,
  ]);
  const domainName = upnDomain(user.userPrincipalName);
  const domain =
    guessed !== undefined && guessed.name === domainName
      ? guessed.domain
      : await directory.getDomain(domainName);
  return {
    user,
    roles,
    roleAssignableGroups,
    roleUnits,
    domain,
    ...(inProtectedGroup !== undefined && { inProtectedGroup }),
  };
}

async function domainOf(
  directory: Directory,
  userPrincipalName: string,
): Promise<{ name: string; domain: Domain | null }> {
  const name = upnDomain(userPrincipalName);
  return { name, domain: await directory.getDomain(name) };
}

/**
 * The requester asking for a reset, identified by the Entra object id Teams reports (`from.aadObjectId`). Only
 * their active roles decide what they may do, so only those are read, with the group memberships that lend
 * roles; their PIM-eligible roles are read only when the active ones allow nothing, to tell them to activate
 * one. Their user object is not read: the rules need only the id (the membership read fails for an id that is
 * not a user of this tenant).
 */
export async function loadRequesterProfile(
  directory: Directory,
  aadObjectId: string,
  settings: Pick<PolicySettings, 'helpdeskGroupId'> = {},
): Promise<RequesterProfile> {
  const helpdeskGroup = settings.helpdeskGroupId ? [settings.helpdeskGroupId] : undefined;
  const [{ roles: active }, inHelpdeskGroup] = await Promise.all([
    // The groups they own protect targets, not requesters.
    directory.getUserRoles(aadObjectId, { ownedGroups: false, eligible: false }),
    isMemberOfAny(directory, aadObjectId, helpdeskGroup),
  ]);
  const roles = mayResetPasswords(active)
    ? active
    : [...active, ...(await directory.getEligibleRoles(aadObjectId))];
  return {
    user: { id: aadObjectId },
    roles,
    ...(inHelpdeskGroup !== undefined && { inHelpdeskGroup }),
  };
}

/** undefined when there are no groups to ask about; a failed check fails the profile (and with it the reset). */
async function isMemberOfAny(
  directory: Directory,
  userId: string,
  groupIds: readonly string[] | undefined,
): Promise<boolean | undefined> {
  if (groupIds === undefined || groupIds.length === 0) return undefined;
  const wanted = new Set(groupIds.map((id) => id.toLowerCase()));
  // Only an id that was asked about counts: a hostile or confused answer cannot make anyone a member.
  return (await directory.memberGroupsOf(userId, groupIds)).some((id) => wanted.has(id.toLowerCase()));
}

/** A role scoped to a restricted management unit protects its holder: read each unit once. */
async function withRoleUnits(
  directory: Directory,
  found: UserRoles,
): Promise<UserRoles & { roleUnits: AdministrativeUnit[] }> {
  const unitIds = [
    ...new Set(found.roles.flatMap((role) => administrativeUnitOfScope(role.directoryScopeId) ?? [])),
  ];
  const roleUnits = await Promise.all(unitIds.map(async (id) => directory.getAdministrativeUnit(id)));
  return { ...found, roleUnits };
}
