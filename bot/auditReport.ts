import { stringify } from 'csv-stringify/sync';
import type { AuditRecord } from '../core/audit';

export type AuditReportFormat = 'table' | 'json' | 'csv';

/** The columns of the table and the CSV: what a reviewer asks first, in the order they ask it. */
const COLUMNS = [
  ['at', (record) => record.at],
  ['action', (record) => record.event.action],
  ['requester', (record) => record.event.requesterAadObjectId],
  ['target', (record) => record.event.targetUserPrincipalName ?? record.event.targetId],
  ['targetId', (record) => record.event.targetId],
  ['reason', (record) => record.event.reason],
  ['resetAs', (record) => record.event.resetAs],
  ['sessions', (record) => record.event.sessions],
  ['passwordDelivery', (record) => record.event.passwordDelivery],
  ['callerVerification', (record) => record.event.callerVerification],
  ['ticket', (record) => record.event.ticketReference],
  ['graphRequestId', (record) => record.event.graphRequestId],
  ['card', (record) => record.event.pendingActionId],
] as const satisfies ReadonlyArray<readonly [string, (record: AuditRecord) => unknown]>;

/**
 * Audit records as a reviewer reads them. `json` is every field as stored; `table` and `csv` the columns above.
 * Values come from Graph and from the agents' cards: control characters are removed from the table (a
 * terminal would obey them), and a CSV cell a spreadsheet would take for a formula is quoted as text.
 */
export function formatAuditRecords(records: AuditRecord[], format: AuditReportFormat): string {
  switch (format) {
    case 'json':
      return `${JSON.stringify(records, null, 2)}\n`;
    case 'csv':
      return stringify([
        COLUMNS.map(([name]) => name),
        ...records.map((record) => cellsOf(record).map(asCsvText)),
      ]);
    case 'table':
      return table(records);
  }
}

function cellsOf(record: AuditRecord): string[] {
  return COLUMNS.map(([, value]) => {
    const cell = value(record);
    return cell === undefined || cell === null ? '' : String(cell);
  });
}

/** OWASP's advice on CSV injection: a cell starting with = + - @, tab or carriage return is prefixed with '. */
function asCsvText(cell: string): string {
  return /^[=+\-@\t\r]/.test(cell) ? `'${cell}` : cell;
}

function table(records: AuditRecord[]): string {
  if (records.length === 0) return 'No audit records in that period.\n';
  // Columns empty in every record are left out: a narrow terminal shows what there is.
  const rows = records.map((record) => cellsOf(record).map(printable));
  const shown = COLUMNS.map((_, column) => column).filter((column) => rows.some((row) => row[column] !== ''));
  const header = shown.map((column) => COLUMNS[column]?.[0] ?? '');
  const lines = [header, ...rows.map((row) => shown.map((column) => row[column] ?? ''))];
  const widths = header.map((_, at) => Math.max(...lines.map((line) => (line[at] ?? '').length)));
  const format = (line: string[]) =>
    line
      .map((cell, at) => cell.padEnd(widths[at] ?? 0))
      .join('  ')
      .trimEnd();
  return `${[format(header), widths.map((width) => '-'.repeat(width)).join('  '), ...lines.slice(1).map(format)].join('\n')}\n${records.length} record${records.length === 1 ? '' : 's'}\n`;
}

function printable(cell: string): string {
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is removed
  return cell.replace(/[\u0000-\u001f\u007f-\u009f]/g, ' ');
}

/**
 * A period's start from `--since`: a duration back from now (`30m`, `24h`, `7d`) or an ISO 8601 date and time.
 * null when it is neither.
 */
export function parseSince(value: string, now: Date): Date | null {
  const duration = /^(\d{1,6})([mhd])$/.exec(value.trim());
  if (duration) {
    const unitMs = { m: 60_000, h: 3_600_000, d: 86_400_000 }[duration[2] as 'm' | 'h' | 'd'];
    return new Date(now.getTime() - Number(duration[1]) * unitMs);
  }
  if (!/^\d{4}-\d{2}-\d{2}/.test(value.trim())) return null;
  const date = new Date(value.trim());
  return Number.isNaN(date.getTime()) ? null : date;
}
