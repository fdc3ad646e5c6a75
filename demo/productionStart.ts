import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

/**
 * The Node.js options production starts the bot with, read from `npm start` (package.json), so that the demo,
 * the benchmark and the tests run the bot under the same heap limits as production. The Dockerfile repeats
 * them in its CMD (it has no npm); test/e2e/productionStart.test.ts holds the two to the same flags.
 *
 * Why a heap limit at all: with none, V8 sizes the heap from the machine's memory and lets garbage pile up to
 * several times what is live before it collects (300 MB with 1,000 open cards on a 24 GB machine, against a
 * live heap of about 60 MB). BENCHMARKS.md has the measurements behind the values.
 */
export function productionNodeOptions(packageJson = resolve(__dirname, '../../package.json')): string[] {
  const manifest = JSON.parse(readFileSync(packageJson, 'utf8')) as { scripts?: Record<string, string> };
  const start = manifest.scripts?.start ?? '';
  const words = start.trim().split(/\s+/);
  if (words[0] !== 'node' || words.at(-1) !== 'dist/bot/index.js') {
    throw new Error(`npm start must be "node [options] dist/bot/index.js", not "${start}"`);
  }
  return words.slice(1, -1);
}
