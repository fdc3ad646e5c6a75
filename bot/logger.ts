import pino, { type DestinationStream, type Logger } from 'pino';
import type { LogLevel } from './config';

export type { Logger } from 'pino';

/**
 * Keys whose values are redacted wherever they appear (two levels deep). The temporary password is never
 * handed to the logger by design; this is the net under that rule, not the rule itself.
 */
const REDACTED_PATHS = [
  'password',
  'temporaryPassword',
  'newPassword',
  'secret',
  'authorization',
  '*.password',
  '*.temporaryPassword',
  '*.newPassword',
  '*.secret',
  '*.authorization',
  '*.headers.authorization',
  '*.passwordProfile',
];

/** Structured JSON logs on stdout (or the given stream, for tests). */
export function createLogger(level: LogLevel, destination?: DestinationStream): Logger {
  const options = {
    level,
    base: { service: 'helpdesk-reset' },
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
  };
  return destination ? pino(options, destination) : pino(options);
}
