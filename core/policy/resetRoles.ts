/**
 * Entra's "Who can reset passwords" table, keyed by role template id (names are for messages only).
 * Source: learn.microsoft.com/entra/identity/role-based-access-control/privileged-roles-permissions
 * (published 2026-06-05, checked against the MicrosoftDocs/entra-docs copy); template ids from
 * permissions-reference. Columns are the roles that can reset; rows the roles a target may hold.
 */

export const ROLE = {
  globalAdministrator: '62e90394-69f5-4237-9190-012177145e10',
  privilegedAuthenticationAdministrator: '7be44c8a-adaf-4e2a-84d6-ab2649e08a13',
  privilegedRoleAdministrator: 'e8611ab8-c189-46e8-94e1-60213ab1f814',
  authenticationAdministrator: 'c4e39bd9-1100-46d3-8c65-fb160da0071f',
  userAdministrator: 'fe930be7-5e62-47db-91af-98c3a49a38b1',
  helpdeskAdministrator: '729827e3-9c14-49f7-bb1b-9608f156bbb8',
  passwordAdministrator: '966707d0-3269-4727-9be2-8c3a10f19b9d',
  groupsAdministrator: 'fdd7a751-b60b-444a-984c-02652fe8fa1c',
  directoryReaders: '88d8e3e3-8f55-4a1e-953a-9b9898b8876b',
  guestInviter: '95e79109-95c0-4d8e-aee3-d01accf2d47b',
  messageCenterReader: '790c1fb9-7f7d-4f88-86a1-ef1f95c05c1b',
  reportsReader: '4a5d8f65-41da-4de4-8968-e035b65339cf',
  usageSummaryReportsReader: '75934031-6c7e-415a-99d7-48dbd49e875e',
  userExperienceSuccessManager: '27460883-1df1-4691-b032-3b79643e5e63',
  globalReader: 'f2ef992c-3afb-46b9-b7cf-a126ee74c451',
  securityAdministrator: '194ae4cb-b126-40b2-bd5b-6091b380977d',
} as const;

/** The table's columns, most privileged first (the order in which a requester's roles are tried). */
export const RESETTER_ROLES = [
  ROLE.globalAdministrator,
  ROLE.privilegedAuthenticationAdministrator,
  ROLE.userAdministrator,
  ROLE.authenticationAdministrator,
  ROLE.helpdeskAdministrator,
  ROLE.passwordAdministrator,
] as const;

export type ResetterRole = (typeof RESETTER_ROLES)[number];

const ROLE_NAMES: Record<string, string> = {
  [ROLE.globalAdministrator]: 'Global Administrator',
  [ROLE.privilegedAuthenticationAdministrator]: 'Privileged Authentication Administrator',
  [ROLE.privilegedRoleAdministrator]: 'Privileged Role Administrator',
  [ROLE.authenticationAdministrator]: 'Authentication Administrator',
  [ROLE.userAdministrator]: 'User Administrator',
  [ROLE.helpdeskAdministrator]: 'Helpdesk Administrator',
  [ROLE.passwordAdministrator]: 'Password Administrator',
  [ROLE.groupsAdministrator]: 'Groups Administrator',
  [ROLE.directoryReaders]: 'Directory Readers',
  [ROLE.guestInviter]: 'Guest Inviter',
  [ROLE.messageCenterReader]: 'Message Center Reader',
  [ROLE.reportsReader]: 'Reports Reader',
  [ROLE.usageSummaryReportsReader]: 'Usage Summary Reports Reader',
  [ROLE.userExperienceSuccessManager]: 'User Experience Success Manager',
  [ROLE.globalReader]: 'Global Reader',
  [ROLE.securityAdministrator]: 'Security Administrator',
};

const PASSWORD = ROLE.passwordAdministrator;
const HELPDESK = ROLE.helpdeskAdministrator;
const AUTHENTICATION = ROLE.authenticationAdministrator;
const USER = ROLE.userAdministrator;
const PRIVILEGED_AUTHENTICATION = ROLE.privilegedAuthenticationAdministrator;
const GLOBAL = ROLE.globalAdministrator;

/** Who can reset someone holding only the most privileged roles, or a role the table does not list. */
export const TOP_RESETTERS: readonly ResetterRole[] = [PRIVILEGED_AUTHENTICATION, GLOBAL];

/** Rows of the table: target role → the resetter roles ticked for it. */
const RESET_TABLE: Record<string, readonly ResetterRole[]> = {
  [ROLE.authenticationAdministrator]: [AUTHENTICATION, PRIVILEGED_AUTHENTICATION, GLOBAL],
  [ROLE.directoryReaders]: [PASSWORD, HELPDESK, AUTHENTICATION, USER, PRIVILEGED_AUTHENTICATION, GLOBAL],
  [ROLE.globalAdministrator]: [PRIVILEGED_AUTHENTICATION, GLOBAL],
  [ROLE.groupsAdministrator]: [USER, PRIVILEGED_AUTHENTICATION, GLOBAL],
  [ROLE.guestInviter]: [PASSWORD, HELPDESK, AUTHENTICATION, USER, PRIVILEGED_AUTHENTICATION, GLOBAL],
  [ROLE.helpdeskAdministrator]: [HELPDESK, USER, PRIVILEGED_AUTHENTICATION, GLOBAL],
  [ROLE.messageCenterReader]: [HELPDESK, AUTHENTICATION, USER, PRIVILEGED_AUTHENTICATION, GLOBAL],
  [ROLE.passwordAdministrator]: [PASSWORD, HELPDESK, AUTHENTICATION, USER, PRIVILEGED_AUTHENTICATION, GLOBAL],
  [ROLE.privilegedAuthenticationAdministrator]: [PRIVILEGED_AUTHENTICATION, GLOBAL],
  [ROLE.privilegedRoleAdministrator]: [PRIVILEGED_AUTHENTICATION, GLOBAL],
  [ROLE.reportsReader]: [HELPDESK, AUTHENTICATION, USER, PRIVILEGED_AUTHENTICATION, GLOBAL],
  [ROLE.userAdministrator]: [USER, PRIVILEGED_AUTHENTICATION, GLOBAL],
  [ROLE.userExperienceSuccessManager]: [HELPDESK, AUTHENTICATION, USER, PRIVILEGED_AUTHENTICATION, GLOBAL],
  [ROLE.usageSummaryReportsReader]: [HELPDESK, AUTHENTICATION, USER, PRIVILEGED_AUTHENTICATION, GLOBAL],
};

/** The resetter roles that may reset a user holding `targetRole` ("All other built-in and custom roles" row). */
export function resettersOf(targetRole: string): readonly ResetterRole[] {
  return RESET_TABLE[targetRole.toLowerCase()] ?? TOP_RESETTERS;
}

/** The table column a role is, if it is one of the six roles that can reset passwords. */
export function asResetterRole(role: string): ResetterRole | undefined {
  const id = role.toLowerCase();
  return RESETTER_ROLES.find((resetter) => resetter === id);
}

/** A built-in role's display name for messages; null for custom roles and roles we do not list. */
export function roleName(role: string): string | null {
  return ROLE_NAMES[role.toLowerCase()] ?? null;
}
