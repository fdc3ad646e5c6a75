import { Role } from './roles';

/**
 * Entra's "Who can reset passwords" table (Microsoft Learn, privileged-roles-permissions, "Who can reset
 * passwords"). Keys are the rows (the role the target holds); values are the columns (the resetter roles
 * that may reset and invalidate refresh tokens of a holder of that row). A role not listed falls in the row
 * "All other built-in and custom roles".
 */
const PA = Role.PasswordAdministrator;
const HA = Role.HelpdeskAdministrator;
const AA = Role.AuthenticationAdministrator;
const UA = Role.UserAdministrator;
const PAA = Role.PrivilegedAuthenticationAdministrator;
const GA = Role.GlobalAdministrator;

const everyResetter = [PA, HA, AA, UA, PAA, GA];
const onlyPrivileged = [PAA, GA];

const resetTable: Record<string, readonly string[]> = {
  [Role.AuthenticationAdministrator]: [AA, PAA, GA],
  [Role.DirectoryReaders]: everyResetter,
  [Role.GlobalAdministrator]: onlyPrivileged,
  [Role.GroupsAdministrator]: [UA, PAA, GA],
  [Role.GuestInviter]: everyResetter,
  [Role.HelpdeskAdministrator]: [HA, UA, PAA, GA],
  [Role.MessageCenterReader]: [HA, AA, UA, PAA, GA],
  [Role.PasswordAdministrator]: everyResetter,
  [Role.PrivilegedAuthenticationAdministrator]: onlyPrivileged,
  [Role.PrivilegedRoleAdministrator]: onlyPrivileged,
  [Role.ReportsReader]: [HA, AA, UA, PAA, GA],
  [Role.UserAdministrator]: [UA, PAA, GA],
  [Role.UserExperienceSuccessManager]: [HA, AA, UA, PAA, GA],
  [Role.UsageSummaryReportsReader]: [HA, AA, UA, PAA, GA],
};

/** Rows that are not roles. */
const noAdminRoleRow = everyResetter;
const roleAssignableGroupRow = onlyPrivileged;
const roleScopedToRestrictedUnitRow = onlyPrivileged;

export interface ScopedRole {
  roleDefinitionId: string;
  /** `/` or `/administrativeUnits/{id}`. */
  directoryScopeId: string;
}

/** What the reset decision looks at on the target's side. */
export interface ResetTarget {
  /** Every role the target holds: active (direct or through a group) and PIM-eligible, at any scope. */
  roles: ScopedRole[];
  memberOrOwnerOfRoleAssignableGroup: boolean;
  /** One of the roles is scoped to a restricted management administrative unit (member of it or not). */
  roleScopedToRestrictedUnit: boolean;
  /** Administrative units the target is a member of, with their restricted-management flag. */
  administrativeUnits: { id: string; restricted: boolean }[];
}

/**
 * Whether a resetter holding `resetterRoles` (active assignments only) may reset the target's password or
 * invalidate its refresh tokens.
 *
 * - Every row the target falls in must be ticked in the column of one single resetter role.
 * - A resetter role counts only if its scope covers the target: tenant-wide, or an administrative unit the
 *   target is a member of.
 * - A role scoped to an administrative unit resets only targets without an administrator role ("Certain role
 *   permissions apply only to non-administrator users when assigned with the scope of an administrative
 *   unit … reset user passwords", admin-units-assign-roles). Privileged Authentication Administrator is the
 *   exception its own row there names ("any user (admin or non-admin)"). Any directory role, active or
 *   eligible, counts as an administrator role here: the safe reading.
 * - A member of a restricted-management administrative unit can be changed only by a role assigned at the
 *   scope of such a unit it belongs to; tenant-wide roles, even Global Administrator, do not count
 *   (admin-units-restricted-management, "Who can modify objects?").
 */
export function mayResetPassword(resetterRoles: ScopedRole[], target: ResetTarget): boolean {
  const restrictedUnits = new Set(target.administrativeUnits.filter((u) => u.restricted).map((u) => u.id));
  const allUnits = new Set(target.administrativeUnits.map((u) => u.id));
  const rows = requiredRows(target);
  const targetIsAdministrator = target.roles.length > 0;

  return resetterRoles.some((resetter) => {
    if (!scopeCovers(resetter.directoryScopeId, restrictedUnits, allUnits)) return false;
    if (isUnitScoped(resetter) && targetIsAdministrator && resetter.roleDefinitionId !== PAA) return false;
    return rows.every((columns) => columns.includes(resetter.roleDefinitionId));
  });
}

/**
 * App-only password changes: "In app-only scenarios, the calling app must be assigned a supported permission
 * and at least the User Administrator Microsoft Entra role" (Graph user resource, `passwordProfile`). The
 * roles at least as strong as User Administrator for passwords are the columns that contain its column.
 */
export const appOnlyPasswordRoles: readonly string[] = [UA, PAA, GA];

/**
 * Tenant-wide roles that read the directory. Service principals get no directory read permission by default,
 * so they can use a role scoped to an administrative unit only alongside "the Directory Readers role (or
 * another role that includes read permissions) at a tenant scope" (admin-units-assign-roles, "Service
 * principals and guest users"). Global Reader and the resetter roles read users too.
 */
const tenantWideReadRoles: readonly string[] = [Role.DirectoryReaders, Role.GlobalReader, ...everyResetter];

/**
 * The caller's roles that Entra lets it use for `operation`. Delegated callers (signed-in members) use every
 * active role; an app's service principal uses unit-scoped roles only with a tenant-wide read role, and
 * changes passwords only with at least User Administrator.
 */
export function usableResetterRoles(
  caller: 'user' | 'servicePrincipal',
  roles: ScopedRole[],
  operation: 'password' | 'sessions',
): ScopedRole[] {
  if (caller === 'user') return roles;
  const readsDirectory = roles.some(
    (r) => r.directoryScopeId === '/' && tenantWideReadRoles.includes(r.roleDefinitionId),
  );
  return roles.filter(
    (r) =>
      (readsDirectory || !isUnitScoped(r)) &&
      (operation === 'sessions' || appOnlyPasswordRoles.includes(r.roleDefinitionId)),
  );
}

function isUnitScoped(role: ScopedRole): boolean {
  return role.directoryScopeId.startsWith('/administrativeUnits/');
}

function requiredRows(target: ResetTarget): (readonly string[])[] {
  const rows: (readonly string[])[] = [];
  if (target.roles.length === 0) rows.push(noAdminRoleRow);
  for (const role of target.roles) rows.push(resetTable[role.roleDefinitionId] ?? onlyPrivileged);
  if (target.memberOrOwnerOfRoleAssignableGroup) rows.push(roleAssignableGroupRow);
  if (target.roleScopedToRestrictedUnit) rows.push(roleScopedToRestrictedUnitRow);
  return rows;
}

function scopeCovers(scope: string, restrictedUnits: Set<string>, allUnits: Set<string>): boolean {
  const unitId = scope.startsWith('/administrativeUnits/')
    ? scope.slice('/administrativeUnits/'.length)
    : null;
  if (restrictedUnits.size > 0) return unitId !== null && restrictedUnits.has(unitId);
  if (scope === '/') return true;
  return unitId !== null && allUnits.has(unitId);
}
