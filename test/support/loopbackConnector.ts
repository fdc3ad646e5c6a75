import type { Activity } from 'botbuilder';
import restify from 'restify';

/** One call the bot made to the Bot Connector. */
export interface ConnectorCall {
  operation: 'createConversation' | 'sendToConversation' | 'replyToActivity' | 'updateActivity';
  conversationId: string;
  activity?: Partial<Activity>;
  parameters?: Record<string, unknown>;
}

export interface LoopbackConnector {
  /** The serviceUrl to put in activities, e.g. http://127.0.0.1:PORT/ */
  serviceUrl: string;
  calls: ConnectorCall[];
  /** Resolves once a call matching the predicate has arrived (or rejects after the timeout). */
  waitFor(predicate: (call: ConnectorCall) => boolean, timeoutMs?: number): Promise<ConnectorCall>;
  close(): Promise<void>;
}

/**
 * A stand-in for the Bot Connector service on 127.0.0.1 that records what the bot posts, answering like
 * Teams does for the handful of /v3 routes the bot uses. Creating a 1:1 is idempotent per member.
 */
/** Route parameters; restify types them as `any`. */
function param(req: restify.Request, name: string): string {
  return String((req.params as Record<string, unknown>)[name]);
}

export async function startLoopbackConnector(): Promise<LoopbackConnector> {
  const calls: ConnectorCall[] = [];
  const waiters: Array<{
    predicate: (call: ConnectorCall) => boolean;
    resolve: (call: ConnectorCall) => void;
  }> = [];
  let nextId = 1;
  const record = (call: ConnectorCall) => {
    calls.push(call);
    for (const waiter of [...waiters]) {
      if (waiter.predicate(call)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(call);
      }
    }
  };

  const server = restify.createServer({ name: 'loopback-connector' });
  server.use(restify.plugins.bodyParser({ mapParams: false }));
  server.post('/v3/conversations', (req, res, next) => {
    const parameters = req.body as { members?: Array<{ id: string }> };
    const member = parameters.members?.[0]?.id ?? 'nobody';
    const conversationId = `a:private-${member}`;
    record({
      operation: 'createConversation',
      conversationId,
      parameters: req.body as Record<string, unknown>,
    });
    res.send(201, { id: conversationId });
    next();
  });
  server.post('/v3/conversations/:conversationId/activities', (req, res, next) => {
    record({
      operation: 'sendToConversation',
      conversationId: param(req, 'conversationId'),
      activity: req.body as Partial<Activity>,
    });
    res.send(200, { id: `activity-${nextId++}` });
    next();
  });
  server.post('/v3/conversations/:conversationId/activities/:activityId', (req, res, next) => {
    record({
      operation: 'replyToActivity',
      conversationId: param(req, 'conversationId'),
      activity: req.body as Partial<Activity>,
    });
    res.send(200, { id: `activity-${nextId++}` });
    next();
  });
  server.put('/v3/conversations/:conversationId/activities/:activityId', (req, res, next) => {
    record({
      operation: 'updateActivity',
      conversationId: param(req, 'conversationId'),
      activity: req.body as Partial<Activity>,
    });
    res.send(200, { id: param(req, 'activityId') });
    next();
  });

  await new Promise<void>((resolve) => {
    server.listen(0, '127.0.0.1', () => resolve());
  });
  return {
    serviceUrl: `http://127.0.0.1:${server.address().port}/`,
    calls,
    waitFor(predicate, timeoutMs = 10_000) {
      const already = calls.find(predicate);
      if (already) return Promise.resolve(already);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error('timed out waiting for a connector call')),
          timeoutMs,
        );
        waiters.push({
          predicate,
          resolve: (call) => {
            clearTimeout(timer);
            resolve(call);
          },
        });
      });
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
      }),
  };
}
