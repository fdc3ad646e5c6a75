import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';

/** Milliseconds since the Unix epoch, sub-millisecond: comparable with the simulator's call log. */
export function now(): number {
  return performance.timeOrigin + performance.now();
}

export type ConnectorOperation =
  'createConversation' | 'sendToConversation' | 'replyToActivity' | 'updateActivity';

/** A JSON object as the bot posts it: an activity, or the parameters of a new conversation. */
export type Json = Record<string, unknown>;

/** One call the bot made to the Bot Connector, with when it arrived and when it was answered. */
export interface ConnectorCall {
  operation: ConnectorOperation;
  conversationId: string;
  /** The activity's id: the one given for an update, the one assigned for a post. */
  activityId: string;
  body: Json;
  startedAt: number;
  endedAt: number;
}

/**
 * The Bot Connector service, as Teams runs it, for the routes the bots use (/v3 conversations, activities and
 * updates), answering each call after `latencyMs` as a connector across the internet would. Calls are handed
 * to whoever listens to their conversation, once answered: that is when Teams would show them. Built on
 * node:http rather than restify so that it costs the driver's process little. (test/support/loopbackConnector.ts
 * is the tests' connector, which records every call and injects Teams' failures.)
 */
export class BenchConnector {
  latencyMs = 0;
  /** Every call, while `recording` (sequential probes only: a load run would grow it without end). */
  readonly recorded: ConnectorCall[] = [];
  recording = false;
  private readonly listeners = new Map<string, (call: ConnectorCall) => void>();
  private readonly sockets = new Set<Socket>();
  private nextId = 1;

  private constructor(
    private readonly server: Server,
    /** The `serviceUrl` activities carry, e.g. http://127.0.0.1:PORT/ */
    readonly serviceUrl: string,
  ) {}

  static async start(): Promise<BenchConnector> {
    // Idle connections stay open a minute, as behind Azure's front doors, rather than Node's 5 s: a bot reusing
    // one just as the server closes it would see a reset that Teams' connector does not cause.
    const server = createServer({ keepAliveTimeout: 60_000 });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const connector = new BenchConnector(
      server,
      `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    );
    server.on('request', (req: IncomingMessage, res: ServerResponse) => {
      connector.serve(req, res).catch(() => {
        res.statusCode = 500;
        res.end();
      });
    });
    server.on('connection', (socket: Socket) => {
      connector.sockets.add(socket);
      socket.on('close', () => connector.sockets.delete(socket));
    });
    return connector;
  }

  /** Hands every call into `conversationId` to `listener` (one listener per conversation). */
  listen(conversationId: string, listener: (call: ConnectorCall) => void): void {
    this.listeners.set(conversationId, listener);
  }

  unlisten(conversationId: string): void {
    this.listeners.delete(conversationId);
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const startedAt = now();
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    const body = (text === '' ? {} : JSON.parse(text)) as Json;
    const route = routeOf(req.method ?? '', new URL(req.url ?? '/', this.serviceUrl).pathname);
    if (route === undefined) {
      res.statusCode = 404;
      res.end();
      return;
    }
    if (this.latencyMs > 0) await sleep(this.latencyMs);

    let conversationId = route.conversationId;
    let activityId = route.operation === 'updateActivity' ? (route.activityId ?? '') : '';
    let status = 200;
    if (route.operation === 'createConversation') {
      // Opening a 1:1 is idempotent per member, as Teams answers it.
      const members = body.members as Array<{ id?: string }> | undefined;
      conversationId = `a:private-${members?.[0]?.id ?? 'nobody'}`;
      status = 201;
    } else if (route.operation !== 'updateActivity') {
      activityId = `activity-${this.nextId++}`;
    }
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify(route.operation === 'createConversation' ? { id: conversationId } : { id: activityId }),
    );

    const call: ConnectorCall = {
      operation: route.operation,
      conversationId,
      activityId,
      body,
      startedAt,
      endedAt: now(),
    };
    if (this.recording) this.recorded.push(call);
    this.listeners.get(conversationId)?.(call);
  }
}

function routeOf(
  method: string,
  path: string,
): { operation: ConnectorOperation; conversationId: string; activityId?: string } | undefined {
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  if (parts[0] !== 'v3' || parts[1] !== 'conversations') return undefined;
  const [, , conversationId, activities, activityId] = parts;
  if (method === 'POST' && conversationId === undefined) {
    return { operation: 'createConversation', conversationId: '' };
  }
  if (conversationId === undefined || activities !== 'activities') return undefined;
  if (method === 'POST') {
    return activityId === undefined
      ? { operation: 'sendToConversation', conversationId }
      : { operation: 'replyToActivity', conversationId, activityId };
  }
  if (method === 'PUT' && activityId !== undefined) {
    return { operation: 'updateActivity', conversationId, activityId };
  }
  return undefined;
}
