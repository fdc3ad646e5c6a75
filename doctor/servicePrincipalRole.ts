import { ROLE, roleName } from '../core/policy/resetRoles';
import type { ResetMode } from '../graph/permissions';
import { result, type CheckResult } from './checks';

/** A direct role assignment of the bot's service principal (`unifiedRoleAssignment`). */
export interface RoleAssignmentRow {
  roleDefinitionId: string;
  directoryScopeId: string;
}

export const ROLE_CHECK = "Directory role of the bot's service principal";

/**
 * "In app-only scenarios, the calling app must be assigned a supported permission and at least the User
 * Administrator Microsoft Entra role" (Graph user resource, `passwordProfile`): the roles at least as strong
 * for passwords.
 */
const APP_ONLY_PASSWORD_ROLES: readonly string[] = [
  ROLE.userAdministrator,
  ROLE.privilegedAuthenticationAdministrator,
  ROLE.globalAdministrator,
];
const TOO_WEAK_FOR_APP_ONLY: readonly string[] = [
  ROLE.helpdeskAdministrator,
  ROLE.passwordAdministrator,
  ROLE.authenticationAdministrator,
];
const RESETS_ANY_ADMINISTRATOR: readonly string[] = [
  ROLE.privilegedAuthenticationAdministrator,
  ROLE.globalAdministrator,
];
/**
 * A service principal uses a role scoped to an administrative unit only with "the Directory Readers role (or
 * another role that includes read permissions) at a tenant scope" (admin-units-assign-roles).
 */
const TENANT_WIDE_READ_ROLES: readonly string[] = [
  ROLE.directoryReaders,
  ROLE.globalReader,
  ...TOO_WEAK_FOR_APP_ONLY,
  ...APP_ONLY_PASSWORD_ROLES,
];

const RECOMMENDED =
  'Assign the app User Administrator scoped to an administrative unit that holds only the users the helpdesk ' +
  'serves (Entra admin center → Roles & admins → Admin units → the unit → Roles and administrators → User ' +
  'Administrator → Add assignments → the app), and Directory Readers tenant-wide (Roles & admins → Directory ' +
  'Readers → Add assignments), both as direct, active assignments.';

/**
 * Judges the service principal's direct, active role assignments against what the mode needs: an app-only
 * reset (`RESET_AS=bot`), or none at all (`RESET_AS=agent`).
 */
export function assessServicePrincipalRoles(
  assignments: readonly RoleAssignmentRow[],
  mode: ResetMode,
): CheckResult {
  return mode === 'agent' ? assessForAgentMode(assignments) : assessForBotMode(assignments);
}

/** Roles that manage passwords or authentication methods: an app's own reset needs one; agent mode none. */
const MANAGES_PASSWORDS: readonly string[] = [...APP_ONLY_PASSWORD_ROLES, ...TOO_WEAK_FOR_APP_ONLY];

/**
 * With `RESET_AS=agent` the signed-in agent's delegated token changes the password, and Entra checks the
 * agent's own role; the bot's app-only calls (reads, revoking sessions) need its Graph permissions, not a
 * directory role. A role that manages passwords is more than the bot needs: a warning, never blocking.
 */
function assessForAgentMode(assignments: readonly RoleAssignmentRow[]): CheckResult {
  const passwordRoles = assignments.filter((a) => MANAGES_PASSWORDS.includes(a.roleDefinitionId));
  if (passwordRoles.length > 0) {
    return result(
      ROLE_CHECK,
      'warning',
      `holds ${describe(passwordRoles)}: more than RESET_AS=agent needs. The signed-in agent's own token ` +
        "changes the password and Entra checks the agent's role; the bot's own token only reads the directory " +
        'and revokes sessions, with its Graph permissions. A stolen bot credential could use the role',
      `Remove ${names(passwordRoles)} from the app (Entra admin center → Roles & admins → the role → ` +
        'Assignments → the app → Remove), unless you plan to switch to RESET_AS=bot.',
    );
  }
  return result(
    ROLE_CHECK,
    'ok',
    (assignments.length > 0
      ? `holds ${describe(assignments)}, no role that manages passwords`
      : 'holds no directory role (direct, active)') +
      ": enough for RESET_AS=agent, where the signed-in agent's own token changes the password and Entra " +
      "checks the agent's role; the bot reads the directory and revokes sessions with its Graph permissions",
  );
}

/** Judges the service principal's direct, active role assignments against what an app-only reset needs. */
function assessForBotMode(assignments: readonly RoleAssignmentRow[]): CheckResult {
  const resetRoles = assignments.filter((a) => APP_ONLY_PASSWORD_ROLES.includes(a.roleDefinitionId));
  if (resetRoles.length === 0) {
    const weak = assignments.filter((a) => TOO_WEAK_FOR_APP_ONLY.includes(a.roleDefinitionId));
    return result(
      ROLE_CHECK,
      'blocking',
      weak.length > 0
        ? `holds ${describe(weak)}: not enough. Graph changes a password for an app only if it holds at least ` +
            'User Administrator, so every reset would fail with 403'
        : assignments.length > 0
          ? `holds ${describe(assignments)}, none of which lets an app change passwords: every reset would fail with 403`
          : 'holds no directory role (direct, active): every reset would fail with 403',
      weak.length > 0 ? `${RECOMMENDED} Then remove ${names(weak)}.` : RECOMMENDED,
    );
  }

  const anyAdministrator = resetRoles.filter((a) => RESETS_ANY_ADMINISTRATOR.includes(a.roleDefinitionId));
  if (anyAdministrator.length > 0) {
    return result(
      ROLE_CHECK,
      'warning',
      `holds ${describe(anyAdministrator)}: resets work, but a bug or a stolen credential could reset any ` +
        'administrator, Global Administrators included',
      `${RECOMMENDED} Then remove ${names(anyAdministrator)}.`,
    );
  }

  const tenantWide = resetRoles.filter((a) => a.directoryScopeId === '/');
  if (tenantWide.length > 0) {
    return result(
      ROLE_CHECK,
      'ok',
      'holds User Administrator tenant-wide: the bot can reset non-administrators and limited administrators ' +
        '(Helpdesk, Password, User, Groups Administrators…) anywhere in the tenant; its own checks narrow each ' +
        "reset to what the agent's role covers",
      'Optional, and recommended: scope it to an administrative unit holding only the users the helpdesk ' +
        'serves, with Directory Readers tenant-wide.',
    );
  }

  const readsDirectory = assignments.some(
    (a) => a.directoryScopeId === '/' && TENANT_WIDE_READ_ROLES.includes(a.roleDefinitionId),
  );
  if (!readsDirectory) {
    return result(
      ROLE_CHECK,
      'blocking',
      `holds ${describe(resetRoles)} but no tenant-wide role that reads the directory: Entra ignores a ` +
        "service principal's role scoped to an administrative unit without one, so every reset would fail with 403",
      'Assign the app Directory Readers tenant-wide (Entra admin center → Roles & admins → Directory Readers → ' +
        'Add assignments).',
    );
  }
  return result(
    ROLE_CHECK,
    'ok',
    `holds ${describe(resetRoles)}, with a tenant-wide read role: the bot can reset only members of that unit ` +
      'who hold no administrator role; for anyone else Entra answers 403 and the bot says its role does not ' +
      'cover the user',
  );
}

function describe(assignments: readonly RoleAssignmentRow[]): string {
  return assignments
    .map(
      (a) => `${roleName(a.roleDefinitionId) ?? `role ${a.roleDefinitionId}`} ${scope(a.directoryScopeId)}`,
    )
    .join(', ');
}

function names(assignments: readonly RoleAssignmentRow[]): string {
  return [...new Set(assignments.map((a) => roleName(a.roleDefinitionId) ?? a.roleDefinitionId))].join(', ');
}

function scope(directoryScopeId: string): string {
  if (directoryScopeId === '/') return 'tenant-wide';
  const unit = /^\/administrativeUnits\/(.+)$/.exec(directoryScopeId)?.[1];
  return unit !== undefined ? `scoped to administrative unit ${unit}` : `scoped to ${directoryScopeId}`;
}
