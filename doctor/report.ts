import { REQUIRED_GRAPH_PERMISSIONS } from '../graph/permissions';
import type { CheckResult } from './checks';

const HEADERS = { check: 'check', verdict: 'result', detail: 'detail', fix: 'fix' } as const;

/**
 * The results as a plain-text table (check, result, detail, fix), long cells wrapped to fit `width`
 * characters, so that it reads in a terminal and pastes into a ticket.
 */
export function renderTable(results: readonly CheckResult[], width = 160): string {
  const checkWidth = Math.min(34, Math.max(HEADERS.check.length, ...results.map((r) => r.check.length)));
  const verdictWidth = 8;
  const rest = Math.max(40, width - checkWidth - verdictWidth - 6);
  const detailWidth = Math.floor(rest / 2);
  const fixWidth = rest - detailWidth;
  const widths = [checkWidth, verdictWidth, detailWidth, fixWidth];

  const line = (cells: string[]): string[] => {
    const wrapped = cells.map((cell, i) => wrap(cell, widths[i] ?? 20));
    const height = Math.max(...wrapped.map((w) => w.length));
    return Array.from({ length: height }, (_, row) =>
      wrapped
        .map((w, i) => (w[row] ?? '').padEnd(widths[i] ?? 0))
        .join('  ')
        .trimEnd(),
    );
  };
  const out = [
    ...line([HEADERS.check, HEADERS.verdict, HEADERS.detail, HEADERS.fix]),
    widths.map((w) => '-'.repeat(w)).join('  '),
  ];
  for (const r of results) out.push(...line([r.check, r.verdict, r.detail, r.fix]));
  return out.join('\n') + '\n';
}

/** One sentence for the end of the run. */
export function summary(results: readonly CheckResult[]): string {
  const count = (verdict: CheckResult['verdict']) => results.filter((r) => r.verdict === verdict).length;
  const blocking = count('blocking');
  const warnings = count('warning');
  return blocking > 0
    ? `${blocking} blocking problem${blocking === 1 ? '' : 's'}: the bot will not work until ${blocking === 1 ? 'it is' : 'they are'} fixed.`
    : warnings > 0
      ? `No blocking problem; ${warnings} warning${warnings === 1 ? '' : 's'} to review.`
      : 'No problem found.';
}

function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let current = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    for (const piece of chunks(word, width)) {
      if (current === '') current = piece;
      else if (current.length + 1 + piece.length <= width) current += ` ${piece}`;
      else {
        lines.push(current);
        current = piece;
      }
    }
  }
  if (current !== '') lines.push(current);
  return lines.length > 0 ? lines : [''];
}

/** A word longer than the column (an id, a URL) is cut rather than allowed to break the layout. */
function chunks(word: string, width: number): string[] {
  const pieces: string[] = [];
  for (let i = 0; i < word.length; i += width) pieces.push(word.slice(i, i + width));
  return pieces;
}

/**
 * The README's permission table ("Deploy to your tenant", step 1), written from the one list the preflight
 * checks: each permission, the `RESET_AS` modes that need it, and why.
 */
export function permissionsMarkdown(): string {
  const rows = REQUIRED_GRAPH_PERMISSIONS.map(
    (p) => `| \`${p.name}\` | ${p.neededWhen.join(', ')} | ${p.why} |`,
  );
  return (
    ['| permission | needed when `RESET_AS` is | why |', '| --- | --- | --- |', ...rows].join('\n') + '\n'
  );
}
