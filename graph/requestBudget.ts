import { type Context, type MiddlewareOptions, RetryHandlerOptions } from '@microsoft/microsoft-graph-client';

/**
 * How long a group of Graph requests may take in all, retries and their waits included: one card click's
 * requests share one. Without it the SDK's retry handler honours a `Retry-After` of up to 180 seconds, long
 * after Teams has stopped waiting for the click's answer.
 */
export interface RequestBudget {
  /** Aborts the requests in flight, and fails any started later, when the time is up. */
  signal: AbortSignal;
  /** When the time is up, in milliseconds since the epoch: whether a retry's wait still fits is judged by it. */
  deadline: number;
}

/** Carries a budget to the request's middleware (`RequestTimeoutHandler` reads it). */
export class RequestBudgetOption implements MiddlewareOptions {
  constructor(readonly budget: RequestBudget) {}
}

/** The SDK's defaults (`RetryHandlerOptions`): 3 seconds, 3 retries, 180 seconds at most per wait. */
const DEFAULT_DELAY_SECONDS = 3;
const DEFAULT_MAX_RETRIES = 3;
const MAX_DELAY_SECONDS = 180;
/** A retry that would leave less than this for its own attempt is not worth its wait. */
const SHORTEST_USEFUL_ATTEMPT_MS = 1000;

/**
 * The per-request middleware options that hold a request to `budget`: the budget itself, and retry options
 * that retry a 429/503/504 only when the wait the SDK is about to make ends in time. A `Retry-After` longer
 * than what is left is not waited for: the throttling answer comes back at once.
 */
export function budgetOptions(budget: RequestBudget): MiddlewareOptions[] {
  return [
    new RequestBudgetOption(budget),
    new RetryHandlerOptions(
      DEFAULT_DELAY_SECONDS,
      DEFAULT_MAX_RETRIES,
      (delay, attempt, _r, _o, response) => {
        const waitMs = expectedWaitSeconds(response, attempt + 1, delay) * 1000;
        return Date.now() + waitMs + SHORTEST_USEFUL_ATTEMPT_MS <= budget.deadline;
      },
    ),
  ];
}

/** The budget a request carries, if any. */
export function budgetOf(context: Context): RequestBudget | undefined {
  const option = context.middlewareControl?.getMiddlewareOptions(RequestBudgetOption);
  return option instanceof RequestBudgetOption ? option.budget : undefined;
}

/**
 * The longest the SDK's `RetryHandler.getDelay` (3.0.7) can wait before retry number `attempt`: `Retry-After`
 * in seconds or as an HTTP date, else exponential back-off; plus the up to one second of randomness it adds,
 * capped at its maximum delay.
 */
export function expectedWaitSeconds(response: Response, attempt: number, delaySeconds: number): number {
  const retryAfter = response.headers?.get('Retry-After') ?? null;
  let wait: number;
  if (retryAfter !== null) {
    wait = Number.isNaN(Number(retryAfter))
      ? Math.round((new Date(retryAfter).getTime() - Date.now()) / 1000)
      : Number(retryAfter);
  } else {
    const backOff = attempt >= 2 ? Math.round((Math.pow(2, attempt) - 1) / 2) : 0;
    wait = backOff + delaySeconds;
  }
  // The SDK's sleep of NaN or a negative number returns at once.
  if (!Number.isFinite(wait) || wait < 0) wait = 0;
  return Math.min(wait + 1, MAX_DELAY_SECONDS + 1);
}
