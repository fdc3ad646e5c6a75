import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { parseJsonBody } from '../http/requestBody';
import { jsonResponse, type SimRequest, type SimResponse } from '../http/types';
import { badRequest } from './graphErrors';

/** "JSON batch requests are currently limited to 20 individual requests" (json-batching, Microsoft Learn). */
export const maxBatchRequests = 20;

const batchSchema = z.object({
  requests: z
    .array(
      z.object({
        id: z.string().min(1),
        method: z.string().min(1),
        url: z.string().min(1),
        headers: z.record(z.string()).optional(),
        body: z.unknown().optional(),
        dependsOn: z.array(z.string()).optional(),
      }),
    )
    .min(1),
});

/**
 * `POST /{version}/$batch` (JSON batching): each sub-request runs through the same pipeline as a network
 * request (authentication, routing, status faults, call log), with the batch's `Authorization` header.
 * Sub-requests run one after the other in the given order, which satisfies any `dependsOn`.
 */
export async function runBatch(
  outer: SimRequest,
  dispatch: (request: SimRequest) => Promise<SimResponse>,
): Promise<SimResponse> {
  const parsed = batchSchema.safeParse(parseJsonBody(outer.body));
  if (!parsed.success) return badRequest(outer, 'Invalid batch payload format.');
  const requests = parsed.data.requests;
  if (requests.length > maxBatchRequests) {
    return badRequest(outer, `The number of batch requests exceeds the limit of ${maxBatchRequests}.`);
  }
  if (new Set(requests.map((r) => r.id)).size !== requests.length) {
    return badRequest(outer, 'Batch request ids must be unique.');
  }
  const version = outer.segments[0] ?? 'v1.0';
  const responses: unknown[] = [];
  for (const sub of requests) {
    const relative = sub.url.startsWith('/') ? sub.url : `/${sub.url}`;
    const url = new URL(relative, 'https://batch.invalid');
    let segments: string[];
    try {
      segments = [version, ...url.pathname.split('/').filter(Boolean).map(decodeURIComponent)];
    } catch {
      responses.push({ id: sub.id, status: 400, headers: {}, body: null });
      continue;
    }
    if (segments[1] === '$batch') {
      responses.push({
        id: sub.id,
        status: 400,
        body: badRequest(outer, 'Nested batch requests are not supported.').json,
      });
      continue;
    }
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(sub.headers ?? {})) headers[name.toLowerCase()] = value;
    if (outer.headers.authorization !== undefined) headers.authorization = outer.headers.authorization;
    if (outer.headers.host !== undefined) headers.host = outer.headers.host;
    const requestId = randomUUID();
    const response = await dispatch({
      method: sub.method.toUpperCase(),
      segments,
      rawPath: `/${version}${url.pathname}`,
      query: url.searchParams,
      rawQuery: url.search.replace(/^\?/, ''),
      headers,
      body: sub.body === undefined ? Buffer.alloc(0) : Buffer.from(JSON.stringify(sub.body)),
      requestId,
      clientRequestId: headers['client-request-id'] ?? requestId,
      viaBatch: true,
    });
    responses.push({
      id: sub.id,
      status: response.status,
      headers: {
        ...response.headers,
        ...(response.json !== undefined ? { 'Content-Type': 'application/json' } : {}),
      },
      ...(response.json !== undefined ? { body: response.json } : {}),
    });
  }
  return jsonResponse(200, { responses });
}
