import { createHash } from 'node:crypto';
import type { AdministrativeUnit, DirectoryGroup } from '../directory/directory';
import { roleDisplayNames } from '../directory/roles';
import { jsonResponse, type SimResponse } from '../http/types';
import { applyFilter, parseCollectionFilter, parseSelect, project, wantsCount } from './collectionQuery';
import { contextUrl, type GraphCall } from './graphCall';
import { segmentNotFound } from './graphErrors';
import { requirePermission, requireUser } from './users';

const readMembershipPermissions = [
  'User.Read.All',
  'User.ReadWrite.All',
  'GroupMember.Read.All',
  'Group.Read.All',
  'Directory.Read.All',
  'Directory.ReadWrite.All',
];

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

function groupView(g: DirectoryGroup): Record<string, unknown> {
  return {
    '@odata.type': '#microsoft.graph.group',
    id: g.id,
    displayName: g.displayName,
    description: g.description,
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
 * `GET /users/{id}/transitiveMemberOf[/{cast}]`: groups, administrative units and the directory roles held
 * tenant-wide (directly or through a group). The fixture has no nested groups, so transitive equals direct.
 */
export function listTransitiveMemberOf(call: GraphCall): SimResponse {
  requirePermission(call, readMembershipPermissions);
  const user = requireUser(call, call.params.id ?? '');
  const castType = call.params.cast === undefined ? undefined : casts[call.params.cast.toLowerCase()];
  if (call.params.cast !== undefined && castType === undefined)
    return segmentNotFound(call.request, call.params.cast);

  const directory = call.directory;
  const roleTemplates = new Set(
    directory
      .transitiveRoleAssignments(user.id)
      .filter((a) => a.directoryScopeId === '/')
      .map((a) => a.roleDefinitionId),
  );
  const objects = [
    ...directory.groupsOf(user.id).map(groupView),
    ...directory.administrativeUnitsOf(user.id).map(unitView),
    ...[...roleTemplates].map(directoryRoleView),
  ].filter((o) => castType === undefined || o['@odata.type'] === castType);
  return listing(call, 'directoryObjects', objects);
}

/** `GET /users/{id}/ownedObjects[/microsoft.graph.group]`: the groups the user owns. */
export function listOwnedObjects(call: GraphCall): SimResponse {
  requirePermission(call, readMembershipPermissions);
  const user = requireUser(call, call.params.id ?? '');
  if (call.params.cast !== undefined && call.params.cast.toLowerCase() !== 'microsoft.graph.group') {
    return segmentNotFound(call.request, call.params.cast);
  }
  const owned = [...call.directory.groups.values()].filter((g) => g.owners.has(user.id)).map(groupView);
  return listing(call, 'directoryObjects', owned);
}

function listing(call: GraphCall, fragment: string, objects: Record<string, unknown>[]): SimResponse {
  const count = wantsCount(call);
  const select = parseSelect(call, directoryObjectProperties, 'microsoft.graph.directoryObject');
  const filter = parseCollectionFilter(
    call,
    filterableProperties,
    directoryObjectProperties,
    'DirectoryObject',
  );
  const matches = applyFilter(objects, filter);
  return jsonResponse(200, {
    '@odata.context': contextUrl(call, fragment),
    ...(count ? { '@odata.count': matches.length } : {}),
    value: matches.map((o) => (select ? project(o, select, []) : o)),
  });
}
