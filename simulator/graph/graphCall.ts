import type { SimulatorContext } from '../context';
import type { Directory } from '../directory/directory';
import { usableResetterRoles, type ScopedRole } from '../directory/resetAuthorization';
import type { Caller, SimRequest } from '../http/types';

/** What a Graph handler receives: the request, the authenticated caller and the route's parameters. */
export interface GraphCall {
  request: SimRequest;
  caller: Caller;
  version: 'v1.0' | 'beta';
  params: Record<string, string>;
  context: SimulatorContext;
  directory: Directory;
  /** `https://host:port`, as the client reached us; used in `@odata.nextLink`, `Location`, `@odata.context`. */
  baseUrl: string;
}

/** True when the token grants one of `accepted` (application roles for app-only, scopes for delegated). */
export function hasPermission(caller: Caller, accepted: readonly string[]): boolean {
  const granted = caller.kind === 'app' ? caller.roles : caller.scopes;
  return accepted.some((permission) => granted.includes(permission));
}

/**
 * The caller's active directory roles, direct and through groups. PIM-eligible roles do not count until
 * activated. For app-only calls these are the roles of the app's service principal; for delegated calls,
 * the signed-in user's.
 */
export function callerDirectoryRoles(call: GraphCall): ScopedRole[] {
  return call.directory.transitiveRoleAssignments(call.caller.objectId);
}

/** The caller's roles that count for changing a password or revoking sessions (see `usableResetterRoles`). */
export function callerResetterRoles(call: GraphCall, operation: 'password' | 'sessions'): ScopedRole[] {
  const caller = call.caller.kind === 'app' ? 'servicePrincipal' : 'user';
  return usableResetterRoles(caller, callerDirectoryRoles(call), operation);
}

export function isAdvancedQuery(call: GraphCall): boolean {
  return call.request.headers.consistencylevel?.toLowerCase() === 'eventual';
}

export function contextUrl(call: GraphCall, fragment: string): string {
  return `${call.baseUrl}/${call.version}/$metadata#${fragment}`;
}
