import { z } from 'zod';
import type { GraphUser } from '../directory/directory';
import { isPasswordAcceptable } from '../directory/passwordRules';
import { mayResetPassword } from '../directory/resetAuthorization';
import { parseJsonBody } from '../http/requestBody';
import { emptyResponse, jsonResponse, type SimResponse } from '../http/types';
import {
  evaluateSearch,
  ODataSyntaxError,
  parseSearch,
  searchProperties,
  type SearchExpression,
} from './odata';
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
import { callerResetterRoles, contextUrl, hasPermission, isAdvancedQuery, type GraphCall } from './graphCall';
import {
  badRequest,
  graphError,
  GraphErrorResponse,
  insufficientPrivileges,
  resourceNotFound,
} from './graphErrors';

export const userProperties = [
  'id',
  'displayName',
  'givenName',
  'surname',
  'userPrincipalName',
  'mail',
  'mailNickname',
  'jobTitle',
  'department',
  'officeLocation',
  'mobilePhone',
  'businessPhones',
  'preferredLanguage',
  'accountEnabled',
  'userType',
  'creationType',
  'externalUserState',
  'identities',
  'onPremisesSyncEnabled',
  'onPremisesImmutableId',
  'onPremisesSamAccountName',
  'onPremisesLastSyncDateTime',
  'isManagementRestricted',
  'createdDateTime',
  'lastPasswordChangeDateTime',
  'signInSessionsValidFromDateTime',
  'passwordPolicies',
  'passwordProfile',
] as const;

/** Returned when no `$select` is given (user-get / user-list, "default properties"). */
export const defaultUserProperties = [
  'businessPhones',
  'displayName',
  'givenName',
  'jobTitle',
  'mail',
  'mobilePhone',
  'officeLocation',
  'preferredLanguage',
  'surname',
  'userPrincipalName',
  'id',
] as const;

/** Properties `$filter` accepts on users (user resource, "Supports $filter"). */
const filterableUserProperties = [
  'id',
  'displayName',
  'givenName',
  'surname',
  'userPrincipalName',
  'mail',
  'mailNickname',
  'jobTitle',
  'department',
  'officeLocation',
  'mobilePhone',
  'preferredLanguage',
  'accountEnabled',
  'userType',
  'creationType',
  'externalUserState',
  'onPremisesSyncEnabled',
  'onPremisesImmutableId',
  'onPremisesSamAccountName',
  'identities/issuer',
  'identities/signInType',
  'identities/issuerAssignedId',
  'createdDateTime',
  'businessPhones',
];

const searchableUserProperties = [
  'displayName',
  'givenName',
  'surname',
  'userPrincipalName',
  'mail',
  'mailNickname',
  'jobTitle',
  'department',
];

const readUserPermissions = [
  'User.Read.All',
  'User.ReadWrite.All',
  'Directory.Read.All',
  'Directory.ReadWrite.All',
  'User.ReadBasic.All',
];
const passwordProfilePermissions = ['User-PasswordProfile.ReadWrite.All', 'Directory.AccessAsUser.All'];
const revokeSessionsPermissions = [
  'User.RevokeSessions.All',
  'User.ReadWrite.All',
  'Directory.ReadWrite.All',
  'Directory.AccessAsUser.All',
];

const defaultPageSize = 100;

export function requireUser(call: GraphCall, idOrUpn: string): GraphUser {
  const user = call.directory.findUser(idOrUpn);
  if (!user) throw new GraphErrorResponse(resourceNotFound(call.request, idOrUpn));
  return user;
}

export function requirePermission(call: GraphCall, accepted: readonly string[]): void {
  if (!hasPermission(call.caller, accepted))
    throw new GraphErrorResponse(insufficientPrivileges(call.request));
}

/** `GET /users` (user-list): `$filter`, `$search`, `$select`, `$top`, `$count`, `$orderby`, paging. */
export function listUsers(call: GraphCall): SimResponse {
  requirePermission(call, readUserPermissions);
  refuseSkip(call);
  const advanced = isAdvancedQuery(call);
  const count = wantsCount(call);
  const select = parseSelect(call, userProperties, 'microsoft.graph.user');
  const filter = parseCollectionFilter(call, filterableUserProperties, userProperties, 'User');
  const search = parseUserSearch(call);
  const orderBy = parseOrderBy(call);
  if (filter && (usesAdvancedOperators(filter) || orderBy) && !(advanced && count)) {
    throw new GraphErrorResponse(
      graphError(call.request, 400, 'Request_UnsupportedQuery', 'Unsupported Query.'),
    );
  }
  const top = parseTop(call, defaultPageSize);
  const offset = parseSkipToken(call);

  let matches = applyFilter(call.directory.users, filter);
  if (search) matches = matches.filter((user) => evaluateSearch(search, user));
  if (orderBy) {
    const { property, descending } = orderBy;
    matches = [...matches].sort(
      (a, b) => String(a[property]).localeCompare(String(b[property])) * (descending ? -1 : 1),
    );
  }
  const page = matches.slice(offset, offset + top);
  const body: Record<string, unknown> = {
    '@odata.context': contextUrl(call, select ? `users(${select.join(',')})` : 'users'),
  };
  if (count) body['@odata.count'] = matches.length;
  if (offset + top < matches.length) body['@odata.nextLink'] = nextLink(call, offset + top);
  body.value = page.map((user) => project(user, select, defaultUserProperties));
  return jsonResponse(200, body);
}

function parseUserSearch(call: GraphCall): SearchExpression | null {
  const text = call.request.query.get('$search');
  if (text === null) return null;
  if (!isAdvancedQuery(call)) {
    throw new GraphErrorResponse(
      graphError(
        call.request,
        400,
        'Request_UnsupportedQuery',
        "Request with $search query parameter only works through MSGraph with a special request header: 'ConsistencyLevel: eventual'",
      ),
    );
  }
  let search: SearchExpression;
  try {
    search = parseSearch(text);
  } catch (error) {
    if (error instanceof ODataSyntaxError) {
      throw new GraphErrorResponse(badRequest(call.request, error.message));
    }
    throw error;
  }
  const searchable = new Set(searchableUserProperties.map((p) => p.toLowerCase()));
  const unsupported = searchProperties(search).find((p) => !searchable.has(p.toLowerCase()));
  if (unsupported !== undefined) {
    throw new GraphErrorResponse(
      graphError(
        call.request,
        400,
        'Request_UnsupportedQuery',
        `Search on property '${unsupported}' is not supported.`,
      ),
    );
  }
  return search;
}

function parseOrderBy(
  call: GraphCall,
): { property: 'displayName' | 'userPrincipalName'; descending: boolean } | null {
  const text = call.request.query.get('$orderby');
  if (text === null) return null;
  const match = /^\s*(displayName|userPrincipalName)(?:\s+(asc|desc))?\s*$/i.exec(text);
  if (!match) {
    throw new GraphErrorResponse(
      graphError(call.request, 400, 'Request_UnsupportedQuery', `Sorting by '${text}' is not supported.`),
    );
  }
  const property = match[1]?.toLowerCase() === 'displayname' ? 'displayName' : 'userPrincipalName';
  return { property, descending: match[2]?.toLowerCase() === 'desc' };
}

/** `GET /users/{id | userPrincipalName}` (user-get). */
export function getUser(call: GraphCall): SimResponse {
  requirePermission(call, readUserPermissions);
  const user = requireUser(call, call.params.id ?? '');
  return singleUser(call, user);
}

/** `GET /me`: delegated tokens only. */
export function getMe(call: GraphCall): SimResponse {
  if (call.caller.kind !== 'user') {
    return badRequest(call.request, '/me request is only valid with delegated authentication flow.');
  }
  const user = requireUser(call, call.caller.objectId);
  return singleUser(call, user);
}

function singleUser(call: GraphCall, user: GraphUser): SimResponse {
  const select = parseSelect(call, userProperties, 'microsoft.graph.user');
  return jsonResponse(200, {
    '@odata.context': contextUrl(call, select ? `users(${select.join(',')})/$entity` : 'users/$entity'),
    ...project(user, select, defaultUserProperties),
  });
}

const passwordProfilePatch = z
  .object({
    passwordProfile: z
      .object({
        password: z.string().optional(),
        forceChangePasswordNextSignIn: z.boolean().optional(),
        forceChangePasswordNextSignInWithMfa: z.boolean().optional(),
      })
      .strict(),
  })
  .strict();

/**
 * `PATCH /users/{id}` with `passwordProfile` (user-update). The only property the simulator updates; see
 * README for the order of checks and the messages chosen where Learn documents none.
 */
export function updateUser(call: GraphCall): SimResponse {
  const raw = parseJsonBody(call.request.body);
  if (raw === undefined || typeof raw !== 'object' || raw === null) {
    return badRequest(
      call.request,
      'Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format.',
    );
  }
  const parsed = passwordProfilePatch.safeParse(raw);
  if (!parsed.success) {
    return badRequest(
      call.request,
      'The simulator updates only passwordProfile (password, forceChangePasswordNextSignIn, forceChangePasswordNextSignInWithMfa).',
    );
  }
  requirePermission(call, passwordProfilePermissions);
  const user = requireUser(call, call.params.id ?? '');
  assertMayManageCredentials(call, user, 'password');
  assertPasswordManagedHere(call, user);

  const profile = parsed.data.passwordProfile;
  if (profile.password === undefined) {
    // Flags alone: a flag left out keeps its current value.
    user.passwordProfile = {
      password: null,
      forceChangePasswordNextSignIn:
        profile.forceChangePasswordNextSignIn ?? user.passwordProfile.forceChangePasswordNextSignIn,
      forceChangePasswordNextSignInWithMfa:
        profile.forceChangePasswordNextSignInWithMfa ??
        user.passwordProfile.forceChangePasswordNextSignInWithMfa,
    };
    return emptyResponse(204);
  }
  // A new password: flags left out default to false, as the passwordProfile resource documents.
  assertAcceptablePassword(call, user, profile.password);
  call.directory.setPassword(user, profile.password, {
    change: profile.forceChangePasswordNextSignIn ?? false,
    withMfa: profile.forceChangePasswordNextSignInWithMfa ?? false,
  });
  return emptyResponse(204);
}

/** `POST /users/{id}/revokeSignInSessions`: 200 `{"value": true}` (the documented known issue). */
export function revokeSignInSessions(call: GraphCall): SimResponse {
  requirePermission(call, revokeSessionsPermissions);
  const user = requireUser(call, call.params.id ?? '');
  if (!isHomedElsewhere(user)) {
    assertMayManageCredentials(call, user, 'sessions');
    call.directory.revokeSignInSessions(user);
  }
  // "This API doesn't revoke sign-in sessions for external users": still 200 true, nothing changes.
  return jsonResponse(200, { '@odata.context': contextUrl(call, 'Edm.Boolean'), value: true });
}

/**
 * Credentials of users homed in another tenant or identity provider cannot be managed here
 * (users-reset-password-azure-portal): B2B guests, Microsoft-account guests, invitations not yet redeemed.
 * Internal guests (userType Guest with credentials in this tenant) are managed like members.
 */
export function isHomedElsewhere(user: GraphUser): boolean {
  const externalIssuer = user.identities.some((i) => i.signInType === 'federated');
  return externalIssuer || user.creationType === 'Invitation' || user.userPrincipalName.includes('#EXT#');
}

/**
 * The "Who can reset passwords" table, restricted-management units, role-assignable groups, roles scoped to
 * administrative units, and what an app's service principal needs on top (`usableResetterRoles`).
 */
export function assertMayManageCredentials(
  call: GraphCall,
  user: GraphUser,
  operation: 'password' | 'sessions',
): void {
  if (isHomedElsewhere(user)) throw new GraphErrorResponse(insufficientPrivileges(call.request));
  const allowed = mayResetPassword(callerResetterRoles(call, operation), call.directory.resetTarget(user.id));
  if (!allowed) throw new GraphErrorResponse(insufficientPrivileges(call.request));
}

/** Synced and federated users keep their password outside Entra ID. */
export function assertPasswordManagedHere(call: GraphCall, user: GraphUser): void {
  if (user.onPremisesSyncEnabled === true) {
    throw new GraphErrorResponse(
      graphError(
        call.request,
        400,
        'Request_BadRequest',
        'Unable to update the specified properties for on-premises mastered Directory Sync objects or objects currently undergoing migration.',
      ),
    );
  }
  if (isFederated(call, user)) throw new GraphErrorResponse(federatedRefusal(call));
}

export function isFederated(call: GraphCall, user: GraphUser): boolean {
  const domain = user.userPrincipalName.split('@').pop()?.toLowerCase() ?? '';
  return call.directory.domains.get(domain)?.authenticationType === 'Federated';
}

export function federatedRefusal(call: GraphCall): SimResponse {
  return graphError(
    call.request,
    400,
    'Request_BadRequest',
    'Password operations are not supported for users in a federated domain. Change the password in the identity provider that federates the domain.',
  );
}

export function assertAcceptablePassword(call: GraphCall, user: GraphUser, password: string): void {
  const acceptable = isPasswordAcceptable(password, {
    tenantName: call.directory.tenantName,
    givenName: user.givenName,
    surname: user.surname,
    strongPasswordDisabled: (user.passwordPolicies ?? '').includes('DisableStrongPassword'),
  });
  if (!acceptable) {
    throw new GraphErrorResponse(
      graphError(
        call.request,
        400,
        'Request_BadRequest',
        'The specified password does not comply with password complexity requirements. Please provide a different password.',
      ),
    );
  }
}
