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
 * - A member of a restricted-management administrative unit can be changed only by a role assigned at the
 *   scope of such a unit it belongs to; tenant-wide roles, even Global Administrator, do not count
 *   (admin-units-restricted-management, "Who can modify objects?").
 */
export function mayResetPassword(resetterRoles: ScopedRole[], target: ResetTarget): boolean {
  const restrictedUnits = new Set(target.administrativeUnits.filter((u) => u.restricted).map((u) => u.id));
  const allUnits = new Set(target.administrativeUnits.map((u) => u.id));
  const rows = requiredRows(target);

  return resetterRoles.some((resetter) => {
    if (!scopeCovers(resetter.directoryScopeId, restrictedUnits, allUnits)) return false;
    return rows.every((columns) => columns.includes(resetter.roleDefinitionId));
  });
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
