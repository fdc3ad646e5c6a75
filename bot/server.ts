import type { ActivityHandler } from 'botbuilder';
import restify from 'restify';
import { rejectMalformedActivities } from './activityShape';
import type { InboundCloudAdapter } from './adapter';
import { describeError } from './errorShape';
import { inboundActivities } from './inboundActivities';
import type { Logger } from './logger';
import type { Readiness } from './readiness';

/** The HTTP front door: Bot Framework activities on /api/messages and a health probe. */
export function createHttpServer(
  adapter: InboundCloudAdapter,
  bot: ActivityHandler,
  logger: Logger,
  health: { readiness: Readiness; stopping: () => boolean },
): restify.Server {
  const server = restify.createServer({ name: 'helpdesk-reset', handleUncaughtExceptions: false });
  // Bot Framework activities are small; a cap keeps a hostile caller from making us parse megabytes.
  server.use(restify.plugins.bodyParser({ maxBodySize: 256 * 1024, mapParams: false }));

  server.post(
    '/api/messages',
    refuseWhileStopping(health.stopping),
    rejectMalformedActivities(logger),
    inboundActivities(adapter, bot, logger),
  );
  // Local clients such as the Agents Playground probe the endpoint with HEAD before they connect.
  server.head('/api/messages', (_req, res, next) => {
    res.send(200);
    next();
  });
  // Liveness: the process answers. Readiness: it can serve a reset now (its store and Graph credential work),
  // and it is not stopping, so a load balancer sends it no new turns.
  server.get('/healthz', (_req, res, next) => {
    res.send(200, { status: 'ok' });
    next();
  });
  server.get('/readyz', async (_req, res) => {
    if (health.stopping()) {
      res.send(503, { status: 'stopping' });
      return;
    }
    const report = await health.readiness.check();
    if (!report.ready) logger.warn({ checks: report.checks }, 'not ready');
    res.send(report.ready ? 200 : 503, {
      status: report.ready ? 'ready' : 'not-ready',
      checks: report.checks,
    });
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

/**
 * A stopping bot takes no new turn: 503 with `Retry-After`, HTTP's answer for a server going away (whether
 * the channel delivers the activity again is up to Bot Service).
 */
function refuseWhileStopping(stopping: () => boolean): restify.RequestHandler {
  return (_req, res, next) => {
    if (!stopping()) return next();
    res.header('Retry-After', '1');
    res.send(503);
    return next(false);
  };
}
