import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { authorizeRequest } from './auth/authorize';
import { openIdConfiguration, signingKeys, tokenRequest } from './auth/tokenEndpoint';
import { routeTokenService, tokenServicePrefix } from './botFramework/userTokenApi';
import type { SimulatorContext } from './context';
import type { RecordedCall } from './control/callLog';
import type { ActiveFault } from './control/faults';
import { handleControl } from './control/controlApi';
import { runBatch } from './graph/batch';
import { graphError } from './graph/graphErrors';
import { routeGraph } from './graph/graphRouter';
import type { Caller, SimRequest, SimResponse } from './http/types';

/** Graph answers JSON with OData parameters; the SDK parses any `application/json` media type. */
const graphContentType =
  'application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8';

export interface DispatchResult {
  response: SimResponse;
  /** A `drop` fault: the server closes the socket without answering. */
  dropConnection: boolean;
  /** The call log's entry for this request, for the server to add the answer's size once serialized. */
  recorded?: RecordedCall;
}

/**
 * The request pipeline: control API, faults, latency, authentication, routing, call log, and the
 * `request-id` / `client-request-id` headers on every answer.
 */
export function createDispatcher(
  context: SimulatorContext,
): (request: SimRequest) => Promise<DispatchResult> {
  const dispatch = async (request: SimRequest): Promise<DispatchResult> => {
    const startedAt = now();
    const first = request.segments[0] ?? '';
    if (first === '_sim') {
      return {
        response: withRequestIds(handleControl(context, request), request),
        dropConnection: false,
      };
    }
    const isGraph = first === 'v1.0' || first === 'beta';
    // Inside a batch only status faults apply: there is no connection of its own to delay or drop.
    const taken = context.faults.take(
      request.method,
      request.rawPath,
      request.viaBatch ? ['status'] : ['status', 'delay', 'drop'],
    );
    // A fault on the answer acts once the request has been served; any other, instead of (or before) serving.
    const fault = taken?.applyFirst ? undefined : taken;
    const onAnswer = taken?.applyFirst ? taken : undefined;
    if (fault?.kind === 'delay') await sleep(fault.delayMs ?? 0);
    if (isGraph && !request.viaBatch && context.latencyMs > 0) await sleep(context.latencyMs);

    let caller: Caller | null = null;
    let response: SimResponse;
    if (fault?.kind === 'drop') {
      record(context, request, null, 0, startedAt);
      return { response: { status: 0, headers: {} }, dropConnection: true };
    } else if (fault?.kind === 'status') {
      response = faultResponse(request, fault);
    } else if (isGraph) {
      const check = context.tokens.verify(request.headers.authorization);
      if (!check.ok) {
        response = graphError(request, 401, 'InvalidAuthenticationToken', check.message, {
          'WWW-Authenticate':
            'Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", client_id="00000003-0000-0000-c000-000000000000"',
        });
      } else {
        caller = check.caller;
        response =
          request.segments[1] === '$batch' &&
          request.segments.length === 2 &&
          request.method === 'POST' &&
          !request.viaBatch
            ? await runBatch(request, async (sub) => (await dispatch(sub)).response)
            : await routeGraph(context, request, check.caller);
      }
    } else if (first === tokenServicePrefix) {
      response = routeTokenService(context, request);
    } else {
      response = routeEntra(context, request);
    }
    const recorded = record(context, request, caller, response.status, startedAt);
    if (isGraph && response.json !== undefined) response.headers['Content-Type'] = graphContentType;
    if (onAnswer?.kind === 'delay') await sleep(onAnswer.delayMs ?? 0);
    if (onAnswer?.kind === 'drop') return { response, dropConnection: true };
    if (onAnswer?.kind === 'status') response = faultResponse(request, onAnswer);
    return { response: withRequestIds(response, request), dropConnection: false, recorded };
  };
  return dispatch;
}

function routeEntra(context: SimulatorContext, request: SimRequest): SimResponse {
  const [tenant = '', ...rest] = request.segments;
  const path = rest.join('/').toLowerCase();
  if (request.method === 'GET' && path === 'v2.0/.well-known/openid-configuration') {
    return openIdConfiguration(context, request, tenant);
  }
  if (request.method === 'GET' && path === 'discovery/v2.0/keys')
    return signingKeys(context, request, tenant);
  if (request.method === 'POST' && path === 'oauth2/v2.0/token')
    return tokenRequest(context, request, tenant);
  if ((request.method === 'GET' || request.method === 'POST') && path === 'oauth2/v2.0/authorize')
    return authorizeRequest(context, request, tenant);
  return {
    status: 404,
    headers: {},
    json: { error: 'not_found', error_description: `No endpoint ${request.rawPath}.` },
  };
}

function faultResponse(request: SimRequest, fault: ActiveFault): SimResponse {
  const headers: Record<string, string> =
    fault.retryAfterSeconds !== undefined ? { 'Retry-After': String(fault.retryAfterSeconds) } : {};
  switch (fault.status) {
    case 429:
      return graphError(request, 429, 'TooManyRequests', 'Please retry again later.', headers);
    case 503:
      return graphError(
        request,
        503,
        'serviceNotAvailable',
        'The service is temporarily unavailable. Please retry later.',
        headers,
      );
    default:
      return graphError(request, 500, 'generalException', 'An unexpected error occurred.', headers);
  }
}

/** Milliseconds since the Unix epoch, sub-millisecond: comparable with other processes' clocks on this machine. */
function now(): number {
  return performance.timeOrigin + performance.now();
}

function record(
  context: SimulatorContext,
  request: SimRequest,
  caller: Caller | null,
  status: number,
  startedAt: number,
): RecordedCall {
  const call: RecordedCall = {
    time: new Date().toISOString(),
    startedAt,
    endedAt: now(),
    method: request.method,
    path: request.rawPath,
    query: request.rawQuery,
    caller: caller ? { kind: caller.kind, appId: caller.appId, objectId: caller.objectId } : null,
    status,
    viaBatch: request.viaBatch,
    requestId: request.requestId,
  };
  if (request.method === 'POST' && /\/oauth2\/v2\.0\/token$/i.test(request.rawPath)) {
    call.scope = new URLSearchParams(request.body.toString('utf8')).get('scope') ?? undefined;
  }
  context.calls.record(call);
  return call;
}

function withRequestIds(response: SimResponse, request: SimRequest): SimResponse {
  response.headers['request-id'] = request.requestId;
  response.headers['client-request-id'] = request.clientRequestId;
  return response;
}
