import { randomUUID, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import type { SimulatorContext } from '../context';
import { defaultTokenLifetimeSeconds } from '../auth/tokenService';
import { checkSignIn } from '../directory/signIn';
import { parseJsonBody, parseJsonBodyAs } from '../http/requestBody';
import { emptyResponse, jsonResponse, type SimRequest, type SimResponse } from '../http/types';
import { faultSchema } from './faults';

const latencySchema = z.object({ ms: z.number().int().min(0).max(60_000) }).strict();
const tokenLifetimeSchema = z.object({ seconds: z.number().int().min(1).max(86_400) }).strict();
const licenceSchema = z.object({ licence: z.enum(['P1', 'P2']) }).strict();
const permissionsSchema = z.object({ applicationPermissions: z.array(z.string().min(1)) }).strict();
const rolesSchema = z
  .object({
    roleAssignments: z.array(
      z
        .object({
          roleDefinitionId: z.string().uuid(),
          directoryScopeId: z
            .string()
            .regex(/^\/(administrativeUnits\/[0-9a-f-]{36})?$/i)
            .optional(),
        })
        .strict(),
    ),
  })
  .strict();
const ssoTokenSchema = z
  .object({
    userPrincipalName: z.string().min(1),
    audience: z.string().min(1).optional(),
    expiresInSeconds: z.number().int().min(-86_400).max(86_400).optional(),
  })
  .strict();
const writebackSchema = z.object({ enabled: z.boolean() }).strict();
const signInSchema = z.object({ userPrincipalName: z.string().min(1), password: z.string() }).strict();
const ownersSchema = z.object({ owners: z.array(z.string().min(1)).max(100) }).strict();

function controlError(status: number, code: string, message: string): SimResponse {
  return jsonResponse(status, { error: { code, message } });
}

/**
 * `/_sim/…`: faults, latency, inspection, sign-in checks and reset, for tests only. Reachable only with the
 * per-run control key, and never with an `Authorization` header, so a Graph client holding the bot's token
 * cannot use it even if pointed at these paths.
 */
export function handleControl(context: SimulatorContext, request: SimRequest): SimResponse {
  if (request.headers.authorization !== undefined) {
    return controlError(
      403,
      'Forbidden',
      'The control API refuses requests that carry an Authorization header.',
    );
  }
  if (!keyMatches(request.headers['x-sim-control-key'], context.controlKey)) {
    return controlError(403, 'Forbidden', 'Missing or wrong x-sim-control-key header.');
  }
  const [, resource, id, leaf] = request.segments;
  const route = `${request.method} ${resource ?? ''}${leaf !== undefined ? '/*/' + leaf : id !== undefined ? '/*' : ''}`;

  switch (route) {
    case 'POST faults': {
      const parsed = faultSchema.safeParse(parseJsonBody(request.body));
      if (!parsed.success)
        return controlError(400, 'BadRequest', parsed.error.issues.map((i) => i.message).join('; '));
      try {
        const fault = context.faults.add(parsed.data);
        return jsonResponse(201, { ...parsed.data, id: fault.id });
      } catch {
        return controlError(400, 'BadRequest', '"path" is not a valid regular expression.');
      }
    }
    case 'GET faults':
      return jsonResponse(200, {
        value: context.faults.list().map(({ pattern: _pattern, ...fault }) => fault),
      });
    case 'DELETE faults':
      context.faults.clear();
      return emptyResponse(204);
    case 'PUT latency': {
      const body = parseJsonBodyAs(request.body, latencySchema);
      if (!body) return controlError(400, 'BadRequest', 'Expected {"ms": integer between 0 and 60000}.');
      context.latencyMs = body.ms;
      return jsonResponse(200, { ms: body.ms });
    }
    case 'GET token-lifetime':
      return jsonResponse(200, { seconds: context.tokens.accessTokenLifetimeSeconds });
    case 'PUT token-lifetime': {
      const body = parseJsonBodyAs(request.body, tokenLifetimeSchema);
      if (!body) return controlError(400, 'BadRequest', 'Expected {"seconds": integer between 1 and 86400}.');
      context.tokens.accessTokenLifetimeSeconds = body.seconds;
      return jsonResponse(200, { seconds: body.seconds });
    }
    case 'DELETE token-lifetime':
      context.tokens.accessTokenLifetimeSeconds = defaultTokenLifetimeSeconds;
      return jsonResponse(200, { seconds: defaultTokenLifetimeSeconds });
    case 'GET licence':
      return jsonResponse(200, { licence: context.directory.licence });
    case 'PUT licence': {
      const body = parseJsonBodyAs(request.body, licenceSchema);
      if (!body) return controlError(400, 'BadRequest', 'Expected {"licence": "P1" | "P2"}.');
      context.directory.licence = body.licence;
      return jsonResponse(200, { licence: body.licence });
    }
    case 'POST teams-sso-token':
      return teamsSsoToken(context, request.body);
    case 'GET password-writeback':
      return jsonResponse(200, { enabled: context.directory.passwordWritebackEnabled });
    case 'PUT password-writeback': {
      const body = parseJsonBodyAs(request.body, writebackSchema);
      if (!body) return controlError(400, 'BadRequest', 'Expected {"enabled": boolean}.');
      context.directory.passwordWritebackEnabled = body.enabled;
      return jsonResponse(200, { enabled: body.enabled });
    }
    case 'GET apps/*':
      return appState(context, id ?? '');
    case 'PUT apps/*/permissions': {
      const app = context.directory.findApplication(id ?? '');
      if (!app) return controlError(404, 'NotFound', `No app '${id ?? ''}'.`);
      const body = parseJsonBodyAs(request.body, permissionsSchema);
      if (!body) return controlError(400, 'BadRequest', 'Expected {"applicationPermissions": [string]}.');
      // Admin consent changed: tokens issued from now on carry these roles; issued ones keep theirs.
      app.applicationPermissions = [...new Set(body.applicationPermissions)];
      return appState(context, app.appId);
    }
    case 'PUT apps/*/roles': {
      const app = context.directory.findApplication(id ?? '');
      if (!app) return controlError(404, 'NotFound', `No app '${id ?? ''}'.`);
      const body = parseJsonBodyAs(request.body, rolesSchema);
      if (!body) {
        return controlError(
          400,
          'BadRequest',
          'Expected {"roleAssignments": [{"roleDefinitionId": guid, "directoryScopeId"?: "/" | "/administrativeUnits/{id}"}]}.',
        );
      }
      const assignments = body.roleAssignments.map((r) => ({
        roleDefinitionId: r.roleDefinitionId.toLowerCase(),
        unit: r.directoryScopeId?.split('/')[2]?.toLowerCase() ?? null,
      }));
      const unknownUnit = assignments.find(
        ({ unit }) => unit !== null && !context.directory.administrativeUnits.has(unit),
      );
      if (unknownUnit)
        return controlError(400, 'BadRequest', `No administrative unit '${unknownUnit.unit}'.`);
      context.directory.replaceDirectRoleAssignments(
        app.servicePrincipalId,
        assignments.map(({ roleDefinitionId, unit }) => ({
          id: randomUUID(),
          principalId: app.servicePrincipalId,
          roleDefinitionId,
          directoryScopeId: unit === null ? '/' : `/administrativeUnits/${unit}`,
        })),
      );
      return appState(context, app.appId);
    }
    case 'GET users/*/state':
      return userState(context, id ?? '');
    case 'GET calls':
      return jsonResponse(200, { value: context.calls.list() });
    case 'DELETE calls':
      context.calls.clear();
      return emptyResponse(204);
    case 'POST signin': {
      const body = parseJsonBodyAs(request.body, signInSchema);
      if (!body)
        return controlError(400, 'BadRequest', 'Expected {"userPrincipalName": string, "password": string}.');
      const { signedIn, passwordChangeRequired, mfaRequired, error } = checkSignIn(
        context.directory,
        body.userPrincipalName,
        body.password,
      );
      return jsonResponse(200, {
        signedIn,
        passwordChangeRequired,
        mfaRequired,
        ...(error ? { error } : {}),
      });
    }
    case 'PUT groups/*/owners':
      return replaceOwners(context, id ?? '', request.body);
    case 'POST reset':
      context.directory = context.rebuildDirectory();
      context.authorizationCodes.clear();
      context.userTokens.clear();
      context.faults.clear();
      context.calls.clear();
      context.latencyMs = context.initialLatencyMs;
      context.tokens.accessTokenLifetimeSeconds = defaultTokenLifetimeSeconds;
      return emptyResponse(204);
    default:
      return controlError(404, 'NotFound', `No control endpoint ${request.method} ${request.rawPath}.`);
  }
}

/**
 * The token Entra issues to the Teams client for the bot's exposed API, as Teams would send it in
 * `signin/tokenExchange`. Audience: the bot registration's first connection's Token Exchange URL unless given.
 */
function teamsSsoToken(context: SimulatorContext, rawBody: Buffer): SimResponse {
  const body = parseJsonBodyAs(rawBody, ssoTokenSchema);
  if (!body) {
    return controlError(
      400,
      'BadRequest',
      'Expected {"userPrincipalName": string, "audience"?: string, "expiresInSeconds"?: integer}.',
    );
  }
  const user = context.directory.findUser(body.userPrincipalName);
  if (!user) return controlError(404, 'NotFound', `No user '${body.userPrincipalName}'.`);
  const registration = context.directory.botRegistration;
  const audience =
    body.audience ??
    registration?.oauthConnections.find((c) => c.tokenExchangeUrl)?.tokenExchangeUrl ??
    (registration ? `api://botid-${registration.msAppId}` : undefined);
  if (!audience)
    return controlError(400, 'BadRequest', 'The tenant has no bot registration; give "audience".');
  const issued = context.tokens.issueTeamsSsoToken(user, audience, body.expiresInSeconds);
  return jsonResponse(200, { token: issued.accessToken, audience });
}

/** An app registration and its service principal's direct role assignments; never its secrets. */
function appState(context: SimulatorContext, appId: string): SimResponse {
  const app = context.directory.findApplication(appId);
  if (!app) return controlError(404, 'NotFound', `No app '${appId}'.`);
  return jsonResponse(200, {
    appId: app.appId,
    displayName: app.displayName,
    servicePrincipalId: app.servicePrincipalId,
    applicationPermissions: app.applicationPermissions,
    roleAssignments: context.directory
      .directRoleAssignments(app.servicePrincipalId)
      .map(({ id, roleDefinitionId, directoryScopeId }) => ({ id, roleDefinitionId, directoryScopeId })),
  });
}

function userState(context: SimulatorContext, idOrUpn: string): SimResponse {
  const user = context.directory.findUser(idOrUpn);
  if (!user) return controlError(404, 'NotFound', `No user '${idOrUpn}'.`);
  const onPremises = context.directory.onPremisesAccounts.get(user.id);
  return jsonResponse(200, {
    id: user.id,
    userPrincipalName: user.userPrincipalName,
    accountEnabled: user.accountEnabled,
    hasPassword: (context.directory.credentials.get(user.id)?.password ?? null) !== null,
    forceChangePasswordNextSignIn: user.passwordProfile.forceChangePasswordNextSignIn,
    forceChangePasswordNextSignInWithMfa: user.passwordProfile.forceChangePasswordNextSignInWithMfa,
    lastPasswordChangeDateTime: user.lastPasswordChangeDateTime,
    signInSessionsValidFromDateTime: user.signInSessionsValidFromDateTime,
    onPremises: onPremises
      ? {
          adminCount: onPremises.adminCount,
          passwordWrittenBackDateTime: onPremises.passwordWrittenBackDateTime,
        }
      : null,
  });
}

/**
 * Replaces a group's owners (users, in the order given), so that a test can build a group with more owners
 * than `$expand` returns without putting dozens of owners in the demo tenant. At most 100: the group resource
 * says owners are "Limited to 100 owners".
 */
function replaceOwners(context: SimulatorContext, groupId: string, rawBody: Buffer): SimResponse {
  const group = context.directory.groups.get(groupId.toLowerCase());
  if (!group) return controlError(404, 'NotFound', `No group '${groupId}'.`);
  const body = parseJsonBodyAs(rawBody, ownersSchema);
  if (!body)
    return controlError(400, 'BadRequest', 'Expected {"owners": [user id, …]} with at most 100 ids.');
  const users = body.owners.map((id) => context.directory.findUser(id));
  const unknown = body.owners.find((_, index) => users[index] === undefined);
  if (unknown !== undefined) return controlError(400, 'BadRequest', `No user '${unknown}'.`);
  group.owners.clear();
  for (const user of users) if (user) group.owners.add(user.id);
  return jsonResponse(200, { id: group.id, owners: [...group.owners] });
}

function keyMatches(given: string | undefined, expected: string): boolean {
  if (given === undefined) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
