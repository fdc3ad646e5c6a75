import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { AdministrativeUnit, DirectoryGroup } from '../directory/directory';
import { roleDisplayNames } from '../directory/roles';
import { parseJsonBody } from '../http/requestBody';
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
  wantsCount,
} from './collectionQuery';
import { contextUrl, hasPermission, isAdvancedQuery, type GraphCall } from './graphCall';
import { filterProperties } from './odata';
import { graphError, insufficientPrivileges, segmentNotFound } from './graphErrors';
import { requirePermission, requireUser } from './users';

/** user-list-transitivememberof, user-list-ownedobjects: who may list the relationship at all. */
const readMembershipPermissions = [
  'User.Read.All',
  'User.ReadWrite.All',
  'GroupMember.Read.All',
  'Group.Read.All',
  'Directory.Read.All',
  'Directory.ReadWrite.All',
];

/**
 * Who may read each type listed in the relationship. Without one of these, objects of that type are listed
 * "with limited information" (permissions-overview, "Limited information returned for inaccessible member
 * objects"): type and id only. Lists: user-get, group-list (GroupMember.Read.All least), administrativeunit-get
 * (AdministrativeUnit.Read.All least), directoryrole-list (RoleManagement.Read.Directory least).
 */
const readTypePermissions: Record<string, readonly string[]> = {
  // user-get (User.Read.All least for applications; User.ReadBasic.All delegated): owners of a group are users.
  '#microsoft.graph.user': [
    'User.Read.All',
    'User.ReadWrite.All',
    'User.ReadBasic.All',
    'Directory.Read.All',
    'Directory.ReadWrite.All',
  ],
  '#microsoft.graph.group': [
    'GroupMember.Read.All',
    'GroupMember.ReadWrite.All',
    'Group.Read.All',
    'Group.ReadWrite.All',
    'Directory.Read.All',
    'Directory.ReadWrite.All',
  ],
  '#microsoft.graph.administrativeUnit': [
    'AdministrativeUnit.Read.All',
    'AdministrativeUnit.ReadWrite.All',
    'Directory.Read.All',
    'Directory.ReadWrite.All',
  ],
  '#microsoft.graph.directoryRole': [
    'RoleManagement.Read.Directory',
    'RoleManagement.Read.All',
    'RoleManagement.ReadWrite.Directory',
    'Directory.Read.All',
    'Directory.ReadWrite.All',
  ],
};

const directoryObjectProperties = [
  'id',
  'displayName',
  'description',
  'isAssignableToRole',
  'securityEnabled',
  'mailEnabled',
  'groupTypes',
  'isMemberManagementRestricted',
  'roleTemplateId',
];
const filterableProperties = [
  'id',
  'displayName',
  'isAssignableToRole',
  'securityEnabled',
  'mailEnabled',
  'roleTemplateId',
];

const casts: Record<string, string> = {
  'microsoft.graph.group': '#microsoft.graph.group',
  'microsoft.graph.administrativeunit': '#microsoft.graph.administrativeUnit',
  'microsoft.graph.directoryrole': '#microsoft.graph.directoryRole',
};

const defaultPageSize = 100;

function groupView(g: DirectoryGroup): Record<string, unknown> {
  return {
    '@odata.type': '#microsoft.graph.group',
    id: g.id,
    displayName: g.displayName,
    description: g.description,
    // Not set at creation: null, as in Learn's group examples ("Golf Assist", list memberOf).
    isAssignableToRole: g.isAssignableToRole,
    securityEnabled: g.securityEnabled,
    mailEnabled: g.mailEnabled,
    groupTypes: g.groupTypes,
  };
}

function unitView(u: AdministrativeUnit): Record<string, unknown> {
  return {
    '@odata.type': '#microsoft.graph.administrativeUnit',
    id: u.id,
    displayName: u.displayName,
    description: u.description,
    isMemberManagementRestricted: u.isMemberManagementRestricted,
  };
}

/** A stable object id for the activated directoryRole of a template (ours, derived from the template). */
function directoryRoleView(templateId: string): Record<string, unknown> {
  const hex = createHash('sha256').update(`directoryRole:${templateId}`).digest('hex');
  return {
    '@odata.type': '#microsoft.graph.directoryRole',
    id: `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`,
    displayName: roleDisplayNames[templateId] ?? 'Custom role',
    description: null,
    roleTemplateId: templateId,
  };
}

/**
 * The object as a caller without permission to read its type sees it: `@odata.type` and `id`, every other
 * property null and collections empty (the shape in Learn's troubleshooting article "Microsoft Graph API
 * memberOf returns null values for some properties").
 */
export function limitedView(object: Record<string, unknown>): Record<string, unknown> {
  const limited: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(object)) {
    limited[name] = name === '@odata.type' || name === 'id' ? value : Array.isArray(value) ? [] : null;
  }
  return limited;
}

/**
 * `GET /users/{id}/transitiveMemberOf[/{cast}]`: groups (directly or through nested groups), administrative
 * units and the directory roles held tenant-wide (directly or through a group).
 * An OData cast, `$filter`, `$search` or `$orderby` needs `ConsistencyLevel: eventual` and `$count=true`
 * (user-list-transitivememberof, "Request headers"; aad-advanced-queries, "Use of OData cast with transitive
 * members list").
 */
export function listTransitiveMemberOf(call: GraphCall): SimResponse {
  requirePermission(call, readMembershipPermissions);
  const user = requireUser(call, call.params.id ?? '');
  const castType = call.params.cast === undefined ? undefined : casts[call.params.cast.toLowerCase()];
  if (call.params.cast !== undefined && castType === undefined)
    return segmentNotFound(call.request, call.params.cast);
  const query = call.request.query;
  const needsAdvanced =
    castType !== undefined || ['$filter', '$search', '$orderby'].some((name) => query.has(name));
  if (needsAdvanced && !(isAdvancedQuery(call) && query.get('$count')?.toLowerCase() === 'true')) {
    return graphError(call.request, 400, 'Request_UnsupportedQuery', 'Unsupported Query.');
  }

  const directory = call.directory;
  const roleTemplates = new Set(
    directory
      .transitiveRoleAssignments(user.id)
      .filter((a) => a.directoryScopeId === '/')
      .map((a) => a.roleDefinitionId),
  );
  const objects = [
    ...directory.transitiveGroupsOf(user.id).map(groupView),
    ...directory.administrativeUnitsOf(user.id).map(unitView),
    ...[...roleTemplates].map(directoryRoleView),
  ].filter((o) => castType === undefined || o['@odata.type'] === castType);
  return listing(call, 'directoryObjects', objects);
}

/**
 * `GET /users/{id}/ownedObjects[/microsoft.graph.group]`: the groups the user owns. Delegated only: Learn's
 * "List ownedObjects" permissions table lists application permissions as "Not supported". Learn does not
 * document the answer to an unsupported permission type; this is Graph's usual 403 (see README).
 */
export function listOwnedObjects(call: GraphCall): SimResponse {
  if (call.caller.kind === 'app') return insufficientPrivileges(call.request);
  requirePermission(call, readMembershipPermissions);
  const user = requireUser(call, call.params.id ?? '');
  if (call.params.cast !== undefined && call.params.cast.toLowerCase() !== 'microsoft.graph.group') {
    return segmentNotFound(call.request, call.params.cast);
  }
  const owned = [...call.directory.groups.values()].filter((g) => g.owners.has(user.id)).map(groupView);
  return listing(call, 'directoryObjects', owned);
}

/**
 * One page of a directoryObject relationship: default page 100, `$top` up to 999, `@odata.nextLink` with a
 * `$skiptoken`. Objects the caller may not read are shown with limited information and, when `$filter` names
 * any property but `id`, left out: "Resources for which the expression evaluates to false or to null, or which
 * reference properties that are unavailable due to permissions, are omitted from the response" (Learn: "Use
 * the $filter query parameter").
 */
function listing(call: GraphCall, fragment: string, objects: Record<string, unknown>[]): SimResponse {
  refuseSkip(call);
  const count = wantsCount(call);
  const select = parseSelect(call, directoryObjectProperties, 'microsoft.graph.directoryObject');
  const filter = parseCollectionFilter(
    call,
    filterableProperties,
    directoryObjectProperties,
    'DirectoryObject',
  );
  const top = parseTop(call, defaultPageSize);
  const offset = parseSkipToken(call);
  const filtersOnHiddenProperties =
    filter !== null && filterProperties(filter).some((name) => name.toLowerCase() !== 'id');
  const matches = applyFilter(objects, filter)
    .map((object) => ({ object, readable: mayRead(call, object) }))
    .filter(({ readable }) => readable || !filtersOnHiddenProperties)
    .map(({ object, readable }) => (readable ? object : limitedView(object)));
  const page = matches.slice(offset, offset + top);
  return jsonResponse(200, {
    '@odata.context': contextUrl(call, fragment),
    ...(count ? { '@odata.count': matches.length } : {}),
    ...(offset + top < matches.length ? { '@odata.nextLink': nextLink(call, offset + top) } : {}),
    value: page.map((o) => (select ? project(o, select, []) : o)),
  });
}

export function mayRead(call: GraphCall, object: Record<string, unknown>): boolean {
  const needed = readTypePermissions[String(object['@odata.type'])];
  return needed === undefined || hasPermission(call.caller, needed);
}

/** user-checkmembergroups, application: "User.Read.All and GroupMember.Read.All, User.Read.All and Group.Read.All, Directory.Read.All". */
const checkMemberGroupsUserPermissions = ['User.Read.All', 'User.ReadWrite.All'];
/** Delegated callers may also read users with User.ReadBasic.All (same table, delegated row). */
const checkMemberGroupsDelegatedUserPermissions = [...checkMemberGroupsUserPermissions, 'User.ReadBasic.All'];
const checkMemberGroupsGroupPermissions = [
  'GroupMember.Read.All',
  'GroupMember.ReadWrite.All',
  'Group.Read.All',
  'Group.ReadWrite.All',
];
const checkMemberGroupsDirectoryPermissions = ['Directory.Read.All', 'Directory.ReadWrite.All'];
/** "You can check up to a maximum of 20 groups per request." */
const MAX_CHECKED_GROUPS = 20;
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const checkMemberGroupsBody = z.object({ groupIds: z.array(z.string()) });

/**
 * `POST /users/{id}/checkMemberGroups` (Learn: "user: checkMemberGroups"): of `groupIds`, those the user is a
 * member of, directly or through nested groups ("This function is transitive"), as `{"value": [ids]}`. Learn
 * says the whole request fails when it is invalid ("for example, a malformed group ID") and names no error
 * code: the simulator answers 400 `Request_BadRequest` then, and for more than 20 ids (our choice). An id
 * that names no group is left out of the answer (our reading: the user is not a member of it).
 */
export function checkMemberGroups(call: GraphCall): SimResponse {
  const userPermissions =
    call.caller.kind === 'app' ? checkMemberGroupsUserPermissions : checkMemberGroupsDelegatedUserPermissions;
  const permitted =
    hasPermission(call.caller, checkMemberGroupsDirectoryPermissions) ||
    (hasPermission(call.caller, userPermissions) &&
      hasPermission(call.caller, checkMemberGroupsGroupPermissions));
  if (!permitted) return insufficientPrivileges(call.request);
  const body = checkMemberGroupsBody.safeParse(parseJsonBody(call.request.body));
  if (!body.success) {
    return graphError(call.request, 400, 'Request_BadRequest', 'Invalid request body: groupIds is required.');
  }
  const { groupIds } = body.data;
  if (groupIds.length > MAX_CHECKED_GROUPS) {
    return graphError(
      call.request,
      400,
      'Request_BadRequest',
      `A maximum of ${MAX_CHECKED_GROUPS} groups can be checked per request.`,
    );
  }
  const malformed = groupIds.find((id) => !GUID.test(id));
  if (malformed !== undefined) {
    return graphError(call.request, 400, 'Request_BadRequest', `Invalid object identifier '${malformed}'.`);
  }
  const user = requireUser(call, call.params.id ?? '');
  const memberOf = new Set(call.directory.transitiveGroupsOf(user.id).map((group) => group.id.toLowerCase()));
  return jsonResponse(200, {
    '@odata.context': contextUrl(call, 'Collection(Edm.String)'),
    value: groupIds.filter((id) => memberOf.has(id.toLowerCase())),
  });
}
