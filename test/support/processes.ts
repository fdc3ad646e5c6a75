import { createServer } from 'node:net';

export { describeExit, startChild } from '../../demo/children';
export type { ChildExit, ChildHandle, OutputStream, StartChildOptions } from '../../demo/children';

/** A port nobody listens on right now. Another process may still take it before we do; callers retry or check. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => (port > 0 ? resolve(port) : reject(new Error('no port assigned'))));
    });
  });
}

/**
 * Node's own warning lines among a child's output, such as
 * `(node:123) [DEP0111] DeprecationWarning: process.binding() is deprecated.`: a deprecation on one Node
 * line tends to be a crash on the next.
 */
export function processWarnings(output: string | string[]): string[] {
  const lines = typeof output === 'string' ? output.split('\n') : output;
  return lines.filter((line) => /^\(node:\d+\) (\[\w+\] )?\w*Warning: /.test(line));
}
