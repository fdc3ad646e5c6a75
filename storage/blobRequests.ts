import type { StoragePipelineOptions } from '@azure/storage-blob';
import { StoreUnavailable } from '../core/errors';
import { StoreConflict } from './stateStore';

/**
 * How long one call to Blob Storage may take before the store gives up on it. Teams waits about 5 s for the
 * answer to an invoke (a card click), and a click has 20 s in all: a store that does not answer within 3 s
 * is treated as down, which leaves the bot time to say so instead of Teams showing its own error. A healthy
 * call takes tens of milliseconds, so 3 s is not met by a slow but working store.
 */
export const DEFAULT_CALL_TIMEOUT_MS = 3_000;

/**
 * The SDK's own retries, inside the call timeout: up to 3 tries for what it deems transient (connection
 * refused or reset, such as a keep-alive socket the server closed, 500, 503), 200 ms then 400 ms apart,
 * instead of its defaults (4 tries, 4 s base delay and up to 2 min between tries: a call could wait minutes).
 * `tryTimeoutInMs` only becomes the server-side `timeout` parameter (whole seconds); it does not bound a
 * request the network swallows, which is why every call also has the deadline above.
 */
export function pipelineOptions(callTimeoutMs: number): StoragePipelineOptions {
  return {
    retryOptions: {
      maxTries: 3,
      retryDelayInMs: 200,
      maxRetryDelayInMs: 400,
      tryTimeoutInMs: Math.max(1_000, callTimeoutMs),
    },
  };
}

/** A Blob Storage call that did not settle within the store's call timeout: storage is unavailable. */
export class StoreTimeout extends StoreUnavailable {
  constructor(
    readonly what: string,
    readonly timeoutMs: number,
  ) {
    super('blob', 'timeout');
    this.name = 'StoreTimeout';
  }
}

/**
 * What a failed Blob Storage call means to the bot: `StoreUnavailable` when storage could not serve it (no
 * connection, or a 5xx after the SDK's own retries), the error itself otherwise (a conflict, a 4xx: a bug or a
 * misconfiguration, not an outage). The HTTP client reports a failure to connect as a `RestError` without a
 * status (`ECONNREFUSED`, `ECONNRESET`, `REQUEST_SEND_ERROR`, ...).
 */
export function blobFailure(error: unknown): unknown {
  if (error instanceof StoreUnavailable || error instanceof StoreConflict) return error;
  const { status, code } = failureOf(error);
  if (status !== undefined && status >= 500)
    return new StoreUnavailable('blob', 'server-error', { statusCode: status, code, cause: error });
  if (status === undefined && (error as { name?: unknown } | null)?.name === 'RestError')
    return new StoreUnavailable('blob', 'unreachable', { code, cause: error });
  return error;
}

/** Runs a store call and rejects with `blobFailure` of its failure. */
export async function asStoreCall<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw blobFailure(error);
  }
}

/**
 * Settles with `work`, or rejects with `StoreTimeout` once `timeoutMs` has passed. For calls that take no
 * abort signal (BlobsStorage's): the request itself runs on until the SDK gives up on it, unobserved.
 */
export async function withDeadline<T>(work: Promise<T>, timeoutMs: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new StoreTimeout(what, timeoutMs)), timeoutMs);
  });
  // The abandoned call may still fail later; that failure has nobody left to tell.
  work.catch(() => undefined);
  try {
    return await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Runs an SDK call with an abort signal that fires after `timeoutMs`, and reports an abort as `StoreTimeout`.
 */
export async function withTimeout<T>(
  timeoutMs: number,
  what: string,
  call: (abortSignal: AbortSignal) => Promise<T>,
): Promise<T> {
  const abortSignal = AbortSignal.timeout(timeoutMs);
  try {
    return await call(abortSignal);
  } catch (error) {
    if (abortSignal.aborted) throw new StoreTimeout(what, timeoutMs);
    throw error;
  }
}

/** The HTTP status and Blob Storage error code of a failed SDK call (`RestError`), when it has them. */
export function failureOf(error: unknown): { status?: number; code?: string } {
  if (typeof error !== 'object' || error === null) return {};
  const { statusCode, code } = error as { statusCode?: unknown; code?: unknown };
  return {
    status: typeof statusCode === 'number' ? statusCode : undefined,
    code: typeof code === 'string' ? code : undefined,
  };
}

/** A page of a blob listing, as the SDK's `byPage` yields it. */
interface ListingPage {
  continuationToken?: string;
}

/**
 * Every page of a listing, each page fetched with its own timeout (a long listing is many short calls, none
 * of which may hang). `open` starts the listing at a continuation token.
 */
export async function* eachPage<Page extends ListingPage>(
  timeoutMs: number,
  what: string,
  open: (continuationToken: string | undefined, abortSignal: AbortSignal) => AsyncIterator<Page>,
): AsyncGenerator<Page> {
  let continuationToken: string | undefined;
  do {
    const next = await withTimeout(timeoutMs, what, (abortSignal) =>
      open(continuationToken, abortSignal).next(),
    );
    if (next.done === true) return;
    yield next.value;
    continuationToken = next.value.continuationToken;
  } while (continuationToken !== undefined && continuationToken !== '');
}
