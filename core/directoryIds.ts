/**
 * How Entra names things. Object ids are GUIDs; they end up in URL paths, OData filters and storage keys, so
 * anything else is refused before it gets there.
 */
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A directory object id, tenant id or app id: any GUID, in either case. */
export function isGuid(value: unknown): boolean {
  return typeof value === 'string' && GUID.test(value);
}

/** The part after the last `@` (guest UPNs such as `a_b.com#EXT#@contoso.com` contain only one). */
export function upnDomain(userPrincipalName: string): string {
  return userPrincipalName.slice(userPrincipalName.lastIndexOf('@') + 1).toLowerCase();
}

const UNIT_SCOPE = /^\/administrativeUnits\/([^/]+)$/i;

/** The administrative unit a role assignment's `directoryScopeId` names (lower case), or null for any other scope. */
export function administrativeUnitOfScope(directoryScopeId: string): string | null {
  return UNIT_SCOPE.exec(directoryScopeId)?.[1]?.toLowerCase() ?? null;
}
