import { administrativeUnitOfScope } from '../directoryIds';
import type { RoleAssignment } from '../directory';
import {
  RESETTER_ROLES,
  TOP_RESETTERS,
  asResetterRole,
  resettersOf,
  roleName,
  type ResetterRole,
} from './resetRoles';
import type { PolicyDecision, PolicySettings, Refusal, RequesterProfile, TargetProfile } from './types';

/**
 * Who may reset whose password through the bot. The bot resets with its own app-only identity, so Entra only
 * checks the bot's role; these rules re-apply Entra's checks to the requester. Pure functions: the
 * caller loads the profiles (and a profile that cannot be loaded never reaches here, so nothing is allowed).
 */

const TENANT_WIDE = '/';
const SSPR_URL = 'https://aka.ms/sspr';
const ADMIN_CENTER = 'the Microsoft Entra admin center';

/**
 * The requester may use the bot only with a reset-capable role that is active and tenant-wide. An AU-scoped role
 * covers only that unit's members, which the bot cannot check; an eligible role is not held until activated.
 */
export function checkRequester(
  requester: RequesterProfile,
  settings: Pick<PolicySettings, 'helpdeskGroupId'> = {},
): Refusal | null {
  if (requesterColumns(requester.roles).length > 0) {
    return checkHelpdeskGroup(requester, settings);
  }
  const resetterRoles = requester.roles.filter((role) => asResetterRole(role.roleDefinitionId) !== undefined);
  const eligible = resetterRoles.find(
    (role) => role.kind === 'eligible' && role.directoryScopeId === TENANT_WIDE,
  );
  if (eligible) {
    return {
      rule: 'requester-not-admin',
      reason: `Only helpdesk administrators can use this bot, and your ${nameOf(eligible.roleDefinitionId)} role is eligible but not active.`,
      nextStep: 'Activate the role in Privileged Identity Management, then try again.',
    };
  }
  const scoped = resetterRoles.find((role) => role.kind === 'active');
  if (scoped) {
    return {
      rule: 'requester-not-admin',
      reason: `Only administrators with a tenant-wide role can use this bot, and your ${nameOf(scoped.roleDefinitionId)} role is limited to an administrative unit.`,
      nextStep: `Reset passwords of the users in your administrative unit in ${ADMIN_CENTER}.`,
    };
  }
  return {
    rule: 'requester-not-admin',
    reason: 'Sorry, only helpdesk administrators can use this bot.',
    nextStep: `If someone needs a new password, contact your IT helpdesk. To reset your own password, use ${SSPR_URL}.`,
  };
}

/**
 * `HELPDESK_GROUP_ID`, on top of the role rule: a role that can reset passwords is not enough, the requester
 * must also be in the helpdesk's group. A membership that was not read counts as none (fail closed).
 */
function checkHelpdeskGroup(
  requester: RequesterProfile,
  settings: Pick<PolicySettings, 'helpdeskGroupId'>,
): Refusal | null {
  if (!settings.helpdeskGroupId || requester.inHelpdeskGroup === true) {
    return null;
  }
  return {
    rule: 'requester-not-in-helpdesk-group',
    reason: 'Only members of the helpdesk group can use this bot, and you are not a member of it.',
    nextStep:
      'If you work on the helpdesk, ask the team that runs this bot to add you to its helpdesk group. ' +
      `Until then, reset passwords in ${ADMIN_CENTER}.`,
  };
}

/**
 * Protected accounts (`PROTECTED_USER_IDS`, `PROTECTED_GROUP_IDS`: break-glass accounts, executives) are never
 * reset here, whatever the requester's role. A group membership that was not read counts as protected (fail
 * closed). The refusal names neither the list nor the group: the requester learns only what to do.
 */
export function checkNotProtected(target: TargetProfile, settings: PolicySettings): Refusal | null {
  const listed = (settings.protectedUserIds ?? []).some(
    (id) => id.toLowerCase() === target.user.id.toLowerCase(),
  );
  const groupsConfigured = (settings.protectedGroupIds ?? []).length > 0;
  if (!listed && !(groupsConfigured && target.inProtectedGroup !== false)) {
    return null;
  }
  return {
    rule: 'target-protected',
    reason: `${target.user.displayName}'s account is protected: this bot never resets its password, whatever your role.`,
    nextStep:
      "Resets of protected accounts go through your organization's procedure for privileged accounts: contact " +
      'your security team.',
  };
}

/**
 * Decides whether `requester` may reset `target`'s password. When several rules refuse, the first in this
 * order wins, so the requester is told first what nobody here could do and only then whom to escalate to:
 *  1. the requester is not a (tenant-wide, active) password administrator, or not in the helpdesk group when
 *     one is configured: nothing about the target is said;
 *  1a. the target is a protected account (configured by the deployment; whatever the requester's role);
 *  2. the target is the requester (self-service password reset is the way);
 *  3. a guest who has not accepted their invitation (no credential exists yet);
 *  4. an external identity (the password lives in another tenant or identity provider);
 *  5. a federated domain (the password lives with the federation provider);
 *  6. synced from on-premises AD without password writeback;
 *  7. a restricted management administrative unit (only that unit's administrators);
 *  8. a role the requester's role cannot reset (escalate to a higher role);
 *  9. a role scoped to a restricted management administrative unit, and
 * 10. member or owner of a role-assignable group (both: escalate to Privileged Authentication / Global
 *     Administrator).
 */
export function decideReset(
  requester: RequesterProfile,
  target: TargetProfile,
  settings: PolicySettings,
): PolicyDecision {
  const refusal =
    checkRequester(requester, settings) ??
    checkNotProtected(target, settings) ??
    checkNotSelf(requester, target) ??
    checkInvitationAccepted(target) ??
    checkHomedHere(target) ??
    checkManagedDomain(target) ??
    checkCloudMastered(target, settings) ??
    checkNotRestricted(target) ??
    checkRoleCovered(requester, target) ??
    checkRestrictedUnitRoles(requester, target) ??
    checkRoleAssignableGroups(requester, target);
  if (refusal) {
    return { allowed: false, refusal };
  }
  return { allowed: true, warnings: warningsFor(target) };
}

function checkNotSelf(requester: RequesterProfile, target: TargetProfile): Refusal | null {
  if (requester.user.id.toLowerCase() !== target.user.id.toLowerCase()) {
    return null;
  }
  return {
    rule: 'self-reset',
    reason: 'You cannot reset your own password with this bot.',
    nextStep: `Use self-service password reset at ${SSPR_URL}.`,
  };
}

function checkInvitationAccepted(target: TargetProfile): Refusal | null {
  if (target.user.externalUserState?.toLowerCase() !== 'pendingacceptance') {
    return null;
  }
  return {
    rule: 'pending-invitation',
    reason: `${target.user.displayName} is a guest who has not accepted their invitation yet, so there is no password here to reset.`,
    nextStep: `Resend the invitation from ${ADMIN_CENTER}. Guests sign in with their own organization's or personal account.`,
  };
}

/** Issuers of external identities, as Graph spells them in `identities[].issuer` (compared lower-case). */
const EXTERNAL_ISSUERS: Record<string, string> = {
  externalazuread: 'an account of another Microsoft Entra organization',
  microsoftaccount: 'a personal Microsoft account',
  'microsoft account': 'a personal Microsoft account',
  'live.com': 'a personal Microsoft account',
  'google.com': 'a Google account',
  'facebook.com': 'a Facebook account',
  mail: 'one-time codes sent by email',
};

/**
 * Users homed elsewhere have no password in this tenant. `userType` is not the test: an internal guest
 * (identities only in this tenant) has a password here and may be reset; an external member may not.
 */
function checkHomedHere(target: TargetProfile): Refusal | null {
  const signIn = externalSignIn(target);
  if (signIn === null) {
    return null;
  }
  return {
    rule: 'external-identity',
    reason: `${target.user.displayName} signs in with ${signIn}, so their password is not kept in this organization.`,
    nextStep:
      "They must reset it with their own organization or account provider; only they or that provider's administrators can.",
  };
}

function externalSignIn(target: TargetProfile): string | null {
  for (const identity of target.user.identities) {
    const issuer = identity.issuer.toLowerCase();
    const known = EXTERNAL_ISSUERS[issuer];
    if (known) {
      return known;
    }
    if (identity.signInType.toLowerCase() === 'federated' || issuer.includes('://')) {
      return 'an external identity provider';
    }
  }
  return /#ext#/i.test(target.user.userPrincipalName) ? 'an account from outside this organization' : null;
}

/**
 * A UPN suffix that is not a verified domain (`domain: null`) is treated as managed: federation is configured
 * on verified domains only, so an unverified suffix cannot be federated; and Entra itself refuses a password
 * change for a federated user, so a wrong guess here fails at Graph, never silently.
 */
function checkManagedDomain(target: TargetProfile): Refusal | null {
  if (target.domain?.authenticationType !== 'Federated') {
    return null;
  }
  return {
    rule: 'federated-domain',
    reason: `${target.user.displayName} signs in through ${target.domain.id}, a federated domain: the password is kept by the federation provider, not by Microsoft Entra ID.`,
    nextStep: 'Change the password in on-premises Active Directory or the federation provider.',
  };
}

function checkCloudMastered(target: TargetProfile, settings: PolicySettings): Refusal | null {
  if (target.user.onPremisesSyncEnabled !== true) return null;
  // The seed: such a user can be reset "only if you've turned on password writeback and the user domain is
  // managed". Writeback happens only through the delegated resetPassword, so only in agent mode.
  if (settings.resetAs === 'agent' && settings.passwordWritebackEnabled) return null;
  const synchronized = `${target.user.displayName}'s account is synchronized from on-premises Active Directory, so its password is kept there.`;
  if (settings.resetAs === 'bot') {
    return {
      rule: 'on-premises-synced',
      reason: `${synchronized} This bot resets passwords with its own identity, and such a reset is never written back to on-premises Active Directory.`,
      nextStep:
        'Reset the password in on-premises Active Directory. To reset synced users from Teams, your administrators can turn on password writeback and switch the bot to reset as the signed-in agent (RESET_AS=agent).',
    };
  }
  return {
    rule: 'on-premises-synced',
    reason: `${synchronized} It can be reset in the cloud only with password writeback, which is not turned on for this bot.`,
    nextStep:
      'Reset the password in on-premises Active Directory, or ask your administrators to turn on password writeback.',
  };
}

function checkNotRestricted(target: TargetProfile): Refusal | null {
  if (target.user.isManagementRestricted !== true) {
    return null;
  }
  return {
    rule: 'restricted-management-unit',
    reason: `${target.user.displayName} is in a restricted management administrative unit: only administrators assigned to that unit can change the account.`,
    nextStep: `Ask an administrator assigned to that administrative unit to reset the password in ${ADMIN_CENTER}.`,
  };
}

/**
 * The requester's role must be ticked for every role the target holds. Target roles count at any scope,
 * active or PIM-eligible: whether Entra counts eligible roles is not documented, and the target can activate
 * an eligible role at any moment, so they are treated as held (fail safe). One requester role must cover all
 * of the target's roles; combining the columns of two roles is not assumed to be allowed.
 */
function checkRoleCovered(requester: RequesterProfile, target: TargetProfile): Refusal | null {
  const targetRoles = uniqueRoleIds(target.roles);
  const columns = requesterColumns(requester.roles);
  if (columns.length === 0) {
    return checkRequester(requester);
  }
  const uncoveredBy = columns.map((column) => ({
    column,
    uncovered: targetRoles.filter((role) => !resettersOf(role).includes(column)),
  }));
  // Columns are most privileged first, so ties go to the requester's highest role.
  const best = uncoveredBy.reduce((a, b) => (b.uncovered.length < a.uncovered.length ? b : a));
  if (best.uncovered.length === 0) {
    return null;
  }
  // Name the role that the fewest resetters can override: that is what truly protects the user.
  const protecting = [...best.uncovered].sort((a, b) => resettersOf(a).length - resettersOf(b).length)[0];
  const assignment = target.roles.find((role) => role.roleDefinitionId.toLowerCase() === protecting);
  const name = roleName(protecting);
  const held =
    name === null ? 'an administrator role that only the highest roles can override' : `the ${name} role`;
  const how = assignment?.kind === 'eligible' ? ' (eligible through Privileged Identity Management)' : '';
  const able = RESETTER_ROLES.filter((column) =>
    targetRoles.every((role) => resettersOf(role).includes(column)),
  );
  return {
    rule: 'target-role-protected',
    reason: `${target.user.displayName} holds ${held}${how}, and your ${nameOf(best.column)} role cannot reset passwords of users with that role.`,
    nextStep: `Ask ${withArticle(listOr(able.map(nameOf)))} to reset it.`,
  };
}

/**
 * "User with a role scoped to a restricted management administrative unit": only Privileged Authentication and
 * Global Administrators, whether or not the user is a member of that unit. A unit the profile does not
 * describe counts as restricted (fail safe).
 */
function checkRestrictedUnitRoles(requester: RequesterProfile, target: TargetProfile): Refusal | null {
  if (requesterColumns(requester.roles).some((column) => TOP_RESETTERS.includes(column))) {
    return null;
  }
  const scopes = target.roles
    .map((role) => administrativeUnitOfScope(role.directoryScopeId))
    .filter((unitId): unitId is string => unitId !== null);
  const described = (unitId: string) => target.roleUnits.find((unit) => unit.id.toLowerCase() === unitId);
  const restricted = scopes.map(described).find((unit) => unit?.isMemberManagementRestricted === true);
  const unknown = scopes.some((unitId) => described(unitId) === undefined);
  if (restricted === undefined && !unknown) {
    return null;
  }
  const where = restricted
    ? `"${restricted.displayName}", a restricted management administrative unit`
    : 'an administrative unit the bot could not check, so it is treated as a restricted management unit';
  return {
    rule: 'restricted-unit-role',
    reason: `${target.user.displayName} holds a role scoped to ${where}. Only Privileged Authentication Administrators and Global Administrators can reset passwords of users with such a role.`,
    nextStep: `Ask ${withArticle(listOr(TOP_RESETTERS.map(nameOf)))} to reset it.`,
  };
}

function checkRoleAssignableGroups(requester: RequesterProfile, target: TargetProfile): Refusal | null {
  const group = target.roleAssignableGroups[0];
  if (
    group === undefined ||
    requesterColumns(requester.roles).some((column) => TOP_RESETTERS.includes(column))
  ) {
    return null;
  }
  return {
    rule: 'role-assignable-group',
    reason: `${target.user.displayName} is a member or owner of "${group.displayName}", a group that can be assigned admin roles. Only Privileged Authentication Administrators and Global Administrators can reset passwords of its members and owners.`,
    nextStep: `Ask ${withArticle(listOr(TOP_RESETTERS.map(nameOf)))} to reset it.`,
  };
}

function warningsFor(target: TargetProfile): string[] {
  const warnings: string[] = [];
  if (!target.user.accountEnabled) {
    warnings.push(
      `${target.user.displayName}'s account is disabled: the new password will not work until the account is enabled again.`,
    );
  }
  return warnings;
}

/** Whether these roles let their holder use the bot at all: an active, tenant-wide, reset-capable role. */
export function mayResetPasswords(roles: RoleAssignment[]): boolean {
  return requesterColumns(roles).length > 0;
}

/** The table columns the requester may use: active, tenant-wide, reset-capable roles, most privileged first. */
function requesterColumns(roles: RoleAssignment[]): ResetterRole[] {
  const held = new Set(
    roles
      .filter((role) => role.kind === 'active' && role.directoryScopeId === TENANT_WIDE)
      .map((role) => asResetterRole(role.roleDefinitionId))
      .filter((role): role is ResetterRole => role !== undefined),
  );
  return RESETTER_ROLES.filter((column) => held.has(column));
}

function uniqueRoleIds(roles: RoleAssignment[]): string[] {
  return [...new Set(roles.map((role) => role.roleDefinitionId.toLowerCase()))];
}

function nameOf(role: string): string {
  return roleName(role) ?? 'administrator';
}

function listOr(items: string[]): string {
  return items.length <= 1
    ? items.join('')
    : `${items.slice(0, -1).join(', ')} or ${items[items.length - 1]}`;
}

function withArticle(phrase: string): string {
  return /^[aeiou]/i.test(phrase) ? `an ${phrase}` : `a ${phrase}`;
}
