import type { Context, Middleware } from '@microsoft/microsoft-graph-client';
import { budgetOf } from './requestBudget';

/**
 * The name of the error a Graph call fails with when its request never left the bot: the connection could not
 * be opened (refused, no such host, TLS refused), or the time was up before it was sent. Such a request cannot
 * have been applied; `graphErrors.ts` reads the name (the SDK keeps it as the `GraphError`'s `code`).
 */
export const GRAPH_REQUEST_NOT_SENT = 'GraphRequestNotSent';

/**
 * Failures of `fetch` (undici) that happen before any byte of the request is written: DNS, connect, TLS. A
 * reset or closed connection, or a timeout, may come after the request was sent, so they are not here.
 */
const NOT_SENT_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_CONNECT_TIMEOUT',
  'CERT_HAS_EXPIRED',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/** Requests that reached the HTTP handler at least once (retries included): from then on, they may be applied. */
const handedToHttp = new WeakSet<Context>();

/** Whether the request was given to the HTTP handler, so that Graph may have received it. */
export function mayHaveBeenSent(context: Context): boolean {
  return handedToHttp.has(context);
}

/**
 * Gives every attempt of a Graph request its own deadline. Without one, a connection that hangs would keep
 * the requester's card spinning until Teams gives up, with no word on whether the password changed. Sits after
 * the SDK's retry handler, so each retry gets a fresh deadline; an expired one surfaces as a failure
 * without HTTP status, which the bot reports as "Graph unreachable" (and, for a write, "outcome unknown"). A
 * request that carries a budget (`requestBudget.ts`) also stops when the budget runs out, and no attempt
 * outlives it. A request that could not be sent at all fails as {@link GRAPH_REQUEST_NOT_SENT}.
 */
export class RequestTimeoutHandler implements Middleware {
  private next: Middleware | undefined;

  constructor(private readonly timeoutMs: number) {}

  async execute(context: Context): Promise<void> {
    if (!this.next) throw new Error('RequestTimeoutHandler must not be the last middleware');
    const budget = budgetOf(context);
    if (budget && (budget.signal.aborted || Date.now() >= budget.deadline)) throw notSent('the time was up');
    const deadlineMs = budget
      ? Math.min(this.timeoutMs, Math.max(0, budget.deadline - Date.now()))
      : this.timeoutMs;
    // One controller and one timer per attempt, with the budget's abort passed on: `AbortSignal.any` (and a
    // `timeout` signal beside it) cost several times more on every Graph request. The timer is left to run
    // (unref'd, so it never holds the process) because the body is read after this handler returns, and a
    // body that hangs must still end at the deadline.
    const attempt = new AbortController();
    const timer = setTimeout(() => attempt.abort(timeoutReason()), deadlineMs);
    timer.unref();
    if (budget) {
      const passOn = () => attempt.abort(budget.signal.reason);
      budget.signal.addEventListener('abort', passOn, { once: true });
      attempt.signal.addEventListener('abort', () => budget.signal.removeEventListener('abort', passOn), {
        once: true,
      });
    }
    context.options = { ...context.options, signal: attempt.signal };
    handedToHttp.add(context);
    try {
      await this.next.execute(context);
    } catch (error) {
      throw neverSent(error) ? notSent('the connection could not be opened', error) : error;
    }
  }

  setNext(next: Middleware): void {
    this.next = next;
  }
}

/** What `AbortSignal.timeout` aborts with, so that a deadline reads the same wherever it is seen. */
function timeoutReason(): DOMException {
  return new DOMException('The operation was aborted due to timeout', 'TimeoutError');
}

/** A failure before the request was written: `fetch`'s "fetch failed" with a DNS, connect or TLS cause. */
function neverSent(error: unknown): boolean {
  const cause = error instanceof Error ? (error.cause as { code?: unknown } | undefined) : undefined;
  return typeof cause?.code === 'string' && NOT_SENT_CODES.has(cause.code);
}

export function notSent(why: string, cause?: unknown): Error {
  const error = new Error(`The Graph request was not sent: ${why}.`, cause === undefined ? {} : { cause });
  error.name = GRAPH_REQUEST_NOT_SENT;
  return error;
}
