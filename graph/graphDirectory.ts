import type { Client, GraphRequest } from '@microsoft/microsoft-graph-client';
import type { z } from 'zod';
import type {
  AdministrativeUnit,
  Directory,
  DirectoryUser,
  Domain,
  PasswordResetOptions,
  RoleAssignableGroup,
  RoleAssignment,
  UserRoles,
  UserRolesOptions,
  UserSearchResult,
} from '../core/directory';
import { isGuid } from '../core/directoryIds';
import { AgentFacingError } from '../core/errors';
import { normalizeSearchText } from '../core/searchText';
import {
  malformedGraphResponse,
  missingPermission,
  toAgentFacingError,
  type GraphCallContext,
} from './graphErrors';
import {
  USER_SELECT,
  administrativeUnitSchema,
  domainSchema,
  groupEntrySchema,
  groupWithOwnersSchema,
  listedObjectSchema,
  memberGroupsSchema,
  ownerEntrySchema,
  pageSchema,
  roleRowSchema,
  userSchema,
} from './graphSchemas';
import { DomainCache } from './domainCache';
import { RoleGroupHints } from './roleGroupHints';
import { encodePathSegment, encodeQueryValue, equals, isIn, startsWith } from './odata';
import { budgetOptions, type RequestBudget } from './requestBudget';

const AGENT_USER_TYPE = '#microsoft.graph.agentUser';
const PREFIX_SEARCH_PROPERTIES = ['displayName', 'givenName', 'surname', 'userPrincipalName', 'mail'];
const MAX_SEARCH_RESULTS = 50;
/** A directory that pages forever (or a hostile answer) must not keep the bot busy: fail closed instead. */
const MAX_PAGES = 20;
const ADDRESS_LIKE = /^[^\s@]+@[^\s@]+$/;
const DOMAIN_NAME = /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)+$/i;

const GROUP_TYPE = '#microsoft.graph.group';
/** List user transitive memberOf: "The default and maximum page sizes are 100 and 999 objects respectively". */
const MAX_PAGE_SIZE = 999;
/** `in` takes at most 15 values in a `$filter` (Learn: "Use the $filter query parameter", known limitations). */
const MAX_IN_VALUES = 15;
/** user-checkmembergroups: "You can check up to a maximum of 20 groups per request." */
const MAX_CHECKED_GROUPS = 20;
/**
 * "With Microsoft Entra resources that derive from directoryObject, like user and group, `$expand` typically
 * returns a maximum of 20 items for the expanded relationship and has no @odata.nextLink" (Learn: "Use query
 * parameters", expand; known issue 13635). "Typically": an expanded list this long may have been cut.
 */
const EXPAND_LIMIT = 20;

/** What each Graph call is for, and the application permission the README asks to grant for it. */
const CALLS = {
  searchUsers: { action: 'search the directory', access: 'read', permission: 'User.Read.All' },
  readUser: { action: 'look up the user', access: 'read', permission: 'User.Read.All' },
  readRoles: { action: 'read directory roles', access: 'read', permission: 'RoleManagement.Read.Directory' },
  readMemberships: { action: 'read group memberships', access: 'read', permission: 'User.Read.All' },
  readGroups: { action: 'read group memberships', access: 'read', permission: 'GroupMember.Read.All' },
  // user-checkmembergroups, application: "User.Read.All and GroupMember.Read.All" (least); User.Read.All is
  // needed for every other read, so a 403 here names the group permission.
  checkMemberGroups: {
    action: 'check membership of the helpdesk or protected groups',
    access: 'read',
    permission: 'GroupMember.Read.All',
  },
  readGroupOwners: {
    action: 'read the owners of role-assignable groups',
    access: 'read',
    permission: 'GroupMember.Read.All',
  },
  readUnit: {
    action: 'read the administrative unit of a role',
    access: 'read',
    permission: 'AdministrativeUnit.Read.All',
  },
  readDomain: { action: 'read the domain settings', access: 'read', permission: 'Domain.Read.All' },
  resetPassword: {
    action: 'reset the password',
    access: 'write',
    permission: 'User-PasswordProfile.ReadWrite.All',
  },
  revokeSessions: {
    action: 'sign the user out of their sessions',
    access: 'write',
    permission: 'User.RevokeSessions.All',
  },
} as const satisfies Record<string, GraphCallContext>;

/** What the directories of every turn share (`bot/app.ts` makes one per process). */
export interface DirectoryMemory {
  domains: DomainCache;
  roleGroups: RoleGroupHints;
}

export function directoryMemory(): DirectoryMemory {
  return { domains: new DomainCache(), roleGroups: new RoleGroupHints() };
}

/** Facts about the tenant that the people running the bot should know (`bot/app.ts` passes its logger). */
export interface DirectoryNotices {
  info(message: string): void;
}

const SILENT: DirectoryNotices = { info: () => undefined };

/**
 * The directory through Microsoft Graph, with the bot's own app-only identity. Every failure leaves as an
 * `AgentFacingError`; every answer is validated before use.
 */
export class GraphDirectory implements Directory {
  private pimUnavailableNoticed = false;

  /**
   * @param notices where the adapter reports what an operator should know (once), e.g. a tenant without PIM.
   * @param budget holds every request to one time budget, retries included (one card click's).
   * @param memory what the directories of every turn share: answers about domains, and guesses at the
   *   role-assignable groups of users (see `DomainCache`, `RoleGroupHints`).
   */
  constructor(
    private readonly client: Client,
    private readonly notices: DirectoryNotices = SILENT,
    private readonly budget?: RequestBudget,
    private readonly memory: DirectoryMemory = directoryMemory(),
  ) {}

  async findUsers(query: string, limit: number): Promise<UserSearchResult> {
    const text = normalizeSearchText(query);
    if (text === null) {
      throw new AgentFacingError(
        'BadInput',
        'Type part of a name, or a user principal name or email address, of at most 100 characters.',
        'Try again with the first letters of the name, or the full sign-in address.',
      );
    }
    const size = Math.min(Math.max(Math.floor(limit) || 1, 1), MAX_SEARCH_RESULTS);
    const action = CALLS.searchUsers.action;
    return this.call(CALLS.searchUsers, async () => {
      const prefixFilter = PREFIX_SEARCH_PROPERTIES.map((property) => startsWith(property, text)).join(
        ' or ',
      );
      // An exact sign-in name or address also starts with itself, so the one prefix query finds it too
      // (Graph compares both case-insensitively); exact matches are put first. Only when that query was cut
      // short without the exact match does a second query ask for it by name.
      const prefix = await this.listUsers(prefixFilter, size + 1, action);
      const isExact = (user: DirectoryUser) =>
        user.userPrincipalName.toLowerCase() === text.toLowerCase() ||
        user.mail?.toLowerCase() === text.toLowerCase();
      const exactNeeded =
        ADDRESS_LIKE.test(text) && prefix.hasMore && !prefix.users.some((user) => isExact(user));
      const exact = exactNeeded
        ? await this.listUsers(
            `${equals('userPrincipalName', text)} or ${equals('mail', text)}`,
            size + 1,
            action,
          )
        : { users: prefix.users.filter(isExact), hasMore: false };
      const users = uniqueById([...exact.users, ...prefix.users]);
      return {
        users: users.slice(0, size),
        hasMore: users.length > size || exact.hasMore || prefix.hasMore,
      };
    });
  }

  async getUser(id: string): Promise<DirectoryUser> {
    assertUserKey(id);
    const action = CALLS.readUser.action;
    return this.call(CALLS.readUser, async () => {
      const body: unknown = await this.api(`/users/${encodePathSegment(id)}`)
        .select([...USER_SELECT])
        .get();
      const { odataType, user } = parse(userSchema, body, action);
      if (isGuid(id) && user.id.toLowerCase() !== id.toLowerCase()) {
        throw malformedGraphResponse(action);
      }
      if (odataType === AGENT_USER_TYPE) {
        throw new AgentFacingError(
          'NotResettable',
          'This is an AI agent identity, not a person, and it has no password to reset.',
          'Search for the person whose password you want to reset.',
        );
      }
      return user;
    });
  }

  /**
   * Active roles from v1.0 only (beta is not supported in production, and its transitiveRoleAssignments lags
   * behind changes): those assigned to the user, and those assigned to the role-assignable groups the user is
   * a member of, which carry the group's id as principal. Only role-assignable groups can hold roles, so the
   * membership read that the reset rules need anyway names every group to ask about. One round trip when the
   * user is in no such group, or in the groups they were in last time (their roles are asked for with the
   * user's own, and kept only for groups the fresh membership read confirms); two when a group is new.
   */
  async getUserRoles(userId: string, options: UserRolesOptions = {}): Promise<UserRoles> {
    assertObjectId(userId);
    const guessed = this.memory.roleGroups.groupsOf(userId);
    // Each read maps its own failures: they need different permissions.
    const memberOf = this.readRoleAssignableGroups(userId);
    const [groups, owned, direct, throughNewGroups, eligible] = await Promise.all([
      memberOf,
      options.ownedGroups === false ? [] : this.readOwnedRoleAssignableGroups(userId),
      this.readActiveAssignments([userId, ...guessed]),
      memberOf.then(async (member) =>
        this.readActiveAssignments(
          member.map((group) => group.id).filter((id) => !guessed.includes(id.toLowerCase())),
        ),
      ),
      options.eligible === false ? [] : this.readEligibleAssignments(userId),
    ]);
    this.memory.roleGroups.remember(
      userId,
      groups.map((group) => group.id),
    );
    const lenders = new Set([userId, ...groups.map((group) => group.id)].map((id) => id.toLowerCase()));
    return {
      roles: uniqueAssignments([
        ...[...direct, ...throughNewGroups]
          .filter((row) => lenders.has(row.principalId.toLowerCase()))
          .map((row) => toAssignment(row, 'active')),
        ...eligible.map((row) => toAssignment(row, 'eligible')),
      ]),
      roleAssignableGroups: uniqueById([...groups, ...owned]),
    };
  }

  async getEligibleRoles(userId: string): Promise<RoleAssignment[]> {
    assertObjectId(userId);
    return (await this.readEligibleAssignments(userId)).map((row) => toAssignment(row, 'eligible'));
  }

  async getAdministrativeUnit(id: string): Promise<AdministrativeUnit> {
    assertObjectId(id);
    const action = CALLS.readUnit.action;
    return this.call(CALLS.readUnit, async () => {
      let body: unknown;
      try {
        body = await this.api(`/directory/administrativeUnits/${encodePathSegment(id)}`)
          .select(['id', 'displayName', 'isMemberManagementRestricted'])
          .get();
      } catch (error) {
        if (isNotFound(error)) {
          // A role scoped to a unit that no longer exists cannot be judged: fail closed, and say why.
          throw new AgentFacingError(
            'GraphUnavailable',
            'A role of this user is scoped to an administrative unit the directory does not know, so the bot cannot tell whether it is a restricted management unit.',
            'Ask an administrator to check the role assignments of this user in the Microsoft Entra admin center.',
            requestIdOf(error),
          );
        }
        throw error;
      }
      const unit = parse(administrativeUnitSchema, body, action);
      if (unit.id.toLowerCase() !== id.toLowerCase()) {
        throw malformedGraphResponse(action);
      }
      return unit;
    });
  }

  /**
   * `POST /users/{id}/checkMemberGroups` (Learn: "user: checkMemberGroups"): "This function is transitive",
   * at most 20 group ids per request (more are asked in parallel requests of 20). Learn warns that groups the
   * caller may not evaluate ("for example, groups with hidden membership") may be left out of the answer: the
   * README asks for security groups, which have no hidden membership. Only ids that were asked about are
   * returned; anything else in the answer fails it.
   */
  async memberGroupsOf(userId: string, groupIds: readonly string[]): Promise<string[]> {
    assertObjectId(userId);
    if (!groupIds.every(isGuid)) throw badUserReference();
    const context = CALLS.checkMemberGroups;
    const chunks: string[][] = [];
    for (let start = 0; start < groupIds.length; start += MAX_CHECKED_GROUPS) {
      chunks.push(groupIds.slice(start, start + MAX_CHECKED_GROUPS));
    }
    return this.call(context, async () => {
      const answers = await Promise.all(
        chunks.map(async (chunk) => {
          const body: unknown = await this.api(`/users/${encodePathSegment(userId)}/checkMemberGroups`).post({
            groupIds: chunk,
          });
          const asked = new Set(chunk.map((id) => id.toLowerCase()));
          const { value } = parse(memberGroupsSchema, body, context.action);
          if (!value.every((id) => asked.has(id.toLowerCase()))) throw malformedGraphResponse(context.action);
          return value;
        }),
      );
      return answers.flat();
    });
  }

  async getDomain(name: string): Promise<Domain | null> {
    // A name that cannot be a domain cannot be a verified one, and must not reach the URL path.
    if (!DOMAIN_NAME.test(name)) {
      return null;
    }
    const known = this.memory.domains.get(name);
    if (known) return known.domain;
    const action = CALLS.readDomain.action;
    const domain = await this.call(CALLS.readDomain, async () => {
      try {
        const body: unknown = await this.api(`/domains/${encodePathSegment(name)}`).get();
        return parse(domainSchema, body, action);
      } catch (error) {
        if (isNotFound(error)) {
          return null;
        }
        throw error;
      }
    });
    this.memory.domains.set(name, domain);
    return domain;
  }

  async resetPassword(
    userId: string,
    temporaryPassword: string,
    options: PasswordResetOptions,
  ): Promise<void> {
    assertObjectId(userId);
    await this.call(CALLS.resetPassword, async () => {
      await this.api(`/users/${encodePathSegment(userId)}`).patch({
        passwordProfile: {
          password: temporaryPassword,
          forceChangePasswordNextSignIn: true,
          forceChangePasswordNextSignInWithMfa: options.requireMfa,
        },
      });
    });
  }

  async revokeSignInSessions(userId: string): Promise<void> {
    assertObjectId(userId);
    // Graph answers 200 {"value": true} (a documented service quirk) where 204 is meant: any 2xx is success,
    // and the body is not read.
    await this.call(CALLS.revokeSessions, async () => {
      await this.api(`/users/${encodePathSegment(userId)}/revokeSignInSessions`).post(undefined);
    });
  }

  private async listUsers(
    filter: string,
    top: number,
    action: string,
  ): Promise<{ users: DirectoryUser[]; hasMore: boolean }> {
    const body: unknown = await this.api('/users')
      .select([...USER_SELECT])
      .filter(encodeQueryValue(filter))
      .top(top)
      .get();
    const page = parse(pageSchema(listedObjectSchema), body, action);
    // Agent identities (`agentUser`) are listed among users but are not people with a password to reset.
    const people = page.value.filter((item) => item['@odata.type'] !== AGENT_USER_TYPE);
    const users = people.map((item) => parse(userSchema, item, action).user);
    return { users, hasMore: page.value.length >= top || page['@odata.nextLink'] !== undefined };
  }

  /**
   * Role-assignable groups the user is a member of (`transitiveMemberOf`). Without a group permission Graph
   * still lists the groups, but "with limited information" (type and id, everything else null): then whether
   * a group is role-assignable is unknown, and the answer fails closed. No `$filter=isAssignableToRole eq
   * true`: Graph leaves out objects "which reference properties that are unavailable due to permissions", so
   * a missing permission would read as "no role-assignable groups". No OData cast either: it needs
   * `ConsistencyLevel: eventual`, an index that may lag behind a new membership.
   */
  private async readRoleAssignableGroups(userId: string): Promise<RoleAssignableGroup[]> {
    const { action } = CALLS.readMemberships;
    const objects = await this.call(CALLS.readMemberships, async () =>
      this.readAllPages(
        this.api(`/users/${encodePathSegment(userId)}/transitiveMemberOf`)
          .select(['id', 'displayName', 'isAssignableToRole'])
          .top(MAX_PAGE_SIZE),
        listedObjectSchema,
        action,
      ),
    );
    const groups = objects
      .filter((entry) => entry['@odata.type'] === GROUP_TYPE)
      .map((entry) => parse(groupEntrySchema, entry, action));
    // Every group has a display name; only limited information hides it.
    if (groups.some((group) => group.displayName === null)) {
      throw missingPermission(CALLS.readGroups.action, CALLS.readGroups.permission);
    }
    // `null`: not set when the group was created, which Graph reports for ordinary groups.
    return groups
      .filter((group) => group.isAssignableToRole === true)
      .map((group) => ({ id: group.id, displayName: group.displayName ?? group.id }));
  }

  /**
   * Role-assignable groups the user owns. `GET /users/{id}/ownedObjects` would name them, but Learn's "List
   * ownedObjects" lists application permissions as "Not supported", so the bot lists every role-assignable
   * group with its owners instead (Learn: group resource, `isAssignableToRole` "Supports `$filter` (`eq`,
   * `ne`, `not`)", `eq` without advanced query parameters; `owners` "Supports `$expand` including nested
   * `$select`"). List groups and List owners both accept GroupMember.Read.All, which the bot already has;
   * without a group permission List groups answers 403, so here, unlike in `transitiveMemberOf`, the filter
   * cannot quietly leave out groups the bot may not read.
   * A tenant has at most 500 role-assignable groups (Entra service limits): a few pages, well under
   * MAX_PAGES. `isAssignableToRole` is selected and checked too, so a filter Graph ignored cannot protect
   * the owners of ordinary groups. An expanded list stops at about 20 owners with no nextLink, so a group
   * that lists that many, none of them the user, has its owners read in full; those reads run in parallel,
   * one round trip after the list.
   */
  private async readOwnedRoleAssignableGroups(userId: string): Promise<RoleAssignableGroup[]> {
    const context = CALLS.readGroupOwners;
    const owner = userId.toLowerCase();
    return this.call(context, async () => {
      const groups = await this.readAllPages(
        this.api('/groups')
          .filter(encodeQueryValue('isAssignableToRole eq true'))
          .select(['id', 'displayName', 'isAssignableToRole'])
          .expand(encodeQueryValue('owners($select=id)'))
          .top(MAX_PAGE_SIZE),
        groupWithOwnersSchema,
        context.action,
      );
      const candidates = groups.filter((group) => group.isAssignableToRole === true);
      const owns = await Promise.all(
        candidates.map(async (group) => {
          if (group.owners.some((item) => item.id.toLowerCase() === owner)) {
            return true;
          }
          if (group.owners.length < EXPAND_LIMIT && !group.ownersMayBeCut) {
            return false;
          }
          return (await this.readGroupOwnerIds(group.id)).some((id) => id.toLowerCase() === owner);
        }),
      );
      return candidates
        .filter((_, index) => owns[index])
        .map((group) => ({ id: group.id, displayName: group.displayName }));
    });
  }

  /** Every owner of a group (List owners, GroupMember.Read.All), paged; only ids are needed. */
  private async readGroupOwnerIds(groupId: string): Promise<string[]> {
    if (!isGuid(groupId)) {
      throw malformedGraphResponse(CALLS.readGroupOwners.action);
    }
    const owners = await this.readAllPages(
      this.api(`/groups/${encodePathSegment(groupId)}/owners`)
        .select(['id'])
        .top(MAX_PAGE_SIZE),
      ownerEntrySchema,
      CALLS.readGroupOwners.action,
    );
    return owners.map((item) => item.id);
  }

  /** Active assignments to any of `principalIds` (v1.0 `roleAssignments`, `principalId` `eq`/`in`). */
  private async readActiveAssignments(principalIds: string[]): Promise<z.output<typeof roleRowSchema>[]> {
    if (principalIds.length === 0) return [];
    const chunks: string[][] = [];
    for (let start = 0; start < principalIds.length; start += MAX_IN_VALUES) {
      chunks.push(principalIds.slice(start, start + MAX_IN_VALUES));
    }
    const pages = await Promise.all(
      chunks.map(async (chunk) =>
        this.readRoleRows(
          this.api('/roleManagement/directory/roleAssignments').filter(encodeQueryValue(principalIn(chunk))),
          chunk,
        ),
      ),
    );
    return pages.flat();
  }

  /**
   * PIM-eligible assignments of the user. A group's eligible roles are not asked for: a requester's eligible
   * roles never count, and a target in a role-assignable group is already resettable only by the roles that
   * cover every row. A tenant without Microsoft Entra ID P2 or Governance has no PIM, so no eligible
   * assignments: Graph answers 400 `AadPremiumLicenseRequired`, which means none (said once, for operators).
   */
  private async readEligibleAssignments(userId: string): Promise<z.output<typeof roleRowSchema>[]> {
    try {
      return await this.readRoleRowsUnmapped(
        this.api('/roleManagement/directory/roleEligibilityScheduleInstances').filter(
          encodeQueryValue(equals('principalId', userId)),
        ),
        [userId],
      );
    } catch (error) {
      if (!isPimLicenceMissing(error)) {
        throw toAgentFacingError(error, CALLS.readRoles);
      }
      if (!this.pimUnavailableNoticed) {
        this.pimUnavailableNoticed = true;
        this.notices.info(
          'Privileged Identity Management is not available in this tenant (no Microsoft Entra ID P2 or Governance ' +
            'licence: Graph answered 400 AadPremiumLicenseRequired), so there are no PIM-eligible role assignments.',
        );
      }
      return [];
    }
  }

  private async readRoleRows(
    request: GraphRequest,
    principalIds: string[],
  ): Promise<z.output<typeof roleRowSchema>[]> {
    return this.call(CALLS.readRoles, async () => this.readRoleRowsUnmapped(request, principalIds));
  }

  /** Role rows, each for one of the principals asked about: a filter Graph ignored must not lend roles. */
  private async readRoleRowsUnmapped(
    request: GraphRequest,
    principalIds: string[],
  ): Promise<z.output<typeof roleRowSchema>[]> {
    const { action } = CALLS.readRoles;
    const rows = await this.readAllPages(request, roleRowSchema, action);
    const asked = new Set(principalIds.map((id) => id.toLowerCase()));
    if (rows.some((row) => !asked.has(row.principalId.toLowerCase()))) {
      throw malformedGraphResponse(action);
    }
    return rows;
  }

  private async readAllPages<T extends z.ZodTypeAny>(
    first: GraphRequest,
    itemSchema: T,
    action: string,
  ): Promise<z.output<T>[]> {
    const items: z.output<T>[] = [];
    let body: unknown = await first.get();
    for (let pages = 1; ; pages++) {
      const page = parse(pageSchema(itemSchema), body, action);
      items.push(...(page.value as z.output<T>[]));
      const nextLink = page['@odata.nextLink'];
      if (nextLink === undefined) {
        return items;
      }
      // The SDK only follows absolute https links (and attaches the token only for Graph or our own host).
      if (pages >= MAX_PAGES || !nextLink.startsWith('https://')) {
        throw malformedGraphResponse(action);
      }
      body = await this.api(nextLink).get();
    }
  }

  private api(path: string): GraphRequest {
    const request = this.client.api(path);
    return this.budget ? request.middlewareOptions(budgetOptions(this.budget)) : request;
  }

  private async call<T>(context: GraphCallContext, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      throw toAgentFacingError(error, context);
    }
  }
}

function parse<T extends z.ZodTypeAny>(schema: T, body: unknown, action: string): z.output<T> {
  const result = schema.safeParse(body);
  if (!result.success) {
    throw malformedGraphResponse(action);
  }
  return result.data as z.output<T>;
}

function toAssignment(row: z.output<typeof roleRowSchema>, kind: RoleAssignment['kind']): RoleAssignment {
  return {
    roleDefinitionId: row.roleDefinitionId.toLowerCase(),
    directoryScopeId: row.directoryScopeId,
    kind,
  };
}

function uniqueAssignments(assignments: RoleAssignment[]): RoleAssignment[] {
  const seen = new Map<string, RoleAssignment>();
  for (const assignment of assignments) {
    seen.set(`${assignment.kind}|${assignment.roleDefinitionId}|${assignment.directoryScopeId}`, assignment);
  }
  return [...seen.values()];
}

function uniqueById<T extends { id: string }>(items: T[]): T[] {
  const seen = new Map<string, T>();
  for (const item of items) {
    const key = item.id.toLowerCase();
    if (!seen.has(key)) {
      seen.set(key, item);
    }
  }
  return [...seen.values()];
}

function isNotFound(error: unknown): boolean {
  return error instanceof Error && (error as { statusCode?: unknown }).statusCode === 404;
}

function isPimLicenceMissing(error: unknown): boolean {
  const failure = error as { statusCode?: unknown; code?: unknown };
  return error instanceof Error && failure.statusCode === 400 && failure.code === 'AadPremiumLicenseRequired';
}

function requestIdOf(error: unknown): string | undefined {
  const id = (error as { requestId?: unknown }).requestId;
  return typeof id === 'string' && /^[0-9A-Za-z-]{1,64}$/.test(id) ? id : undefined;
}

/** `principalId eq '…'` for one principal (Learn's example), `principalId in (…)` for several. */
function principalIn(ids: string[]): string {
  return ids.length === 1 ? equals('principalId', ids[0]) : isIn('principalId', ids);
}

/** Object ids only: these values end up in URL paths and OData filters. */
function assertObjectId(id: string): void {
  if (!isGuid(id)) {
    throw badUserReference();
  }
}

/** An object id or a user principal name; anything else (`..`, a bare word) never reaches the URL. */
function assertUserKey(id: string): void {
  if (typeof id !== 'string' || !(isGuid(id) || (ADDRESS_LIKE.test(id) && id.length <= 256))) {
    throw badUserReference();
  }
}

function badUserReference(): AgentFacingError {
  return new AgentFacingError(
    'BadInput',
    'That does not identify a user in the directory.',
    'Search for the user by name or sign-in address.',
  );
}
