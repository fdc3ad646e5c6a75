/**
 * What the bot knows about directory objects. Shapes follow Microsoft Graph v1.0 (`user`, `domain`,
 * `unifiedRoleAssignment`, `administrativeUnit`), trimmed to the properties the reset decision and the cards need.
 */

/** One identity a user signs in with (Graph `objectIdentity`). */
export interface SignInIdentity {
  signInType: string;
  issuer: string;
  issuerAssignedId: string | null;
}

export interface DirectoryUser {
  id: string;
  displayName: string;
  userPrincipalName: string;
  mail: string | null;
  givenName: string | null;
  surname: string | null;
  jobTitle: string | null;
  department: string | null;
  accountEnabled: boolean;
  /** `Member` or `Guest`; independent of where the credentials live. */
  userType: string;
  /** `Invitation` for B2B guests, null for ordinary members. */
  creationType: string | null;
  /** `PendingAcceptance` or `Accepted` for invited users, else null. */
  externalUserState: string | null;
  identities: SignInIdentity[];
  /** true: mastered in on-premises AD; null: never synced; false: formerly synced. */
  onPremisesSyncEnabled: boolean | null;
  /** true when the user is in a restricted-management administrative unit. */
  isManagementRestricted: boolean | null;
  lastPasswordChangeDateTime: string | null;
}

/** A directory role held by a principal, directly or through a group, active or PIM-eligible. */
export interface RoleAssignment {
  /** The role's template id (equal to roleDefinitionId for built-in roles). */
  roleDefinitionId: string;
  /** `/` for tenant-wide, `/administrativeUnits/{id}` for an administrative-unit scope. */
  directoryScopeId: string;
  kind: 'active' | 'eligible';
}

/** A role-assignable group the user is a member or owner of (both are protected like admins). */
export interface RoleAssignableGroup {
  id: string;
  displayName: string;
}

/** What the reset rules read in a user's roles. */
export interface UserRoles {
  /**
   * Active (assigned to the user, or to a role-assignable group the user is a member of; any scope) and
   * PIM-eligible role assignments.
   */
  roles: RoleAssignment[];
  /** Role-assignable groups the user is a member or owner of. */
  roleAssignableGroups: RoleAssignableGroup[];
}

export interface UserRolesOptions {
  /** Also find the role-assignable groups the user owns (default true). */
  ownedGroups?: boolean;
  /** Also read the PIM-eligible assignments (default true). */
  eligible?: boolean;
}

/** An administrative unit, as far as a role scoped to it matters. */
export interface AdministrativeUnit {
  id: string;
  displayName: string;
  /** A restricted management unit: its members are managed only by administrators scoped to it. */
  isMemberManagementRestricted: boolean;
}

export interface Domain {
  id: string;
  authenticationType: 'Managed' | 'Federated';
}

export interface UserSearchResult {
  users: DirectoryUser[];
  /** true when the directory holds more matches than were returned. */
  hasMore: boolean;
}

export interface PasswordResetOptions {
  /** Ask for MFA before the forced change (`forceChangePasswordNextSignInWithMfa`). */
  requireMfa: boolean;
}

/**
 * The directory as the use cases need it (a port; `graph/graphDirectory.ts` implements it over Microsoft
 * Graph). Every method throws an `AgentFacingError` (core/errors) on failure and nothing else, carrying
 * Graph's request-id when there was one.
 */
export interface Directory {
  /** Exact UPN or mail match first, then display name / given name / surname prefix. */
  findUsers(query: string, limit: number): Promise<UserSearchResult>;
  getUser(id: string): Promise<DirectoryUser>;
  /**
   * The user's roles and role-assignable groups; the user is named by object id. Finding the groups the user
   * owns costs a tenant-wide read, which only a target's profile needs: `ownedGroups: false` leaves them out
   * (default: included); `eligible: false` leaves out the PIM-eligible assignments.
   */
  getUserRoles(userId: string, options?: UserRolesOptions): Promise<UserRoles>;
  /** The user's PIM-eligible role assignments alone (none in a tenant without PIM). */
  getEligibleRoles(userId: string): Promise<RoleAssignment[]>;
  getAdministrativeUnit(id: string): Promise<AdministrativeUnit>;
  /**
   * Of `groupIds`, those the user (by object id) is a member of, directly or through nested groups (Graph
   * `checkMemberGroups`). A membership the directory cannot check fails the call; it never reads as "not a
   * member".
   */
  memberGroupsOf(userId: string, groupIds: readonly string[]): Promise<string[]>;
  /** null when the name is not a verified domain of the tenant (Graph 404). */
  getDomain(name: string): Promise<Domain | null>;
  /** PATCH passwordProfile with forceChangePasswordNextSignIn (or ...WithMfa). */
  resetPassword(userId: string, temporaryPassword: string, options: PasswordResetOptions): Promise<void>;
  revokeSignInSessions(userId: string): Promise<void>;
}

export interface DelegatedResetOptions {
  /**
   * The signed-in agent's Entra object id. Entra never lets anyone reset their own password this way, so the
   * adapter refuses it before calling, with the self-service advice.
   */
  requesterId: string;
}

export interface DelegatedResetResult {
  /** The password now set: the one supplied, or the one Microsoft Entra ID generated. */
  temporaryPassword: string;
}

/**
 * Resetting a password **as the requesting agent** (a port; `graph/graphDelegatedPasswordReset.ts` implements
 * it with Graph's `authenticationMethod: resetPassword` and the agent's delegated token). Entra checks the
 * agent's own role, writes the password back to on-premises AD when writeback is on, and always makes the user
 * change it at next sign-in. An optional capability beside `Directory`: a directory without a signed-in agent
 * does not have it. Throws only `AgentFacingError`; `outcomeUnknown` is set when the reset may have applied.
 */
export interface DelegatedPasswordReset {
  /**
   * @param newPassword the password to set, or undefined to have Entra generate one (cloud-only users; a user
   *   synced from on-premises needs one supplied).
   */
  resetPasswordAsRequester(
    userId: string,
    newPassword: string | undefined,
    options: DelegatedResetOptions,
  ): Promise<DelegatedResetResult>;
}
