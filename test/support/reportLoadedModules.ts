import { subscribe } from 'node:diagnostics_channel';
import type { IncomingMessage } from 'node:http';
import { getHeapStatistics } from 'node:v8';

/**
 * Preloaded into a bot process (`NODE_OPTIONS=--require …`) by test/e2e/productionStart.test.ts: each time the
 * process has answered an HTTP request, it writes to stderr which request that was and every module file
 * loaded so far, and the heap's limit in MB, as one JSON line `{"answered":"/healthz","loadedModules":[…],
 * "heapLimitMb":…}`.
 */
subscribe('http.server.response.finish', (message) => {
  const { request } = message as { request: IncomingMessage };
  process.stderr.write(
    `${JSON.stringify({
      answered: request.url,
      loadedModules: Object.keys(require.cache),
      heapLimitMb: getHeapStatistics().heap_size_limit / 2 ** 20,
    })}\n`,
  );
});
