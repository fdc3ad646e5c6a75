import type { SimRequest, SimResponse } from '../http/types';

/**
 * Graph's error shape (learn.microsoft.com/graph/errors):
 * `{"error":{"code","message","innerError":{"date","request-id","client-request-id"}}}`.
 * `date` carries no time-zone suffix, as the directory service sends it.
 */
export function graphError(
  request: Pick<SimRequest, 'requestId' | 'clientRequestId'>,
  status: number,
  code: string,
  message: string,
  headers: Record<string, string> = {},
): SimResponse {
  return {
    status,
    headers,
    json: {
      error: {
        code,
        message,
        innerError: {
          date: new Date().toISOString().slice(0, 19),
          'request-id': request.requestId,
          'client-request-id': request.clientRequestId,
        },
      },
    },
  };
}

type Req = Pick<SimRequest, 'requestId' | 'clientRequestId'>;

export const insufficientPrivileges = (request: Req): SimResponse =>
  graphError(
    request,
    403,
    'Authorization_RequestDenied',
    'Insufficient privileges to complete the operation.',
  );

export const resourceNotFound = (request: Req, id: string): SimResponse =>
  graphError(
    request,
    404,
    'Request_ResourceNotFound',
    `Resource '${id}' does not exist or one of its queried reference-property objects are not present.`,
  );

export const badRequest = (request: Req, message: string): SimResponse =>
  graphError(request, 400, 'BadRequest', message);

export const segmentNotFound = (request: Req, segment: string): SimResponse =>
  badRequest(request, `Resource not found for the segment '${segment}'.`);

/** Thrown inside handlers to answer with a Graph error without threading responses through every helper. */
export class GraphErrorResponse extends Error {
  constructor(readonly response: SimResponse) {
    super('graph error response');
  }
}
