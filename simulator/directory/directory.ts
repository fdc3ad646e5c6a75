import type {
  FixtureApplication,
  FixtureOAuthConnection,
  FixtureRoleAssignment,
  FixtureUser,
  TenantFixture,
} from '../fixture/tenantFixture';
import type { ResetTarget, ScopedRole } from './resetAuthorization';

/**
 * A user as Graph returns it (property names are Graph's, so `$filter`, `$search` and `$select` work on the
 * record directly). Never holds a password: credentials live in `Directory.credentials`.
 */
export interface GraphUser extends Record<string, unknown> {
  id: string;
  displayName: string;
  givenName: string | null;
  surname: string | null;
  userPrincipalName: string;
  mail: string | null;
  mailNickname: string;
  jobTitle: string | null;
  department: string | null;
  officeLocation: string | null;
  mobilePhone: string | null;
  businessPhones: string[];
  preferredLanguage: string | null;
  accountEnabled: boolean;
  userType: string;
  creationType: string | null;
  externalUserState: string | null;
  identities: { signInType: string; issuer: string; issuerAssignedId: string | null }[];
  onPremisesSyncEnabled: boolean | null;
  onPremisesImmutableId: string | null;
  onPremisesSamAccountName: string | null;
  onPremisesLastSyncDateTime: string | null;
  isManagementRestricted: boolean | null;
  createdDateTime: string;
  lastPasswordChangeDateTime: string | null;
  signInSessionsValidFromDateTime: string | null;
  passwordPolicies: string | null;
  passwordProfile: {
    password: null;
    forceChangePasswordNextSignIn: boolean;
    forceChangePasswordNextSignInWithMfa: boolean;
  };
}

export interface Credential {
  /** null: the user has no password in this tenant (external guests, pending invitations). */
  password: string | null;
}

/** What the simulated on-premises Active Directory holds for a synced user (never visible through Graph). */
export interface OnPremisesAccount {
  /** AdminCount: 1 blocks password writeback (Entra Connect logs hr=80231367). */
  adminCount: 0 | 1;
  /** When password writeback last set this account's password on-premises; null: never. */
  passwordWrittenBackDateTime: string | null;
}

export interface DirectoryGroup {
  id: string;
  displayName: string;
  description: string | null;
  isAssignableToRole: boolean | null;
  securityEnabled: boolean;
  mailEnabled: boolean;
  groupTypes: string[];
  members: Set<string>;
  owners: Set<string>;
}

export interface AdministrativeUnit {
  id: string;
  displayName: string;
  description: string | null;
  isMemberManagementRestricted: boolean | null;
  members: Set<string>;
}

export interface RoleAssignmentRecord extends ScopedRole {
  id: string;
  /** The user, group or service principal the role is assigned to. */
  principalId: string;
}

export interface PasswordResetOperation {
  id: string;
  userId: string;
  createdDateTime: string;
  polls: number;
}

/**
 * The tenant's Entra ID licence, as far as the simulator cares: Privileged Identity Management needs P2 (or
 * Entra ID Governance, which the simulator does not tell apart from P2). `P1` is most small and mid-size
 * tenants (Microsoft 365 Business Premium, E3).
 */
export type TenantLicence = 'P1' | 'P2';

/** A fixed moment for fixture timestamps, so that runs are reproducible. */
const fixtureEpoch = '2024-01-15T09:00:00Z';

/** The tenant's mutable state, built from a fixture; `reset` is a rebuild. */
export class Directory {
  readonly tenantId: string;
  readonly tenantName: string;
  /** Entra Connect password writeback; changeable at run time (`PUT /_sim/password-writeback`). */
  passwordWritebackEnabled: boolean;
  readonly domains = new Map<string, TenantFixture['domains'][number]>();
  readonly applications = new Map<string, FixtureApplication>();
  readonly users: GraphUser[] = [];
  readonly credentials = new Map<string, Credential>();
  /** Synced users' on-premises accounts, by user id. */
  readonly onPremisesAccounts = new Map<string, OnPremisesAccount>();
  readonly groups = new Map<string, DirectoryGroup>();
  readonly administrativeUnits = new Map<string, AdministrativeUnit>();
  readonly roleAssignments: RoleAssignmentRecord[] = [];
  private readonly roleEligibilities: RoleAssignmentRecord[] = [];
  readonly operations = new Map<string, PasswordResetOperation>();
  /** The Azure Bot resource whose token service `/botframework/` stands in for; null when none. */
  readonly botRegistration: { msAppId: string; oauthConnections: FixtureOAuthConnection[] } | null;
  /** Changeable at run time (`PUT /_sim/licence`); a rebuild starts from the value given at start. */
  licence: TenantLicence;
  private readonly usersById = new Map<string, GraphUser>();
  private readonly usersByUpn = new Map<string, GraphUser>();
  private readonly groupsOfMember = new Map<string, Set<string>>();
  private readonly unitsOfMember = new Map<string, Set<string>>();

  constructor(fixture: TenantFixture, extraUsers: FixtureUser[] = [], licence: TenantLicence = 'P2') {
    this.tenantId = fixture.tenant.id;
    this.licence = licence;
    this.tenantName = fixture.tenant.displayName;
    this.passwordWritebackEnabled = fixture.tenant.passwordWritebackEnabled;
    this.botRegistration = fixture.botRegistration ?? null;
    for (const d of fixture.domains) this.domains.set(d.id.toLowerCase(), d);
    for (const a of fixture.applications) {
      // A copy: the control API changes granted permissions, and a rebuild must start from the fixture.
      this.applications.set(a.appId.toLowerCase(), {
        ...a,
        applicationPermissions: [...a.applicationPermissions],
      });
    }
    const initialDomain =
      fixture.domains.find((d) => d.isInitial)?.id ?? fixture.domains[0]?.id ?? 'localhost';

    for (const u of fixture.groups) {
      const group: DirectoryGroup = { ...u, members: new Set(u.members), owners: new Set(u.owners) };
      this.groups.set(u.id, group);
      for (const m of u.members) addTo(this.groupsOfMember, m, u.id);
    }
    for (const au of fixture.administrativeUnits) {
      const id = au.id.toLowerCase();
      this.administrativeUnits.set(id, { ...au, id, members: new Set(au.members) });
      for (const m of au.members) addTo(this.unitsOfMember, m, id);
    }
    for (const fixtureUser of [...fixture.users, ...extraUsers]) {
      const user = toGraphUser(fixtureUser, initialDomain, this.isRestricted(fixtureUser.id));
      if (this.usersById.has(user.id)) throw new Error(`Duplicate user id in the fixture: ${user.id}`);
      this.users.push(user);
      this.usersById.set(user.id, user);
      this.usersByUpn.set(user.userPrincipalName.toLowerCase(), user);
      const password =
        fixtureUser.password === undefined ? fixture.defaultInitialPassword : fixtureUser.password;
      this.credentials.set(user.id, { password });
      if (fixtureUser.onPremisesSyncEnabled === true) {
        this.onPremisesAccounts.set(user.id, {
          adminCount: fixtureUser.onPremisesAdminCount ?? 0,
          passwordWrittenBackDateTime: null,
        });
      }
    }
    this.roleAssignments.push(...fixture.roleAssignments.map(toRecord));
    this.roleEligibilities.push(...fixture.roleEligibilities.map(toRecord));
  }

  /** By object id or UPN (case-insensitive), as `/users/{id | userPrincipalName}` accepts. */
  findUser(idOrUpn: string): GraphUser | undefined {
    return this.usersById.get(idOrUpn.toLowerCase()) ?? this.usersByUpn.get(idOrUpn.toLowerCase());
  }

  findApplication(appId: string): FixtureApplication | undefined {
    return this.applications.get(appId.toLowerCase());
  }

  /** Groups the principal is a direct member of. */
  groupsOf(principalId: string): DirectoryGroup[] {
    return [...(this.groupsOfMember.get(principalId) ?? [])].flatMap((id) => this.groups.get(id) ?? []);
  }

  /**
   * Groups the principal is a member of directly or through groups that are members of other groups (Learn's
   * "transitive" membership). Role-assignable groups cannot have groups as members, so roles need only
   * `groupsOf`; security groups can be nested.
   */
  transitiveGroupsOf(principalId: string): DirectoryGroup[] {
    const found = new Map<string, DirectoryGroup>();
    const toVisit = [principalId];
    for (let next = toVisit.shift(); next !== undefined; next = toVisit.shift()) {
      for (const group of this.groupsOf(next)) {
        if (found.has(group.id)) continue;
        found.set(group.id, group);
        toVisit.push(group.id);
      }
    }
    return [...found.values()];
  }

  administrativeUnitsOf(principalId: string): AdministrativeUnit[] {
    return [...(this.unitsOfMember.get(principalId) ?? [])].flatMap(
      (id) => this.administrativeUnits.get(id) ?? [],
    );
  }

  /** Active assignments to the principal directly and to the groups it is a member of. */
  transitiveRoleAssignments(principalId: string): RoleAssignmentRecord[] {
    const principals = new Set([principalId, ...this.groupsOf(principalId).map((g) => g.id)]);
    return this.roleAssignments.filter((a) => principals.has(a.principalId));
  }

  directRoleAssignments(principalId: string): RoleAssignmentRecord[] {
    return this.roleAssignments.filter((a) => a.principalId === principalId);
  }

  /** Replaces the principal's direct active assignments (the control API, for tests). */
  replaceDirectRoleAssignments(principalId: string, roles: RoleAssignmentRecord[]): void {
    const others = this.roleAssignments.filter((a) => a.principalId !== principalId);
    this.roleAssignments.splice(0, this.roleAssignments.length, ...others, ...roles);
  }

  /**
   * PIM-eligible assignments. Without P2 there are none: "Eligible role assignments of Microsoft Entra roles
   * are removed" when the licence expires (Learn, "Microsoft Entra licensing", "When a license expires for PIM").
   */
  eligibleRoleAssignments(principalId?: string): RoleAssignmentRecord[] {
    if (!this.pimLicensed) return [];
    return principalId === undefined
      ? this.roleEligibilities
      : this.roleEligibilities.filter((a) => a.principalId === principalId);
  }

  get pimLicensed(): boolean {
    return this.licence === 'P2';
  }

  /** Everything the "Who can reset passwords" table looks at on the target's side. */
  resetTarget(userId: string): ResetTarget {
    const ownsOrMemberOfRoleAssignable = [...this.groups.values()].some(
      (g) => g.isAssignableToRole === true && (g.members.has(userId) || g.owners.has(userId)),
    );
    // Eligible roles count for the target: Learn does not say whether Entra counts them, and treating an
    // eligible Global Administrator as a Global Administrator is the safe reading (see README).
    const roles = [...this.transitiveRoleAssignments(userId), ...this.eligibleRoleAssignments(userId)];
    return {
      roles,
      memberOrOwnerOfRoleAssignableGroup: ownsOrMemberOfRoleAssignable,
      // The unit scoping the role, whether or not the user is one of its members.
      roleScopedToRestrictedUnit: roles.some(
        (r) => this.unitOfScope(r.directoryScopeId)?.isMemberManagementRestricted === true,
      ),
      administrativeUnits: this.administrativeUnitsOf(userId).map((u) => ({
        id: u.id,
        restricted: u.isMemberManagementRestricted === true,
      })),
    };
  }

  /** The administrative unit of a `/administrativeUnits/{id}` scope; undefined for `/` or an unknown unit. */
  unitOfScope(directoryScopeId: string): AdministrativeUnit | undefined {
    const prefix = '/administrativeunits/';
    const scope = directoryScopeId.toLowerCase();
    return scope.startsWith(prefix) ? this.administrativeUnits.get(scope.slice(prefix.length)) : undefined;
  }

  setPassword(user: GraphUser, password: string, force: { withMfa: boolean; change: boolean }): void {
    this.credentials.set(user.id, { password });
    user.lastPasswordChangeDateTime = new Date().toISOString();
    user.passwordProfile = {
      password: null,
      forceChangePasswordNextSignIn: force.change,
      forceChangePasswordNextSignInWithMfa: force.withMfa,
    };
  }

  /** Password writeback reached the on-premises directory for this user. */
  recordPasswordWriteback(user: GraphUser): void {
    const account = this.onPremisesAccounts.get(user.id);
    if (account) account.passwordWrittenBackDateTime = new Date().toISOString();
  }

  revokeSignInSessions(user: GraphUser): void {
    user.signInSessionsValidFromDateTime = new Date().toISOString();
  }

  private isRestricted(userId: string): boolean | null {
    const units = [...(this.unitsOfMember.get(userId) ?? [])].map((id) => this.administrativeUnits.get(id));
    return units.some((u) => u?.isMemberManagementRestricted === true) ? true : null;
  }
}

function addTo(index: Map<string, Set<string>>, key: string, value: string): void {
  let set = index.get(key);
  if (!set) index.set(key, (set = new Set()));
  set.add(value);
}

function toRecord(a: FixtureRoleAssignment): RoleAssignmentRecord {
  return {
    id: a.id,
    principalId: a.principalId,
    roleDefinitionId: a.roleDefinitionId,
    directoryScopeId: a.directoryScopeId,
  };
}

function toGraphUser(
  u: FixtureUser,
  initialDomain: string,
  isManagementRestricted: boolean | null,
): GraphUser {
  const synced = u.onPremisesSyncEnabled === true;
  return {
    id: u.id.toLowerCase(),
    displayName: u.displayName,
    givenName: u.givenName,
    surname: u.surname,
    userPrincipalName: u.userPrincipalName,
    mail: u.mail === undefined ? u.userPrincipalName : u.mail,
    mailNickname: u.mailNickname ?? u.userPrincipalName.split('@')[0] ?? u.userPrincipalName,
    jobTitle: u.jobTitle,
    department: u.department,
    officeLocation: u.officeLocation,
    mobilePhone: u.mobilePhone,
    businessPhones: u.businessPhones,
    preferredLanguage: u.preferredLanguage,
    accountEnabled: u.accountEnabled,
    userType: u.userType,
    creationType: u.creationType,
    externalUserState: u.externalUserState,
    identities: u.identities ?? [
      { signInType: 'userPrincipalName', issuer: initialDomain, issuerAssignedId: u.userPrincipalName },
    ],
    onPremisesSyncEnabled: u.onPremisesSyncEnabled,
    onPremisesImmutableId: u.onPremisesImmutableId,
    onPremisesSamAccountName: u.onPremisesSamAccountName,
    onPremisesLastSyncDateTime: synced ? fixtureEpoch : null,
    isManagementRestricted,
    createdDateTime: fixtureEpoch,
    lastPasswordChangeDateTime: u.password === null ? null : fixtureEpoch,
    signInSessionsValidFromDateTime: fixtureEpoch,
    passwordPolicies: u.passwordPolicies,
    passwordProfile: {
      password: null,
      forceChangePasswordNextSignIn: u.forceChangePasswordNextSignIn,
      forceChangePasswordNextSignInWithMfa: u.forceChangePasswordNextSignInWithMfa,
    },
  };
}
