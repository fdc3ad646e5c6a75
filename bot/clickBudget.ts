import { setMaxListeners } from 'node:events';

/** `CLICK_BUDGET_SECONDS`' default: the most a click may take, retries included, before its card is updated. */
export const DEFAULT_CLICK_BUDGET_MS = 20_000;

/**
 * Teams waits 10 to 15 seconds for the answer to an `adaptiveCard/action` invoke, then shows an error. A click
 * answered in the invoke itself (a pick among several users) gets at most this.
 */
export const INVOKE_ANSWER_BUDGET_MS = 9_000;

/** Time for a group of requests: aborts when it is up, and says when that is (for retry decisions). */
export interface WorkBudget {
  signal: AbortSignal;
  /** Milliseconds since the epoch. */
  deadline: number;
}

/**
 * The time one click's work may take, split so that the outcome is always reported in time: the directory
 * (the checks, the reset, signing out) stops first, leaving time to deliver the password; everything stops a
 * little before the end, leaving time to update the card.
 */
/** Two listeners per Graph request in flight: enough for a click's parallel reads with room to spare. */
const MAX_CONCURRENT_LISTENERS = 100;

export class ClickBudget {
  /** Directory requests, retries and their waits included, end by here. */
  readonly directory: WorkBudget;
  /** Aborts when the work must stop and the card must show the outcome as it stands. */
  readonly final: AbortSignal;

  private constructor(
    readonly totalMs: number,
    /** When the click arrived, in milliseconds since the epoch. */
    readonly startedAt: number,
  ) {
    const afterDirectoryMs = Math.min(5_000, totalMs / 4);
    const cardUpdateMs = Math.min(1_000, totalMs / 10);
    const directorySignal = AbortSignal.timeout(totalMs - afterDirectoryMs);
    // Every Graph request of the click listens to it (its deadline, the budget guard), many at once when the
    // rules read profiles, roles and groups in parallel: more than Node's default 10 is no leak here.
    setMaxListeners(MAX_CONCURRENT_LISTENERS, directorySignal);
    this.directory = { signal: directorySignal, deadline: startedAt + totalMs - afterDirectoryMs };
    this.final = AbortSignal.timeout(totalMs - cardUpdateMs);
  }

  static start(totalMs: number): ClickBudget {
    return new ClickBudget(totalMs, Date.now());
  }

  /** `work`'s result, or `undefined` when the budget ran out first (the work itself goes on). */
  async race<T>(work: Promise<T>): Promise<T | undefined> {
    if (this.final.aborted) return undefined;
    let onAbort: (() => void) | undefined;
    const expired = new Promise<undefined>((resolve) => {
      onAbort = () => resolve(undefined);
      this.final.addEventListener('abort', onAbort, { once: true });
    });
    try {
      return await Promise.race([work, expired]);
    } finally {
      if (onAbort) this.final.removeEventListener('abort', onAbort);
    }
  }
}
