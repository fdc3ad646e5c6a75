import type { ActivityHandler } from 'botbuilder';
import restify from 'restify';
import { rejectMalformedActivities } from './activityShape';
import type { InboundCloudAdapter } from './adapter';
import { describeError } from './errorShape';
import { inboundActivities } from './inboundActivities';
import type { Logger } from './logger';

/** The HTTP front door: Bot Framework activities on /api/messages and a health probe. */
export function createHttpServer(
  adapter: InboundCloudAdapter,
  bot: ActivityHandler,
  logger: Logger,
): restify.Server {
  const server = restify.createServer({ name: 'helpdesk-reset', handleUncaughtExceptions: false });
  // Bot Framework activities are small; a cap keeps a hostile caller from making us parse megabytes.
  server.use(restify.plugins.bodyParser({ maxBodySize: 256 * 1024, mapParams: false }));

  server.post('/api/messages', rejectMalformedActivities(logger), inboundActivities(adapter, bot, logger));
  // Local clients such as the Agents Playground probe the endpoint with HEAD before they connect.
  server.head('/api/messages', (_req, res, next) => {
    res.send(200);
    next();
  });
  server.get('/healthz', (_req, res, next) => {
    res.send(200, { status: 'ok' });
    next();
  });
  server.on(
    'restifyError',
    (req: restify.Request, _res: restify.Response, error: Error, callback: () => void) => {
      // The message of a parse error quotes the body it could not parse: log the error's shape only.
      logger.warn({ path: req.path(), error: describeError(error) }, 'request rejected');
      callback();
    },
  );
  return server;
}
