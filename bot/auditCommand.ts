import 'dotenv/config';
import { parseArgs } from 'node:util';
import { formatAuditRecords, parseSince } from './auditReport';
import { ConfigError } from './config';
import { openConfiguredStore } from './stateStores';

const USAGE = `Usage: npm run audit -- [--since 24h|7d|30m|2026-12-01T00:00Z] [--until <same>] [--format table|json|csv]
Prints the audit trail of the store the environment names (STATE_STORE and its settings, as for npm start).`;

/** `npm run audit`: the audit trail of the configured store, for a period, as a table, JSON or CSV. */
async function main(): Promise<number> {
  let options;
  try {
    options = parseArgs({
      options: {
        since: { type: 'string', default: '24h' },
        until: { type: 'string' },
        format: { type: 'string', default: 'table' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    }).values;
  } catch (error) {
    return usageError(error instanceof Error ? error.message : String(error));
  }
  if (options.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const now = new Date();
  const since = parseSince(options.since, now);
  const until = options.until === undefined ? now : parseSince(options.until, now);
  if (since === null) return usageError(`--since ${options.since} is neither a duration nor a date`);
  if (until === null) return usageError(`--until ${options.until ?? ''} is neither a duration nor a date`);
  const format = options.format;
  if (format !== 'table' && format !== 'json' && format !== 'csv') {
    return usageError(`--format must be table, json or csv`);
  }

  let store;
  try {
    store = openConfiguredStore(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      return 1;
    }
    throw error;
  }
  try {
    // The period is [since, until]: a record stamped exactly at `until` (now) is included.
    const records = await store.audit.list(since, new Date(until.getTime() + 1));
    process.stdout.write(formatAuditRecords(records, format));
    return 0;
  } finally {
    await store.close();
  }
}

function usageError(message: string): number {
  process.stderr.write(`${message}\n${USAGE}\n`);
  return 2;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(
      `Could not read the audit trail: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    process.exitCode = 1;
  },
);
