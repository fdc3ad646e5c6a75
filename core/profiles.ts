import type { Directory } from './directory';
import { isGuid, upnDomain } from './directoryIds';
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
  const [{ user, domain }, roles, roleAssignableGroups] = await Promise.all([
    userAndDomain,
    directory.getRoleAssignments(objectId),
    directory.getRoleAssignableGroups(objectId),
  ]);
  return { user, roles, roleAssignableGroups, domain };
}

/** The requester asking for a reset, identified by the Entra object id Teams reports (`from.aadObjectId`). */
export async function loadRequesterProfile(
  directory: Directory,
  aadObjectId: string,
): Promise<RequesterProfile> {
  const [user, roles] = await Promise.all([
    directory.getUser(aadObjectId),
    directory.getRoleAssignments(aadObjectId),
  ]);
  return { user, roles };
}
