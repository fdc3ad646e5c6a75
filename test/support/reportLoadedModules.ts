import { subscribe } from 'node:diagnostics_channel';

/**
 * Preloaded into a bot process (`NODE_OPTIONS=--require …`) by test/e2e/productionStart.test.ts: when the
 * process receives its first HTTP request (the test's `/healthz`), it writes every module file loaded so far to
 * stderr, as one JSON line `{"loadedModules":[…]}`. What the bot loads between starting and answering its first
 * request is what its start-up costs.
 */
let reported = false;
subscribe('http.server.request.start', () => {
  if (reported) return;
  reported = true;
  process.stderr.write(`${JSON.stringify({ loadedModules: Object.keys(require.cache) })}\n`);
});
