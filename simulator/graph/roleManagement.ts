import type { RoleAssignmentRecord } from '../directory/directory';
import { roleDisplayNames } from '../directory/roles';
import { jsonResponse, type SimResponse } from '../http/types';
import type { FilterExpression } from './odata';
import { applyFilter, parseCollectionFilter, parseSelect, project, wantsCount } from './collectionQuery';
import { contextUrl, isAdvancedQuery, type GraphCall } from './graphCall';
import { graphError, GraphErrorResponse, resourceNotFound } from './graphErrors';
import { requirePermission } from './users';

const readRolePermissions = [
  'RoleManagement.Read.Directory',
  'RoleManagement.Read.All',
  'RoleManagement.ReadWrite.Directory',
  'Directory.Read.All',
  'Directory.ReadWrite.All',
];
const readEligibilityPermissions = ['RoleEligibilitySchedule.Read.Directory', ...readRolePermissions];

const assignmentProperties = [
  'id',
  'principalId',
  'roleDefinitionId',
  'directoryScopeId',
  'appScopeId',
  'resourceScope',
];
/** unifiedRoleAssignment resource: these four "Support `$filter` (`eq`, `in`)". */
const filterableAssignmentProperties = ['principalId', 'roleDefinitionId', 'directoryScopeId', 'appScopeId'];
const eligibilityProperties = [
  'id',
  'principalId',
  'roleDefinitionId',
  'directoryScopeId',
  'appScopeId',
  'startDateTime',
  'endDateTime',
  'memberType',
  'roleEligibilityScheduleId',
];

function assignmentView(a: RoleAssignmentRecord): Record<string, unknown> {
  return {
    id: a.id,
    principalId: a.principalId,
    roleDefinitionId: a.roleDefinitionId,
    directoryScopeId: a.directoryScopeId,
    appScopeId: null,
    resourceScope: a.directoryScopeId,
  };
}

function roleDefinitionView(templateId: string): Record<string, unknown> {
  return {
    id: templateId,
    templateId,
    displayName: roleDisplayNames[templateId] ?? 'Custom role',
    isBuiltIn: roleDisplayNames[templateId] !== undefined,
    isEnabled: true,
  };
}

function withExpand(call: GraphCall, rows: Record<string, unknown>[]): Record<string, unknown>[] {
  const expand = call.request.query.get('$expand');
  if (expand === null) return rows;
  if (expand.trim().toLowerCase() !== 'roledefinition') {
    throw new GraphErrorResponse(
      graphError(
        call.request,
        400,
        'BadRequest',
        `Could not find a property named '${expand}' on type 'microsoft.graph.unifiedRoleAssignment'.`,
      ),
    );
  }
  return rows.map((row) => ({ ...row, roleDefinition: roleDefinitionView(String(row.roleDefinitionId)) }));
}

function collection(
  call: GraphCall,
  fragment: string,
  rows: Record<string, unknown>[],
  known: string[],
): SimResponse {
  const count = wantsCount(call);
  const select = parseSelect(call, known, 'microsoft.graph.unifiedRoleAssignment');
  const value = withExpand(call, rows).map((row) =>
    select
      ? {
          ...project(row, select, known),
          ...(row.roleDefinition ? { roleDefinition: row.roleDefinition } : {}),
        }
      : row,
  );
  return jsonResponse(200, {
    '@odata.context': contextUrl(call, fragment),
    ...(count ? { '@odata.count': value.length } : {}),
    value,
  });
}

/**
 * `GET /roleManagement/directory/roleAssignments` (v1.0): active assignments made directly to the principal
 * (a group's assignment carries the group's id). `$filter` with `eq` and `in`, combined with `and`/`or`;
 * other operators answer 400 `Request_UnsupportedQuery`. Every match in one page: Learn documents no `$top`
 * or page size for this list.
 */
export function listRoleAssignments(call: GraphCall): SimResponse {
  requirePermission(call, readRolePermissions);
  const filter = parseCollectionFilter(
    call,
    filterableAssignmentProperties,
    assignmentProperties,
    'UnifiedRoleAssignment',
  );
  if (filter && !onlyEqualityClauses(filter)) {
    throw new GraphErrorResponse(
      graphError(call.request, 400, 'Request_UnsupportedQuery', 'Unsupported Query.'),
    );
  }
  const rows = applyFilter(call.directory.roleAssignments.map(assignmentView), filter);
  return collection(call, 'roleManagement/directory/roleAssignments', rows, assignmentProperties);
}

/**
 * `GET /beta/roleManagement/directory/transitiveRoleAssignments`: direct and group-based active assignments.
 * Group-based rows keep the group's id as `principalId`, as in Learn's example. Without
 * `ConsistencyLevel: eventual` the documented answer is 404.
 */
export function listTransitiveRoleAssignments(call: GraphCall): SimResponse {
  if (!isAdvancedQuery(call)) {
    return graphError(
      call.request,
      404,
      'Request_ResourceNotFound',
      "Resource not found for the segment 'transitiveRoleAssignments'. This API requires the 'ConsistencyLevel: eventual' header.",
    );
  }
  requirePermission(call, readRolePermissions);
  const filter = parseCollectionFilter(
    call,
    filterableAssignmentProperties,
    assignmentProperties,
    'UnifiedRoleAssignment',
  );
  const principalId = filter ? principalIdOf(filter) : null;
  const rest = filter && principalId !== null ? withoutPrincipalClause(filter) : filter;
  const source =
    principalId !== null
      ? call.directory.transitiveRoleAssignments(principalId)
      : call.directory.roleAssignments;
  const rows = applyFilter(source.map(assignmentView), rest);
  return collection(call, 'roleManagement/directory/transitiveRoleAssignments', rows, assignmentProperties);
}

/**
 * `GET /roleManagement/directory/roleEligibilityScheduleInstances`: PIM-eligible assignments. PIM needs
 * Entra ID P2 or Governance ("The tenant where Privileged Identity Management is being used must have
 * sufficient purchased or trial licenses", PIM API overview); a P1 tenant gets the answer reported in
 * maester365/maester#1421.
 */
export function listRoleEligibilityScheduleInstances(call: GraphCall): SimResponse {
  requirePermission(call, readEligibilityPermissions);
  if (!call.directory.pimLicensed) {
    return graphError(
      call.request,
      400,
      'AadPremiumLicenseRequired',
      'The tenant needs to have Microsoft Entra ID P2 or Microsoft Entra ID Governance license.',
    );
  }
  const filter = parseCollectionFilter(
    call,
    filterableAssignmentProperties,
    eligibilityProperties,
    'UnifiedRoleEligibilityScheduleInstance',
  );
  const rows = call.directory.eligibleRoleAssignments().map((a) => ({
    id: a.id,
    principalId: a.principalId,
    roleDefinitionId: a.roleDefinitionId,
    directoryScopeId: a.directoryScopeId,
    appScopeId: null,
    startDateTime: '2024-01-15T09:00:00Z',
    endDateTime: null,
    memberType: 'Direct',
    roleEligibilityScheduleId: a.id,
  }));
  return collection(
    call,
    'roleManagement/directory/roleEligibilityScheduleInstances',
    applyFilter(rows, filter),
    eligibilityProperties,
  );
}

/** `GET /roleManagement/directory/roleDefinitions[/{id}]`: the built-in roles the simulator knows. */
export function listRoleDefinitions(call: GraphCall): SimResponse {
  requirePermission(call, readRolePermissions);
  const id = call.params.id;
  if (id !== undefined) {
    if (roleDisplayNames[id.toLowerCase()] === undefined) return resourceNotFound(call.request, id);
    return jsonResponse(200, {
      '@odata.context': contextUrl(call, 'roleManagement/directory/roleDefinitions/$entity'),
      ...roleDefinitionView(id.toLowerCase()),
    });
  }
  return jsonResponse(200, {
    '@odata.context': contextUrl(call, 'roleManagement/directory/roleDefinitions'),
    value: Object.keys(roleDisplayNames).map(roleDefinitionView),
  });
}

function onlyEqualityClauses(filter: FilterExpression): boolean {
  switch (filter.kind) {
    case 'and':
    case 'or':
      return filter.operands.every(onlyEqualityClauses);
    case 'compare':
      return filter.operator === 'eq';
    case 'in':
      return true;
    default:
      return false;
  }
}

/** The principal of a `principalId eq '…'` clause at the top level or inside `and`. */
function principalIdOf(filter: FilterExpression): string | null {
  if (isPrincipalClause(filter)) return String(filter.value).toLowerCase();
  if (filter.kind === 'and') {
    for (const operand of filter.operands) {
      const found = principalIdOf(operand);
      if (found !== null) return found;
    }
  }
  return null;
}

function withoutPrincipalClause(filter: FilterExpression): FilterExpression | null {
  if (isPrincipalClause(filter)) return null;
  if (filter.kind !== 'and') return filter;
  const operands = filter.operands.filter((operand) => !isPrincipalClause(operand));
  return operands.length === 0 ? null : { kind: 'and', operands };
}

function isPrincipalClause(
  filter: FilterExpression,
): filter is Extract<FilterExpression, { kind: 'compare' }> {
  return (
    filter.kind === 'compare' &&
    filter.operator === 'eq' &&
    filter.property.variable === undefined &&
    filter.property.segments.length === 1 &&
    filter.property.segments[0]?.toLowerCase() === 'principalid' &&
    typeof filter.value === 'string'
  );
}
