import { randomInt, randomUUID } from 'node:crypto';
import { z } from 'zod';
import { generateTemporaryPassword } from '../directory/passwordRules';
import { parseJsonBody } from '../http/requestBody';
import { emptyResponse, jsonResponse, type SimResponse } from '../http/types';
import { contextUrl, type GraphCall } from './graphCall';
import { badRequest, graphError, GraphErrorResponse, resourceNotFound } from './graphErrors';
import {
  assertAcceptablePassword,
  assertMayManageCredentials,
  federatedRefusal,
  isFederated,
  requirePermission,
  requireUser,
} from './users';

/** "The ID of the password authentication method … is always 28c10230-6103-485e-b985-444c60001490." */
export const passwordMethodId = '28c10230-6103-485e-b985-444c60001490';

const resetPermissions = ['UserAuthenticationMethod.ReadWrite.All', 'Directory.AccessAsUser.All'];
const readOperationPermissions = ['UserAuthenticationMethod.Read.All', ...resetPermissions];

const resetBody = z.object({ newPassword: z.string().optional() }).strict();

/**
 * `POST /users/{id}/authentication/methods/{passwordMethodId}/resetPassword` (authenticationmethod-resetpassword):
 * delegated only, never on the caller's own account, 202 with a `Location` to poll; a generated password in a
 * `passwordResetResponse` body when none was supplied. The user must change the password at next sign-in.
 */
export function resetPassword(call: GraphCall): SimResponse {
  if (call.caller.kind !== 'user') {
    // Observed answer to an app-only token (reference/graph.md 4.2); two spaces as reported.
    return badRequest(call.request, 'UserPrincipalName value  in token was missing or invalid');
  }
  requirePermission(call, resetPermissions);
  if ((call.params.methodId ?? '').toLowerCase() !== passwordMethodId) {
    return resourceNotFound(call.request, call.params.methodId ?? '');
  }
  const raw = call.request.body.length === 0 ? {} : parseJsonBody(call.request.body);
  const body = resetBody.safeParse(raw);
  if (!body.success) {
    return badRequest(
      call.request,
      'Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format.',
    );
  }
  const user = requireUser(call, call.params.id ?? '');
  if (user.id === call.caller.objectId) {
    return graphError(
      call.request,
      400,
      'badRequest',
      "The password of the signed-in user's own account cannot be reset with this API; use changePassword.",
    );
  }
  assertMayManageCredentials(call, user, 'password');
  if (isFederated(call, user)) return federatedRefusal(call);

  const supplied = body.data.newPassword;
  if (user.onPremisesSyncEnabled === true) {
    if (supplied === undefined) {
      return graphError(
        call.request,
        400,
        'badRequest',
        'A newPassword is required for users whose password is mastered on-premises.',
      );
    }
    if (!call.directory.passwordWritebackEnabled) {
      return graphError(
        call.request,
        400,
        'badRequest',
        'Password writeback is not enabled for this tenant.',
      );
    }
    if (call.directory.onPremisesAccounts.get(user.id)?.adminCount === 1) {
      // Learn documents only the Entra Connect log (hr=80231367), not what Graph answers: our wording.
      return graphError(
        call.request,
        400,
        'badRequest',
        'The password could not be written back to the on-premises directory for this user.',
      );
    }
  }
  const newPassword = supplied ?? generateTemporaryPassword(randomInt);
  if (supplied !== undefined) assertAcceptablePassword(call, user, supplied);
  call.directory.setPassword(user, newPassword, { change: true, withMfa: false });
  if (user.onPremisesSyncEnabled === true) call.directory.recordPasswordWriteback(user);

  const operationId = randomUUID();
  call.directory.operations.set(operationId, {
    id: operationId,
    userId: user.id,
    createdDateTime: new Date().toISOString(),
    polls: 0,
  });
  const headers = {
    Location: `${call.baseUrl}/${call.version}/users/${user.id}/authentication/operations/${operationId}`,
  };
  if (supplied !== undefined) return emptyResponse(202, headers);
  return jsonResponse(
    202,
    { '@odata.context': contextUrl(call, 'microsoft.graph.passwordResetResponse'), newPassword },
    headers,
  );
}

/** `GET /users/{id}/authentication/operations/{id}` (longRunningOperation): `running` once, then `succeeded`. */
export function getResetOperation(call: GraphCall): SimResponse {
  requirePermission(call, readOperationPermissions);
  const user = requireUser(call, call.params.id ?? '');
  const operation = call.directory.operations.get((call.params.operationId ?? '').toLowerCase());
  if (!operation || operation.userId !== user.id) {
    throw new GraphErrorResponse(resourceNotFound(call.request, call.params.operationId ?? ''));
  }
  const status = operation.polls === 0 ? 'running' : 'succeeded';
  operation.polls += 1;
  return jsonResponse(200, {
    '@odata.context': contextUrl(call, `users('${user.id}')/authentication/operations/$entity`),
    id: operation.id,
    createdDateTime: operation.createdDateTime,
    lastActionDateTime: new Date().toISOString(),
    status,
    statusDetail: null,
    resourceLocation: null,
  });
}
