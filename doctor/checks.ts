/** What one preflight check found. */
export interface CheckResult {
  /** What was checked, e.g. "Graph permission User.Read.All". */
  check: string;
  /**
   * `blocking`: the bot will not work until this is fixed (`npm run doctor` exits non-zero). `warning`: it
   * works, but not as the README recommends. `skipped`: an earlier problem keeps this check from running.
   */
  verdict: Verdict;
  /** What was found, in the administrator's terms. Never a secret or a token. */
  detail: string;
  /** What to do about it; empty when nothing needs doing. */
  fix: string;
}

export type Verdict = 'ok' | 'warning' | 'blocking' | 'skipped';

export const result = (check: string, verdict: Verdict, detail: string, fix = ''): CheckResult => ({
  check,
  verdict,
  detail,
  fix,
});

export function hasBlocking(results: readonly CheckResult[]): boolean {
  return results.some((r) => r.verdict === 'blocking');
}
