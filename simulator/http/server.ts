import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { DispatchResult } from '../dispatcher';
import type { SimRequest } from './types';

/** Larger bodies are refused: nothing the simulator serves needs more than a 20-request batch. */
const maxBodyBytes = 1024 * 1024;

export function createHttpsServer(
  tls: { cert: string; key: string },
  dispatch: (request: SimRequest) => Promise<DispatchResult>,
): Server {
  const server = createServer({ cert: tls.cert, key: tls.key }, (req, res) => {
    serve(req, res, dispatch).catch((error: unknown) => {
      // An unexpected failure is the simulator's bug: answer 500 rather than hang the client.
      process.stderr.write(
        `simulator: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
      );
      if (!res.headersSent) {
        res.writeHead(500, { 'Content-Type': 'application/json' });
        res.end(
          JSON.stringify({ error: { code: 'generalException', message: 'Simulator internal error.' } }),
        );
      } else {
        res.destroy();
      }
    });
  });
  return server;
}

async function serve(
  req: IncomingMessage,
  res: ServerResponse,
  dispatch: (request: SimRequest) => Promise<DispatchResult>,
): Promise<void> {
  const body = await readBody(req);
  if (body === null) {
    res.writeHead(413, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ error: { code: 'RequestEntityTooLarge', message: 'Request body too large.' } }));
    return;
  }
  const url = new URL(req.url ?? '/', 'https://simulator.invalid');
  let segments: string[];
  try {
    segments = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
  } catch {
    res.writeHead(400, { 'Content-Type': 'application/json' });
    res.end(
      JSON.stringify({ error: { code: 'BadRequest', message: 'Malformed percent-encoding in the path.' } }),
    );
    return;
  }
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (typeof value === 'string') headers[name] = value;
    else if (Array.isArray(value)) headers[name] = value.join(', ');
  }
  const requestId = randomUUID();
  const result = await dispatch({
    method: (req.method ?? 'GET').toUpperCase(),
    segments,
    rawPath: url.pathname,
    query: url.searchParams,
    rawQuery: url.search.replace(/^\?/, ''),
    headers,
    body,
    requestId,
    clientRequestId: headers['client-request-id'] ?? requestId,
    viaBatch: false,
  });
  if (result.dropConnection) {
    req.socket.destroy();
    return;
  }
  const { response } = result;
  let payload: string | undefined;
  const outHeaders: Record<string, string> = { ...response.headers };
  if (response.json !== undefined) {
    payload = JSON.stringify(response.json);
    outHeaders['Content-Type'] ??= 'application/json; charset=utf-8';
  } else if (response.text) {
    payload = response.text.body;
    outHeaders['Content-Type'] = response.text.contentType;
  }
  if (result.recorded) result.recorded.responseBytes = payload === undefined ? 0 : Buffer.byteLength(payload);
  res.writeHead(response.status, outHeaders);
  res.end(payload);
}

function readBody(req: IncomingMessage): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBodyBytes) tooLarge = true;
      else chunks.push(chunk);
    });
    req.on('end', () => resolve(tooLarge ? null : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}
