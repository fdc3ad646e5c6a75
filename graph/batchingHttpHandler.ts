import type { Context, Middleware } from '@microsoft/microsoft-graph-client';

/** "JSON batch requests are currently limited to 20 individual requests" (Learn: "JSON batching"). */
export const MAX_BATCH_REQUESTS = 20;

/** The headers a sub-request carries: the batch's own request carries the bearer token, once. */
const OUTER_ONLY_HEADERS = new Set(['authorization', 'content-type', 'content-length', 'host']);

interface Waiting {
  /** The request's URL relative to the version, as a sub-request names it (`/users/…`). */
  relativeUrl: string;
  url: string;
  options: RequestInit;
  authorization: string;
  signal: AbortSignal | undefined;
  resolve: (response: Response) => void;
  reject: (reason: unknown) => void;
  settled: boolean;
}

/**
 * The last middleware of the Graph client: sends each request with `fetch`, except that reads (GET) started in
 * the same turn of the event loop go to Graph together, as one JSON batch (`POST /v1.0/$batch`, Learn: "Combine
 * multiple HTTP requests using JSON batching"). The bot's independent reads (the agent's roles and the search,
 * the target's roles, groups and domain) thus cost one round trip, however many they are, without the use
 * cases knowing: they read in parallel, as before.
 *
 * Each sub-response comes back to its own request as a `Response`, so everything before this handler (the
 * retry handler's 429/503/504 with `Retry-After`, the per-attempt deadline, error mapping) treats it as if it
 * had been sent alone. A failure of the batch itself (a dropped connection, a 5xx or 429 on the batch) is each
 * of its requests' failure. Responses are matched by `id`: Learn warns they "might appear in a different order".
 * A request whose own deadline or budget ends is failed alone; the batch goes on for the others, and is
 * abandoned only when none of its requests is still waiting. Writes (the password change, the revocation) are
 * never batched: each is sent alone, after the reads that allowed it.
 */
export class BatchingHttpHandler implements Middleware {
  private queue: Waiting[] = [];
  private flushScheduled = false;

  /** @param graphRoot the client's base URL with its version, e.g. `https://graph.microsoft.com/v1.0/`. */
  constructor(private readonly graphRoot: string) {}

  async execute(context: Context): Promise<void> {
    const url = typeof context.request === 'string' ? context.request : context.request.url;
    const options: RequestInit = context.options ?? {};
    const method = (options.method ?? 'GET').toUpperCase();
    if (method !== 'GET' || typeof context.request !== 'string' || !url.startsWith(this.graphRoot)) {
      context.response = await fetch(context.request, options);
      return;
    }
    context.response = await new Promise<Response>((resolve, reject) => {
      const waiting: Waiting = {
        relativeUrl: `/${url.slice(this.graphRoot.length)}`,
        url,
        options,
        authorization: headerOf(options.headers, 'authorization') ?? '',
        signal: options.signal ?? undefined,
        resolve,
        reject,
        settled: false,
      };
      this.enqueue(waiting);
    });
  }

  private enqueue(waiting: Waiting): void {
    const { signal } = waiting;
    if (signal?.aborted) {
      waiting.reject(signal.reason);
      return;
    }
    signal?.addEventListener('abort', () => settle(waiting, () => waiting.reject(signal.reason)), {
      once: true,
    });
    this.queue.push(waiting);
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      // After the I/O callbacks of this turn: reads started by one activity (and by others arriving with it)
      // are all queued by then.
      setImmediate(() => this.flush());
    }
  }

  private flush(): void {
    this.flushScheduled = false;
    const queued = this.queue.filter((waiting) => !waiting.settled);
    this.queue = [];
    // One batch per token: the agent's delegated client and the bot's own never share a batch anyway, but a
    // token refreshed between two requests of one turn must not carry the other's sub-requests.
    const byToken = new Map<string, Waiting[]>();
    for (const waiting of queued) {
      const group = byToken.get(waiting.authorization) ?? [];
      group.push(waiting);
      byToken.set(waiting.authorization, group);
    }
    for (const group of byToken.values()) {
      for (let start = 0; start < group.length; start += MAX_BATCH_REQUESTS) {
        void this.send(group.slice(start, start + MAX_BATCH_REQUESTS));
      }
    }
  }

  private async send(requests: Waiting[]): Promise<void> {
    if (requests.length === 1) {
      const [only] = requests;
      try {
        const response = await fetch(only.url, only.options);
        settle(only, () => only.resolve(response));
      } catch (error) {
        settle(only, () => only.reject(error));
      }
      return;
    }
    const abandon = new AbortController();
    const stopWhenNoneWaits = () => {
      if (requests.every((waiting) => waiting.settled)) abandon.abort();
    };
    for (const waiting of requests)
      waiting.signal?.addEventListener('abort', stopWhenNoneWaits, { once: true });
    try {
      const answer = await fetch(`${this.graphRoot}$batch`, {
        method: 'POST',
        headers: {
          authorization: requests[0].authorization,
          'content-type': 'application/json',
          accept: 'application/json',
        },
        body: JSON.stringify({
          requests: requests.map((waiting, index) => ({
            id: String(index + 1),
            method: 'GET',
            url: waiting.relativeUrl,
            headers: subRequestHeaders(waiting.options.headers),
          })),
        }),
        signal: abandon.signal,
      });
      if (!answer.ok) {
        // The batch as a whole was refused (throttled, unavailable, unauthorized): so was each request.
        const body = await answer.text();
        for (const waiting of requests) {
          settle(waiting, () => waiting.resolve(copyOf(answer, body)));
        }
        return;
      }
      const responses = subResponsesOf(await answer.json());
      requests.forEach((waiting, index) => {
        const sub = responses.get(String(index + 1));
        settle(waiting, () =>
          sub
            ? waiting.resolve(sub)
            : waiting.reject(new Error('The Graph batch answer left out a request it was sent.')),
        );
      });
    } catch (error) {
      for (const waiting of requests) settle(waiting, () => waiting.reject(error));
    } finally {
      for (const waiting of requests) waiting.signal?.removeEventListener('abort', stopWhenNoneWaits);
    }
  }
}

function settle(waiting: Waiting, how: () => void): void {
  if (waiting.settled) return;
  waiting.settled = true;
  how();
}

function headerOf(headers: HeadersInit | undefined, name: string): string | undefined {
  if (headers === undefined) return undefined;
  if (headers instanceof Headers) return headers.get(name) ?? undefined;
  const entries = Array.isArray(headers) ? headers : Object.entries(headers);
  const found = entries.find(([key]) => key.toLowerCase() === name);
  return found?.[1];
}

function subRequestHeaders(headers: HeadersInit | undefined): Record<string, string> | undefined {
  if (headers === undefined) return undefined;
  const entries: Array<[string, string]> = [];
  if (headers instanceof Headers) headers.forEach((value, key) => entries.push([key, value]));
  else
    entries.push(
      ...(Array.isArray(headers) ? headers : Object.entries(headers)).map(
        ([k, v]) => [k, v] as [string, string],
      ),
    );
  const kept = entries.filter(([key]) => !OUTER_ONLY_HEADERS.has(key.toLowerCase()));
  return kept.length === 0 ? undefined : Object.fromEntries(kept);
}

function copyOf(answer: Response, body: string): Response {
  return new Response(body, {
    status: answer.status,
    statusText: answer.statusText,
    headers: answer.headers,
  });
}

/**
 * The batch's sub-responses as `Response`s, by id. A body is JSON unless it is a string (Learn: non-JSON bodies
 * are base64 strings, which the bot never asks for); anything that is not a well-formed answer is left out, so
 * that its request fails as malformed instead of reading garbage.
 */
function subResponsesOf(answer: unknown): Map<string, Response> {
  const found = new Map<string, Response>();
  const responses = (answer as { responses?: unknown } | null)?.responses;
  if (!Array.isArray(responses)) return found;
  for (const item of responses as unknown[]) {
    const { id, status, headers, body } = (item ?? {}) as Record<string, unknown>;
    if (typeof id !== 'string' || typeof status !== 'number' || status < 100 || status > 599) continue;
    const headerMap = new Headers();
    if (headers !== null && typeof headers === 'object') {
      for (const [name, value] of Object.entries(headers)) {
        if (typeof value === 'string') headerMap.set(name, value);
      }
    }
    const text =
      body === undefined || body === null ? null : typeof body === 'string' ? body : JSON.stringify(body);
    if (text !== null && typeof body !== 'string' && !headerMap.has('content-type')) {
      headerMap.set('content-type', 'application/json');
    }
    // 204 and 304 take no body.
    found.set(
      id,
      new Response(status === 204 || status === 304 ? null : text, { status, headers: headerMap }),
    );
  }
  return found;
}
