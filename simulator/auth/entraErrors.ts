import { randomUUID } from 'node:crypto';
import type { SimRequest, SimResponse } from '../http/types';

/**
 * Entra's OAuth error body: `error`, `error_description` ("AADSTSnnn: text" + trace, correlation and
 * timestamp lines), `error_codes`, `timestamp`, `trace_id`, `correlation_id`, `error_uri`.
 */
export function entraError(
  request: Pick<SimRequest, 'headers'>,
  status: number,
  error: string,
  code: number,
  description: string,
): SimResponse {
  const traceId = randomUUID();
  const correlationId = request.headers['client-request-id'] ?? randomUUID();
  const timestamp = new Date().toISOString().replace('T', ' ').slice(0, 19) + 'Z';
  return {
    status,
    headers: {},
    json: {
      error,
      error_description: `AADSTS${code}: ${description}\r\nTrace ID: ${traceId}\r\nCorrelation ID: ${correlationId}\r\nTimestamp: ${timestamp}`,
      error_codes: [code],
      timestamp,
      trace_id: traceId,
      correlation_id: correlationId,
      error_uri: `https://login.microsoftonline.com/error?code=${code}`,
    },
  };
}
