import type {
  AdministrativeUnit,
  Directory,
  DirectoryUser,
  Domain,
  PasswordResetOptions,
  RoleAssignment,
  UserRoles,
  UserRolesOptions,
  UserSearchResult,
} from '../../core/directory';
import { AgentFacingError } from '../../core/errors';
import { toAgentFacingError } from '../../graph/graphErrors';
import { directoryUser } from './directoryUsers';

export const ROLE = {
  globalAdministrator: '62e90394-69f5-4237-9190-012177145e10',
  helpdeskAdministrator: '729827e3-9c14-49f7-bb1b-9608f156bbb8',
  passwordAdministrator: '966707d0-3269-4727-9be2-8c3a10f19b9d',
} as const;

export const IDS = {
  alex: 'e1a00000-0000-4000-8000-000000000001',
  megan: 'e1a00000-0000-4000-8000-000000000002',
  adele: 'e1a00000-0000-4000-8000-000000000003',
  patti: 'e1a00000-0000-4000-8000-000000000005',
  meghan: 'e1a00000-0000-4000-8000-0000000000a1',
} as const;

export function user(
  id: string,
  displayName: string,
  userPrincipalName: string,
  extra: Partial<DirectoryUser> = {},
): DirectoryUser {
  const [givenName, surname] = displayName.split(' ');
  return directoryUser({
    id,
    displayName,
    userPrincipalName,
    givenName: givenName ?? null,
    surname: surname ?? null,
    jobTitle: 'Analyst',
    department: 'Finance',
    lastPasswordChangeDateTime: '2026-01-01T10:00:00Z',
    ...extra,
  });
}

export interface PasswordChange {
  userId: string;
  password: string;
  options: PasswordResetOptions;
}

/** An in-memory directory for dialog and handler tests; failures are injected per method. */
export class FakeDirectory implements Directory {
  readonly users = new Map<string, DirectoryUser>();
  readonly roles = new Map<string, RoleAssignment[]>();
  readonly units = new Map<string, AdministrativeUnit>();
  readonly passwordChanges: PasswordChange[] = [];
  readonly revoked: string[] = [];
  /** Group id (lower case) → ids of its members, direct or transitive: what checkMemberGroups answers from. */
  readonly groupMembers = new Map<string, Set<string>>();
  readonly failures: Partial<Record<keyof Directory, unknown>> = {};

  static withDemoPeople(): FakeDirectory {
    const directory = new FakeDirectory();
    directory.add(user(IDS.alex, 'Alex Wilber', 'alexw@contoso.com'), [ROLE.helpdeskAdministrator]);
    directory.add(user(IDS.megan, 'Megan Bowen', 'meganb@contoso.com'));
    directory.add(user(IDS.meghan, 'Meghan Smith', 'meghans@contoso.com'));
    directory.add(user(IDS.adele, 'Adele Vance', 'adelev@contoso.com'));
    directory.add(user(IDS.patti, 'Patti Fernandez', 'pattif@contoso.com'), [ROLE.globalAdministrator]);
    return directory;
  }

  add(entry: DirectoryUser, roleIds: string[] = []): void {
    this.users.set(entry.id, entry);
    this.roles.set(
      entry.id,
      roleIds.map((roleDefinitionId) => ({
        roleDefinitionId,
        directoryScopeId: '/',
        kind: 'active' as const,
      })),
    );
  }

  /**
   * Injected failures leave the way the Graph adapter's would: mapped to an `AgentFacingError` (the directory
   * port's only failure), so a test can inject the raw Graph or network error it means.
   */
  private failIfAsked(method: keyof Directory): void {
    if (method in this.failures) throw toAgentFacingError(this.failures[method], `call ${method}`);
  }

  findUsers(query: string, limit: number): Promise<UserSearchResult> {
    this.failIfAsked('findUsers');
    const needle = query.toLowerCase();
    const matches = [...this.users.values()].filter(
      (entry) =>
        entry.userPrincipalName.toLowerCase() === needle ||
        entry.displayName.toLowerCase().startsWith(needle) ||
        (entry.surname ?? '').toLowerCase().startsWith(needle),
    );
    return Promise.resolve({ users: matches.slice(0, limit), hasMore: matches.length > limit });
  }

  getUser(id: string): Promise<DirectoryUser> {
    this.failIfAsked('getUser');
    const found = this.users.get(id);
    if (!found) {
      return Promise.reject(new AgentFacingError('UserNotFound', `No user ${id}.`, 'Search again.'));
    }
    return Promise.resolve(found);
  }

  getUserRoles(userId: string, options: UserRolesOptions = {}): Promise<UserRoles> {
    this.failIfAsked('getUserRoles');
    const roles = (this.roles.get(userId) ?? []).filter(
      (role) => options.eligible !== false || role.kind === 'active',
    );
    return Promise.resolve({ roles, roleAssignableGroups: [] });
  }

  getEligibleRoles(userId: string): Promise<RoleAssignment[]> {
    this.failIfAsked('getEligibleRoles');
    return Promise.resolve((this.roles.get(userId) ?? []).filter((role) => role.kind === 'eligible'));
  }

  getAdministrativeUnit(id: string): Promise<AdministrativeUnit> {
    this.failIfAsked('getAdministrativeUnit');
    const unit = this.units.get(id);
    return unit
      ? Promise.resolve(unit)
      : Promise.reject(new AgentFacingError('GraphUnavailable', `No unit ${id}.`, 'Try later.'));
  }

  memberGroupsOf(userId: string, groupIds: readonly string[]): Promise<string[]> {
    this.failIfAsked('memberGroupsOf');
    return Promise.resolve(
      groupIds.filter((id) => this.groupMembers.get(id.toLowerCase())?.has(userId) === true),
    );
  }

  /** Makes the users members of the group (as if directly or through nested groups). */
  addToGroup(groupId: string, ...userIds: string[]): void {
    const members = this.groupMembers.get(groupId.toLowerCase()) ?? new Set<string>();
    for (const id of userIds) members.add(id);
    this.groupMembers.set(groupId.toLowerCase(), members);
  }

  getDomain(name: string): Promise<Domain | null> {
    this.failIfAsked('getDomain');
    return Promise.resolve({ id: name, authenticationType: 'Managed' });
  }

  resetPassword(userId: string, password: string, options: PasswordResetOptions): Promise<void> {
    this.failIfAsked('resetPassword');
    this.passwordChanges.push({ userId, password, options });
    return Promise.resolve();
  }

  revokeSignInSessions(userId: string): Promise<void> {
    this.failIfAsked('revokeSignInSessions');
    this.revoked.push(userId);
    return Promise.resolve();
  }
}
