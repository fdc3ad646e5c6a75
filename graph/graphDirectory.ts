import type { Client, GraphRequest } from '@microsoft/microsoft-graph-client';
import type { z } from 'zod';
import type {
  Directory,
  DirectoryUser,
  Domain,
  PasswordResetOptions,
  RoleAssignableGroup,
  RoleAssignment,
  UserSearchResult,
} from '../core/directory';
import { isGuid } from '../core/directoryIds';
import { AgentFacingError } from '../core/errors';
import { normalizeSearchText } from '../core/searchText';
import { malformedGraphResponse, toAgentFacingError } from './graphErrors';
import {
  USER_SELECT,
  domainSchema,
  listedObjectSchema,
  memberOfSchema,
  pageSchema,
  roleRowSchema,
  userSchema,
} from './graphSchemas';
import { encodePathSegment, encodeQueryValue, equals, startsWith } from './odata';
import { budgetOptions, type RequestBudget } from './requestBudget';

const AGENT_USER_TYPE = '#microsoft.graph.agentUser';
const PREFIX_SEARCH_PROPERTIES = ['displayName', 'givenName', 'surname', 'userPrincipalName', 'mail'];
const MAX_SEARCH_RESULTS = 50;
/** A directory that pages forever (or a hostile answer) must not keep the bot busy: fail closed instead. */
const MAX_PAGES = 20;
const ADDRESS_LIKE = /^[^\s@]+@[^\s@]+$/;
const DOMAIN_NAME = /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)+$/i;

type HeaderMap = Record<string, string>;
const EVENTUAL_CONSISTENCY: HeaderMap = { ConsistencyLevel: 'eventual' };

/**
 * The directory through Microsoft Graph, with the bot's own app-only identity. Every failure leaves as an
 * `AgentFacingError`; every answer is validated before use.
 */
export class GraphDirectory implements Directory {
  /** @param budget holds every request to one time budget, retries included (one card click's). */
  constructor(
    private readonly client: Client,
    private readonly budget?: RequestBudget,
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
    const action = 'search the directory';
    return this.call(action, async () => {
      const prefixFilter = PREFIX_SEARCH_PROPERTIES.map((property) => startsWith(property, text)).join(
        ' or ',
      );
      const [exact, prefix] = await Promise.all([
        ADDRESS_LIKE.test(text)
          ? this.listUsers(
              `${equals('userPrincipalName', text)} or ${equals('mail', text)}`,
              size + 1,
              action,
            )
          : Promise.resolve({ users: [], hasMore: false }),
        this.listUsers(prefixFilter, size + 1, action),
      ]);
      const users = uniqueById([...exact.users, ...prefix.users]);
      return {
        users: users.slice(0, size),
        hasMore: users.length > size || exact.hasMore || prefix.hasMore,
      };
    });
  }

  async getUser(id: string): Promise<DirectoryUser> {
    assertUserKey(id);
    const action = 'look up the user';
    return this.call(action, async () => {
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

  async getRoleAssignments(principalId: string): Promise<RoleAssignment[]> {
    assertObjectId(principalId);
    const action = 'read directory roles';
    const filter = encodeQueryValue(equals('principalId', principalId));
    return this.call(action, async () => {
      // Two parallel calls rather than one $batch: a batch cannot mix beta and v1.0 requests, and the
      // SDK's retry of throttled requests does not reach requests inside a batch.
      const [active, eligible] = await Promise.all([
        // beta only; it includes roles held through groups, and answers 404 without ConsistencyLevel.
        this.readAllPages(
          this.api('/roleManagement/directory/transitiveRoleAssignments')
            .version('beta')
            .headers(EVENTUAL_CONSISTENCY)
            .count(true)
            .filter(filter),
          roleRowSchema,
          action,
          EVENTUAL_CONSISTENCY,
        ),
        this.readAllPages(
          this.api('/roleManagement/directory/roleEligibilityScheduleInstances').filter(filter),
          roleRowSchema,
          action,
        ),
      ]);
      return uniqueAssignments([
        ...active.map((row) => toAssignment(row, 'active')),
        ...eligible.map((row) => toAssignment(row, 'eligible')),
      ]);
    });
  }

  /**
   * Role-assignable groups the user is a member of (transitively) or owns: Entra protects both like admins
   * ("member or owner of a role-assignable group" in the "Who can reset passwords" table).
   */
  async getRoleAssignableGroups(userId: string): Promise<RoleAssignableGroup[]> {
    assertObjectId(userId);
    const action = 'read group memberships';
    const user = encodePathSegment(userId);
    const select = ['id', 'displayName', 'isAssignableToRole'];
    return this.call(action, async () => {
      const [memberOf, owned] = await Promise.all([
        this.readAllPages(
          this.api(`/users/${user}/transitiveMemberOf`).select(select),
          memberOfSchema,
          action,
        ),
        // Cast to groups: owned objects also include applications and service principals.
        this.readAllPages(
          this.api(`/users/${user}/ownedObjects/microsoft.graph.group`).select(select),
          memberOfSchema,
          action,
        ),
      ]);
      const groups = [...memberOf, ...owned]
        .filter((entry) => entry.isAssignableToRole === true)
        .map((entry) => ({ id: entry.id, displayName: entry.displayName ?? entry.id }));
      return uniqueById(groups);
    });
  }

  async getDomain(name: string): Promise<Domain | null> {
    // A name that cannot be a domain cannot be a verified one, and must not reach the URL path.
    if (!DOMAIN_NAME.test(name)) {
      return null;
    }
    const action = 'read the domain settings';
    return this.call(action, async () => {
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
  }

  async resetPassword(
    userId: string,
    temporaryPassword: string,
    options: PasswordResetOptions,
  ): Promise<void> {
    assertObjectId(userId);
    await this.call('reset the password', async () => {
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
    await this.call('sign the user out of their sessions', async () => {
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

  private async readAllPages<T extends z.ZodTypeAny>(
    first: GraphRequest,
    itemSchema: T,
    action: string,
    headers: HeaderMap = {},
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
      body = await this.api(nextLink).headers(headers).get();
    }
  }

  private api(path: string): GraphRequest {
    const request = this.client.api(path);
    return this.budget ? request.middlewareOptions(budgetOptions(this.budget)) : request;
  }

  private async call<T>(action: string, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      throw toAgentFacingError(error, action);
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
