import type { AdministrativeUnit, Directory, UserRoles } from './directory';
import { administrativeUnitOfScope, isGuid, upnDomain } from './directoryIds';
import type { RequesterProfile, TargetProfile } from './policy/types';

/**
 * Everything the reset rules read about the user whose password would be reset. The independent reads run in
 * parallel; if any of them fails, the whole profile fails (and with it the reset): a rule that cannot be
 * evaluated never allows.
 */
export async function loadTargetProfile(directory: Directory, userId: string): Promise<TargetProfile> {
  const userAndDomain = directory.getUser(userId).then(async (user) => ({
    user,
    domain: await directory.getDomain(upnDomain(user.userPrincipalName)),
  }));
  // Role and group reads need the object id; a UPN is resolved first.
  const objectId = isGuid(userId) ? userId : (await userAndDomain).user.id;
  const [{ user, domain }, { roles, roleAssignableGroups, roleUnits }] = await Promise.all([
    userAndDomain,
    directory.getUserRoles(objectId).then(async (found) => withRoleUnits(directory, found)),
  ]);
  return { user, roles, roleAssignableGroups, roleUnits, domain };
}

/** The requester asking for a reset, identified by the Entra object id Teams reports (`from.aadObjectId`). */
export async function loadRequesterProfile(
  directory: Directory,
  aadObjectId: string,
): Promise<RequesterProfile> {
  const [user, { roles }] = await Promise.all([
    directory.getUser(aadObjectId),
    // Only the roles decide what a requester may do; the groups they own protect targets, not requesters.
    directory.getUserRoles(aadObjectId, { ownedGroups: false }),
  ]);
  return { user, roles };
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
