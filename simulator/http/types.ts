/**
 * The simulator's own request/response model. The HTTPS server adapts Node's objects to it, and `$batch`
 * builds sub-requests in the same shape, so every endpoint runs through one code path without a network hop.
 */
export interface SimRequest {
  /** Upper-case HTTP method. */
  method: string;
  /** The decoded path segments, e.g. ['v1.0', 'users', 'alexw@contoso.com']. */
  segments: string[];
  /** The raw path without the query, as received (used for fault matching and the call log). */
  rawPath: string;
  query: URLSearchParams;
  /** The query string as received, without `?` (for the call log). */
  rawQuery: string;
  /** Header names lower-cased. */
  headers: Record<string, string>;
  body: Buffer;
  requestId: string;
  clientRequestId: string;
  /** true for a sub-request of a JSON batch. */
  viaBatch: boolean;
}

export interface SimResponse {
  status: number;
  headers: Record<string, string>;
  /** A JSON value; serialized with `application/json`. Absent for empty bodies (204, 202 without body). */
  json?: unknown;
  /** A pre-serialized body with its own content type (form-encoded, text). */
  text?: { contentType: string; body: string };
}

/** Who called a Graph endpoint, as read from a valid access token. */
export type Caller =
  | { kind: 'app'; appId: string; objectId: string; roles: string[] }
  | { kind: 'user'; appId: string; objectId: string; scopes: string[]; userPrincipalName: string };

export type Handler = (request: SimRequest) => Promise<SimResponse> | SimResponse;

export function jsonResponse(
  status: number,
  json: unknown,
  headers: Record<string, string> = {},
): SimResponse {
  return { status, headers, json };
}

export function emptyResponse(status: number, headers: Record<string, string> = {}): SimResponse {
  return { status, headers };
}
