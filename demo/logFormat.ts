import { parseJsonObject } from './commands';

/**
 * Turns the children's output into lines a person can follow in one terminal: each prefixed with the
 * child's name, pino JSON rendered as `time LEVEL message key=value`.
 */

const PINO_LEVELS: Record<number, string> = {
  10: 'TRACE',
  20: 'DEBUG',
  30: 'INFO',
  40: 'WARN',
  50: 'ERROR',
  60: 'FATAL',
};

/** Fields every pino line carries that add nothing when reading along. */
const ROUTINE_FIELDS = new Set(['level', 'time', 'msg', 'pid', 'hostname', 'v']);

const NAME_WIDTH = 10;

export function prefixLine(name: string, line: string): string {
  return `${name.padEnd(NAME_WIDTH)} | ${readableLine(line)}`;
}

/** A pino (or other JSON object) line made readable; any other line unchanged. */
export function readableLine(line: string): string {
  const record = parseJsonObject(line);
  if (record === null) return line;
  const level = typeof record.level === 'number' ? (PINO_LEVELS[record.level] ?? String(record.level)) : '';
  const time = typeof record.time === 'number' ? new Date(record.time).toISOString().slice(11, 19) : '';
  const message = typeof record.msg === 'string' ? record.msg : '';
  const fields = Object.entries(record)
    .filter(([key]) => !ROUTINE_FIELDS.has(key))
    .map(([key, value]) => `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`);
  return [time, level.padEnd(level === '' ? 0 : 5), message, ...fields]
    .filter((part) => part !== '')
    .join(' ');
}
