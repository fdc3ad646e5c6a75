import type { Activity } from 'botbuilder';
import restify from 'restify';

/** One call the bot made to the Bot Connector. */
export interface ConnectorCall {
  operation: 'createConversation' | 'sendToConversation' | 'replyToActivity' | 'updateActivity';
  conversationId: string;
  activity?: Partial<Activity>;
  parameters?: Record<string, unknown>;
  /** The HTTP status of an error answer, when a fault made the call fail. */
  failedWith?: number;
}

/**
 * A failure Teams documents for its connector ("Messages in bot conversations", status code responses):
 * `POST /v3/conversations` (opening the 1:1) or a post into a conversation (`send`) answers with it.
 */
export interface ConnectorFault {
  operation: 'createConversation' | 'send';
  /** An error answer: the status and the connector's `error.code`. */
  status?: number;
  code?: string;
  /** The error message quotes the posted body, as a hostile or buggy connector might. */
  echoBody?: boolean;
  /** Instead of an error, `createConversation` answers 201 with this id (e.g. the channel's own). */
  answerId?: string;
  /** The whole error body, for answers without the usual `{ error: { code, message } }` shape. */
  body?: unknown;
  /** How many calls it applies to (default: all). */
  count?: number;
}

/** Teams' documented messages for its codes; the 5xx body is our choice (the page lists no body). */
const FAULT_MESSAGES: Record<string, string> = {
  BotNotInConversationRoster: 'The bot is not part of the conversation roster.',
  ConversationBlockedByUser: 'User blocked the conversation with the bot.',
  BotDisabledByAdmin: 'The tenant admin disabled this bot',
  ConversationNotFound: 'Conversation not found.',
};

export interface LoopbackConnector {
  /** The serviceUrl to put in activities, e.g. http://127.0.0.1:PORT/ */
  serviceUrl: string;
  calls: ConnectorCall[];
  /** Makes the next matching calls fail (see ConnectorFault). */
  fail(fault: ConnectorFault): void;
  clearFaults(): void;
  /** Resolves once a call matching the predicate has arrived (or rejects after the timeout). */
  waitFor(predicate: (call: ConnectorCall) => boolean, timeoutMs?: number): Promise<ConnectorCall>;
  close(): Promise<void>;
}

/** Route parameters; restify types them as `any`. */
function param(req: restify.Request, name: string): string {
  return String((req.params as Record<string, unknown>)[name]);
}

/**
 * A stand-in for the Bot Connector service on 127.0.0.1 that records what the bot posts, answering like
 * Teams does for the handful of /v3 routes the bot uses. Creating a 1:1 is idempotent per member (201
 * `{ id }`). Faults answer with Teams' documented status, code and message, in the Bot Framework's
 * `{ "error": { "code", "message" } }` body.
 */
export async function startLoopbackConnector(): Promise<LoopbackConnector> {
  const calls: ConnectorCall[] = [];
  const waiters: Array<{
    predicate: (call: ConnectorCall) => boolean;
    resolve: (call: ConnectorCall) => void;
  }> = [];
  let nextId = 1;
  const faults: ConnectorFault[] = [];
  /** The fault that answers this call, if any (used up by one). */
  const faultFor = (operation: ConnectorFault['operation']): ConnectorFault | undefined => {
    const fault = faults.find((candidate) => candidate.operation === operation);
    if (fault?.count !== undefined && --fault.count <= 0) faults.splice(faults.indexOf(fault), 1);
    return fault;
  };
  const sendError = (res: restify.Response, fault: ConnectorFault, body: unknown): void => {
    if (fault.body !== undefined) {
      res.send(fault.status ?? 500, fault.body);
      return;
    }
    const code = fault.code ?? (fault.status && fault.status >= 500 ? 'ServiceError' : 'BadArgument');
    const message = fault.echoBody
      ? `Could not post the activity: ${JSON.stringify(body)}`
      : (FAULT_MESSAGES[code] ?? 'Unknown');
    res.send(fault.status ?? 500, { error: { code, message } });
  };
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
    const fault = faultFor('createConversation');
    const conversationId = fault?.answerId ?? `a:private-${member}`;
    const call: ConnectorCall = {
      operation: 'createConversation',
      conversationId,
      parameters: req.body as Record<string, unknown>,
    };
    if (fault && fault.answerId === undefined) {
      record({ ...call, failedWith: fault.status ?? 500 });
      sendError(res, fault, req.body);
    } else {
      record(call);
      res.send(201, { id: conversationId });
    }
    next();
  });
  const post =
    (operation: 'sendToConversation' | 'replyToActivity'): restify.RequestHandler =>
    (req, res, next) => {
      const call: ConnectorCall = {
        operation,
        conversationId: param(req, 'conversationId'),
        activity: req.body as Partial<Activity>,
      };
      const fault = faultFor('send');
      if (fault) {
        record({ ...call, failedWith: fault.status ?? 500 });
        sendError(res, fault, req.body);
      } else {
        record(call);
        res.send(200, { id: `activity-${nextId++}` });
      }
      next();
    };
  server.post('/v3/conversations/:conversationId/activities', post('sendToConversation'));
  server.post('/v3/conversations/:conversationId/activities/:activityId', post('replyToActivity'));
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
    fail: (fault) => faults.push({ ...fault }),
    clearFaults: () => faults.splice(0),
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
