import type { AdministrativeUnit, Directory, UserRoles } from './directory';
import { administrativeUnitOfScope, isGuid, upnDomain } from './directoryIds';
import type { PolicySettings, RequesterProfile, TargetProfile } from './policy/types';

/**
 * Everything the reset rules read about the user whose password would be reset. The independent reads run in
 * parallel; if any of them fails, the whole profile fails (and with it the reset): a rule that cannot be
 * evaluated never allows.
 */
export async function loadTargetProfile(
  directory: Directory,
  userId: string,
  settings: Pick<PolicySettings, 'protectedGroupIds'> = {},
): Promise<TargetProfile> {
  const userAndDomain = directory.getUser(userId).then(async (user) => ({
    user,
    domain: await directory.getDomain(upnDomain(user.userPrincipalName)),
  }));
  // Role and group reads need the object id; a UPN is resolved first.
  const objectId = isGuid(userId) ? userId : (await userAndDomain).user.id;
  const [{ user, domain }, { roles, roleAssignableGroups, roleUnits }, inProtectedGroup] = await Promise.all([
    userAndDomain,
    directory.getUserRoles(objectId).then(async (found) => withRoleUnits(directory, found)),
    isMemberOfAny(directory, objectId, settings.protectedGroupIds),
  ]);
  return {
    user,
    roles,
    roleAssignableGroups,
    roleUnits,
    domain,
    ...(inProtectedGroup !== undefined && { inProtectedGroup }),
  };
}

/** The requester asking for a reset, identified by the Entra object id Teams reports (`from.aadObjectId`). */
export async function loadRequesterProfile(
  directory: Directory,
  aadObjectId: string,
  settings: Pick<PolicySettings, 'helpdeskGroupId'> = {},
): Promise<RequesterProfile> {
  const helpdeskGroup = settings.helpdeskGroupId ? [settings.helpdeskGroupId] : undefined;
  const [user, { roles }, inHelpdeskGroup] = await Promise.all([
    directory.getUser(aadObjectId),
    // Only the roles decide what a requester may do; the groups they own protect targets, not requesters.
    directory.getUserRoles(aadObjectId, { ownedGroups: false }),
    isMemberOfAny(directory, aadObjectId, helpdeskGroup),
  ]);
  return { user, roles, ...(inHelpdeskGroup !== undefined && { inHelpdeskGroup }) };
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
