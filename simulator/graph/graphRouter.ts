import type { SimulatorContext } from '../context';
import { getAdministrativeUnit } from './administrativeUnits';
import type { Caller, SimRequest, SimResponse } from '../http/types';
import { publicBaseUrl } from '../auth/tokenEndpoint';
import { getDomain, listDomains } from './domains';
import type { GraphCall } from './graphCall';
import { graphError, GraphErrorResponse, segmentNotFound } from './graphErrors';
import { listGroupOwners, listGroups } from './groups';
import { checkMemberGroups, listOwnedObjects, listTransitiveMemberOf } from './memberships';
import { getResetOperation, resetPassword } from './passwordMethod';
import {
  listRoleAssignments,
  listRoleDefinitions,
  listRoleEligibilityScheduleInstances,
  listTransitiveRoleAssignments,
} from './roleManagement';
import { getMe, getUser, listUsers, revokeSignInSessions, updateUser } from './users';

type Version = 'v1.0' | 'beta';

interface Route {
  method: string;
  /** Literal segments match case-insensitively; `:name` captures one segment. */
  path: string[];
  versions?: Version[];
  handler: (call: GraphCall) => SimResponse | Promise<SimResponse>;
}

const routes: Route[] = [
  { method: 'GET', path: ['users'], handler: listUsers },
  { method: 'GET', path: ['users', ':id'], handler: getUser },
  { method: 'PATCH', path: ['users', ':id'], handler: updateUser },
  { method: 'POST', path: ['users', ':id', 'revokeSignInSessions'], handler: revokeSignInSessions },
  { method: 'GET', path: ['users', ':id', 'transitiveMemberOf'], handler: listTransitiveMemberOf },
  { method: 'GET', path: ['users', ':id', 'transitiveMemberOf', ':cast'], handler: listTransitiveMemberOf },
  { method: 'POST', path: ['users', ':id', 'checkMemberGroups'], handler: checkMemberGroups },
  { method: 'GET', path: ['users', ':id', 'ownedObjects'], handler: listOwnedObjects },
  { method: 'GET', path: ['users', ':id', 'ownedObjects', ':cast'], handler: listOwnedObjects },
  {
    method: 'POST',
    path: ['users', ':id', 'authentication', 'methods', ':methodId', 'resetPassword'],
    handler: resetPassword,
  },
  {
    method: 'POST',
    path: ['users', ':id', 'authentication', 'passwordMethods', ':methodId', 'resetPassword'],
    versions: ['beta'],
    handler: resetPassword,
  },
  {
    method: 'GET',
    path: ['users', ':id', 'authentication', 'operations', ':operationId'],
    handler: getResetOperation,
  },
  { method: 'GET', path: ['me'], handler: getMe },
  { method: 'GET', path: ['groups'], handler: listGroups },
  { method: 'GET', path: ['groups', ':id', 'owners'], handler: listGroupOwners },
  { method: 'GET', path: ['domains'], handler: listDomains },
  { method: 'GET', path: ['domains', ':id'], handler: getDomain },
  {
    method: 'GET',
    path: ['directory', 'administrativeUnits', ':id'],
    versions: ['v1.0'],
    handler: getAdministrativeUnit,
  },
  { method: 'GET', path: ['roleManagement', 'directory', 'roleAssignments'], handler: listRoleAssignments },
  {
    method: 'GET',
    path: ['roleManagement', 'directory', 'transitiveRoleAssignments'],
    versions: ['beta'],
    handler: listTransitiveRoleAssignments,
  },
  {
    method: 'GET',
    path: ['roleManagement', 'directory', 'roleEligibilityScheduleInstances'],
    handler: listRoleEligibilityScheduleInstances,
  },
  { method: 'GET', path: ['roleManagement', 'directory', 'roleDefinitions'], handler: listRoleDefinitions },
  {
    method: 'GET',
    path: ['roleManagement', 'directory', 'roleDefinitions', ':id'],
    handler: listRoleDefinitions,
  },
];

function match(route: Route, segments: string[], version: Version): Record<string, string> | null {
  if (route.path.length !== segments.length) return null;
  if (route.versions && !route.versions.includes(version)) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < segments.length; i++) {
    const pattern = route.path[i] ?? '';
    const segment = segments[i] ?? '';
    if (pattern.startsWith(':')) params[pattern.slice(1)] = segment;
    else if (pattern.toLowerCase() !== segment.toLowerCase()) return null;
  }
  return params;
}

/** Routes an authenticated Graph request (`segments[0]` is the version) to its handler. */
export async function routeGraph(
  context: SimulatorContext,
  request: SimRequest,
  caller: Caller,
): Promise<SimResponse> {
  const version = request.segments[0] as Version;
  const resourceSegments = request.segments.slice(1);
  const candidates = routes
    .map((route) => ({ route, params: match(route, resourceSegments, version) }))
    .filter((c): c is { route: Route; params: Record<string, string> } => c.params !== null);
  if (candidates.length === 0)
    return segmentNotFound(request, firstUnknownSegment(resourceSegments, version));
  const chosen = candidates.find((c) => c.route.method === request.method);
  if (!chosen) {
    return graphError(
      request,
      405,
      'Request_BadRequest',
      `The HTTP method '${request.method}' is not allowed for this resource.`,
    );
  }
  const call: GraphCall = {
    request,
    caller,
    version,
    params: chosen.params,
    context,
    directory: context.directory,
    baseUrl: publicBaseUrl(request),
  };
  try {
    return await chosen.route.handler(call);
  } catch (error) {
    if (error instanceof GraphErrorResponse) return error.response;
    throw error;
  }
}

/** The segment Graph would name in "Resource not found for the segment '…'". */
function firstUnknownSegment(segments: string[], version: Version): string {
  for (let depth = 1; depth <= segments.length; depth++) {
    const prefix = segments.slice(0, depth);
    const known = routes.some(
      (r) =>
        (!r.versions || r.versions.includes(version)) &&
        r.path.length >= depth &&
        prefix.every(
          (s, i) => (r.path[i] ?? '').startsWith(':') || (r.path[i] ?? '').toLowerCase() === s.toLowerCase(),
        ),
    );
    if (!known) return segments[depth - 1] ?? '';
  }
  return segments[segments.length - 1] ?? '';
}
