import type { DirectoryGroup, GraphUser } from '../directory/directory';
import { jsonResponse, type SimResponse } from '../http/types';
import {
  applyFilter,
  nextLink,
  parseCollectionFilter,
  parseSelect,
  parseSkipToken,
  parseTop,
  project,
  refuseSkip,
  usesAdvancedOperators,
  wantsCount,
} from './collectionQuery';
import { contextUrl, isAdvancedQuery, type GraphCall } from './graphCall';
import { badRequest, graphError, GraphErrorResponse, resourceNotFound } from './graphErrors';
import { limitedView, mayRead } from './memberships';
import { defaultUserProperties, requirePermission, userProperties } from './users';

/**
 * List groups (group-list), both revisions of its permissions table: the older one names GroupMember.Read.All
 * least privileged, then Group.Read.All, Directory.Read.All, Group.ReadWrite.All, Directory.ReadWrite.All; the
 * current one names Group-NestingSupport.ReadWrite.All least privileged and lists the others, with
 * Group.ManageProtection.All, as higher privileged. Same table for delegated and application callers.
 */
const listGroupsPermissions = [
  'GroupMember.Read.All',
  'Group.Read.All',
  'Group.ReadWrite.All',
  'Directory.Read.All',
  'Directory.ReadWrite.All',
  'Group.ManageProtection.All',
  'Group-NestingSupport.ReadWrite.All',
];

/** List owners (group-list-owners): GroupMember.Read.All least privileged, for delegated and application. */
const listOwnersPermissions = [
  'GroupMember.Read.All',
  'GroupMember.ReadWrite.All',
  'Group.Read.All',
  'Group.ReadWrite.All',
  'Directory.Read.All',
];

/** The group properties the simulator holds; all are default properties of List groups. */
const groupProperties = [
  'id',
  'displayName',
  'description',
  'isAssignableToRole',
  'securityEnabled',
  'mailEnabled',
  'groupTypes',
] as const;

/** group resource, "Supports $filter": the simulator's properties that document it (operators per property). */
const filterableGroupProperties = [
  'id',
  'displayName',
  'isAssignableToRole',
  'securityEnabled',
  'mailEnabled',
];

/**
 * "`$expand` typically returns a maximum of 20 items for the expanded relationship and has no
 * @odata.nextLink" for resources that derive from directoryObject (Learn: "Use query parameters", `expand`;
 * known issue 13635). The simulator returns exactly the first 20.
 */
export const expandLimit = 20;

const defaultPageSize = 100;

interface Expansion {
  /** `$select` nested in `$expand=owners(...)` (group resource, owners: "Supports $expand including nested $select"). */
  select: string[] | null;
}

/**
 * `GET /groups` (group-list): `$filter`, `$select`, `$expand=owners[($select=…)]`, `$top` (default 100,
 * maximum 999: "The default and maximum page sizes are 100 and 999 group objects respectively"), `$count`
 * and `@odata.nextLink` paging. `ne`, `not` and `endswith` need `ConsistencyLevel: eventual` and `$count=true`
 * (aad-advanced-queries), and `$expand` is refused with them ("`$expand` isn't currently supported with
 * advanced queries").
 */
export function listGroups(call: GraphCall): SimResponse {
  requirePermission(call, listGroupsPermissions);
  refuseSkip(call);
  refuseUnimplemented(call, ['$search', '$orderby']);
  const advanced = isAdvancedQuery(call);
  const count = wantsCount(call);
  const select = parseSelect(call, groupProperties, 'microsoft.graph.group');
  const filter = parseCollectionFilter(call, filterableGroupProperties, groupProperties, 'Group');
  if (filter && usesAdvancedOperators(filter) && !(advanced && count)) {
    throw new GraphErrorResponse(
      graphError(call.request, 400, 'Request_UnsupportedQuery', 'Unsupported Query.'),
    );
  }
  const expansion = parseOwnersExpansion(call);
  if (expansion && advanced) {
    // Learn says only that it is not supported; the answer's wording is ours (see README).
    throw new GraphErrorResponse(
      graphError(
        call.request,
        400,
        'Request_UnsupportedQuery',
        '$expand is not supported with advanced queries (ConsistencyLevel: eventual).',
      ),
    );
  }
  const top = parseTop(call, defaultPageSize);
  const offset = parseSkipToken(call);

  const matches = applyFilter([...call.directory.groups.values()].map(groupView), filter);
  const page = matches.slice(offset, offset + top);
  const body: Record<string, unknown> = {
    '@odata.context': contextUrl(call, groupsContext(select, expansion)),
  };
  if (count) body['@odata.count'] = matches.length;
  if (offset + top < matches.length) body['@odata.nextLink'] = nextLink(call, offset + top);
  body.value = page.map((view) => {
    const projected = project(view, select, groupProperties);
    if (!expansion) return projected;
    const group = call.directory.groups.get(String(view.id));
    const owners = group ? ownerObjects(call, group).slice(0, expandLimit) : [];
    return { ...projected, owners: owners.map((owner) => ownerView(call, owner, expansion.select)) };
  });
  return jsonResponse(200, body);
}

/**
 * `GET /groups/{id}/owners` (group-list-owners): the group's owners, "with limited information" (type and id)
 * when the caller may not read users; `$select`, `$top` (1–999, default 100), `$count` and paging, as on the
 * other directory-object relationships.
 */
export function listGroupOwners(call: GraphCall): SimResponse {
  requirePermission(call, listOwnersPermissions);
  const id = call.params.id ?? '';
  const group = call.directory.groups.get(id.toLowerCase());
  if (!group) return resourceNotFound(call.request, id);
  refuseSkip(call);
  refuseUnimplemented(call, ['$filter', '$search', '$orderby', '$expand']);
  const count = wantsCount(call);
  const select = parseSelect(call, userProperties, 'microsoft.graph.directoryObject');
  const top = parseTop(call, defaultPageSize);
  const offset = parseSkipToken(call);
  const owners = ownerObjects(call, group);
  return jsonResponse(200, {
    '@odata.context': contextUrl(call, 'directoryObjects'),
    ...(count ? { '@odata.count': owners.length } : {}),
    ...(offset + top < owners.length ? { '@odata.nextLink': nextLink(call, offset + top) } : {}),
    value: owners.slice(offset, offset + top).map((owner) => ownerView(call, owner, select)),
  });
}

function groupView(group: DirectoryGroup): Record<string, unknown> {
  return {
    id: group.id,
    displayName: group.displayName,
    description: group.description,
    // Not set at creation: null, as in Learn's List groups example ("Golf Assist").
    isAssignableToRole: group.isAssignableToRole,
    securityEnabled: group.securityEnabled,
    mailEnabled: group.mailEnabled,
    groupTypes: group.groupTypes,
  };
}

/** The group's owners in the order they were added; the fixture's owners are users. */
function ownerObjects(call: GraphCall, group: DirectoryGroup): GraphUser[] {
  return [...group.owners].flatMap((id) => call.directory.findUser(id) ?? []);
}

function ownerView(call: GraphCall, owner: GraphUser, select: string[] | null): Record<string, unknown> {
  const object = {
    ...project({ ...owner, '@odata.type': '#microsoft.graph.user' }, select, defaultUserProperties),
  };
  return mayRead(call, object) ? object : limitedView(object);
}

/**
 * `$expand=owners` or `$expand=owners($select=a,b)`. Other relationships, and options other than a nested
 * `$select`, are refused: the bot expands only owners with a nested `$select` (a deliberate limit).
 */
function parseOwnersExpansion(call: GraphCall): Expansion | null {
  const text = call.request.query.get('$expand');
  if (text === null) return null;
  const match = /^\s*([A-Za-z]+)\s*(?:\((.*)\))?\s*$/s.exec(text);
  if (!match) throw new GraphErrorResponse(badRequest(call.request, `Invalid $expand: '${text}'.`));
  const [, relationship = '', options] = match;
  if (relationship.toLowerCase() !== 'owners') {
    throw new GraphErrorResponse(
      badRequest(
        call.request,
        `The simulated tenant expands only 'owners' on groups, not '${relationship}' (a deliberate limit).`,
      ),
    );
  }
  if (options === undefined || options.trim() === '') return { select: null };
  const selectOption = /^\s*\$select\s*=\s*([^;()]*)$/i.exec(options);
  if (!selectOption) {
    throw new GraphErrorResponse(
      badRequest(
        call.request,
        `The simulated tenant accepts only a nested $select in $expand=owners(...), not '${options}'.`,
      ),
    );
  }
  const names = (selectOption[1] ?? '')
    .split(',')
    .map((name) => name.trim())
    .filter(Boolean);
  const canonical = new Map(userProperties.map((name) => [name.toLowerCase(), name as string]));
  return {
    select: names.map((name) => {
      const found = canonical.get(name.toLowerCase());
      if (!found) {
        throw new GraphErrorResponse(
          badRequest(
            call.request,
            `Could not find a property named '${name}' on type 'microsoft.graph.directoryObject'.`,
          ),
        );
      }
      return found;
    }),
  };
}

function groupsContext(select: string[] | null, expansion: Expansion | null): string {
  const parts = [...(select ?? [])];
  if (expansion) parts.push(`owners(${(expansion.select ?? []).join(',')})`);
  return parts.length > 0 ? `groups(${parts.join(',')})` : 'groups';
}

/** Query options Graph accepts here but the simulator does not implement: refused rather than ignored. */
function refuseUnimplemented(call: GraphCall, names: readonly string[]): void {
  const given = names.find((name) => call.request.query.has(name));
  if (given !== undefined) {
    throw new GraphErrorResponse(
      badRequest(call.request, `The simulated tenant does not implement ${given} here (a deliberate limit).`),
    );
  }
}
