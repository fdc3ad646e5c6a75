/**
 * What of an error may be logged: its name, its code and its HTTP status, each only when it has the shape of
 * one. Never the message, the stack's first line, `details` or a response body: a connector that echoes the
 * activity it was sent puts that activity (a temporary password included) into all of those.
 */
export interface ErrorShape {
  name?: string;
  code?: string | number;
  statusCode?: number;
}

/**
 * An identifier: letters, digits, `_` and `.`, starting with a letter. A temporary password always holds one
 * of `!#$%+=?@`, so it can never pass for one.
 */
const IDENTIFIER = /^[A-Za-z][A-Za-z0-9_.]{0,63}$/;

export function describeError(error: unknown): ErrorShape {
  if (typeof error !== 'object' || error === null) return {};
  const { name, code, statusCode } = error as { name?: unknown; code?: unknown; statusCode?: unknown };
  const shape: ErrorShape = {};
  if (typeof name === 'string' && IDENTIFIER.test(name)) shape.name = name;
  if ((typeof code === 'string' && IDENTIFIER.test(code)) || Number.isInteger(code)) {
    shape.code = code as string | number;
  }
  if (Number.isInteger(statusCode)) shape.statusCode = statusCode as number;
  return shape;
}

/**
 * Where a bug happened, for the team that runs the bot: the stack without its header, which repeats the
 * message. When the header is not the message the error now carries (it was changed after the error was
 * made), the stack is left out altogether rather than guessed at.
 */
export function stackFramesOf(error: unknown): string | undefined {
  if (!(error instanceof Error) || typeof error.stack !== 'string') return undefined;
  const header = error.message ? `${error.name}: ${error.message}` : error.name;
  if (!error.stack.startsWith(`${header}\n`)) return undefined;
  return error.stack.slice(header.length + 1);
}
