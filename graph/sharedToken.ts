import type { AccessToken, GetTokenOptions, TokenCredential } from '@azure/identity';

/**
 * Renew this long before a token expires: Entra's app tokens live an hour or more, and a request that takes
 * a token must still find it valid at Graph after retries.
 */
const RENEW_BEFORE_EXPIRY_MS = 5 * 60 * 1000;
/** A token this close to its end is not handed out: it could expire on its way to Graph. */
const USABLE_UNTIL_BEFORE_EXPIRY_MS = 60 * 1000;
/**
 * A token request unanswered after this long is presumed stuck (a hung connection to Entra): the next caller
 * that needs a token asks again rather than wait with everyone else. Entra answers in well under a second.
 */
const PRESUMED_STUCK_MS = 1500;

interface Renewal {
  promise: Promise<AccessToken>;
  startedAt: number;
}

interface Scope {
  token?: AccessToken;
  /** When to ask for a new one: Entra's `refresh_in` when given, else five minutes before expiry. */
  renewAt: number;
  renewal?: Renewal;
}

/**
 * The bot's own credential, asked once however many requests want a token at the same moment. Every Graph
 * request asks its credential for a token; `@azure/identity` keeps a cache, but when the token nears its end
 * every concurrent caller asks Entra for a new one (eight turns made 24 token requests). Here the token is kept
 * per scope, and one request renews it for everyone:
 * - while the token is still good, callers get it at once and the renewal runs behind them;
 * - when there is no good token, callers wait for the renewal in flight, unless it looks stuck, in which case
 *   the next caller starts a new one (so a hung request to Entra does not stall every turn behind it).
 * A failed renewal is not kept: the next caller tries again. The token is never put in an error or logged.
 */
export class SharedTokenCredential implements TokenCredential {
  private readonly scopes = new Map<string, Scope>();

  private readonly now: () => number;
  private readonly presumedStuckMs: number;

  constructor(
    private readonly inner: TokenCredential,
    options: { now?: () => number; presumedStuckMs?: number } = {},
  ) {
    this.now = options.now ?? Date.now;
    this.presumedStuckMs = options.presumedStuckMs ?? PRESUMED_STUCK_MS;
  }

  async getToken(scopes: string | string[], options?: GetTokenOptions): Promise<AccessToken> {
    // Claims (a CAE challenge) or another tenant ask for a different token: not shared.
    if (options?.claims || options?.tenantId) return this.request(scopes, options);
    const key = Array.isArray(scopes) ? [...scopes].sort().join(' ') : scopes;
    const scope = this.scopes.get(key) ?? { renewAt: 0 };
    this.scopes.set(key, scope);
    const now = this.now();
    const { token } = scope;
    if (token && now < scope.renewAt) return token;
    if (token && now < token.expiresOnTimestamp - USABLE_UNTIL_BEFORE_EXPIRY_MS) {
      // Failures are the next caller's to see; this one is served.
      if (!scope.renewal) this.renew(scope, scopes, options).promise.catch(() => undefined);
      return token;
    }
    const renewal =
      scope.renewal && now - scope.renewal.startedAt < this.presumedStuckMs
        ? scope.renewal
        : this.renew(scope, scopes, options);
    return this.waitFor(renewal, scope, scopes, options);
  }

  /** The renewal's token; if it looks stuck before it answers, the first token of it or a new request's. */
  private async waitFor(
    renewal: Renewal,
    scope: Scope,
    scopes: string | string[],
    options?: GetTokenOptions,
  ): Promise<AccessToken> {
    let timer: NodeJS.Timeout | undefined;
    const stuck = new Promise<'stuck'>((resolve) => {
      timer = setTimeout(() => resolve('stuck'), renewal.startedAt + this.presumedStuckMs - this.now());
    });
    try {
      const first = await Promise.race([renewal.promise, stuck]);
      if (first !== 'stuck') return first;
    } finally {
      clearTimeout(timer);
    }
    const newer =
      scope.renewal &&
      scope.renewal !== renewal &&
      this.now() - scope.renewal.startedAt < this.presumedStuckMs
        ? scope.renewal
        : this.renew(scope, scopes, options);
    return firstToken(renewal.promise, newer.promise);
  }

  private renew(scope: Scope, scopes: string | string[], options?: GetTokenOptions): Renewal {
    const renewal: Renewal = {
      startedAt: this.now(),
      promise: this.request(scopes, options).then(
        (token) => {
          // A renewal that finished after a newer one started may still hold the fresher token.
          if (!scope.token || token.expiresOnTimestamp >= scope.token.expiresOnTimestamp) {
            scope.token = token;
            scope.renewAt = renewAtOf(token, this.now());
          }
          if (scope.renewal === renewal) scope.renewal = undefined;
          return token;
        },
        (error: unknown) => {
          if (scope.renewal === renewal) scope.renewal = undefined;
          throw error;
        },
      ),
    };
    scope.renewal = renewal;
    return renewal;
  }

  private async request(scopes: string | string[], options?: GetTokenOptions): Promise<AccessToken> {
    // Not the caller's abort signal: a renewal is shared, and one caller's deadline must not fail the others.
    // Each caller's own budget still bounds its wait (graph/budgetGuard.ts).
    const token = await this.inner.getToken(scopes, { ...options, abortSignal: undefined });
    if (!token) throw new Error('The identity library returned no token.');
    return token;
  }
}

/** The first of two requests to give a token; fails only when both fail (with the later failure). */
function firstToken(a: Promise<AccessToken>, b: Promise<AccessToken>): Promise<AccessToken> {
  return new Promise((resolve, reject) => {
    let failures = 0;
    for (const request of [a, b]) {
      request.then(resolve, (error: unknown) => {
        failures += 1;
        if (failures === 2) reject(error instanceof Error ? error : new Error(String(error)));
      });
    }
  });
}

function renewAtOf(token: AccessToken, now: number): number {
  const beforeExpiry = token.expiresOnTimestamp - RENEW_BEFORE_EXPIRY_MS;
  const refreshAfter = (token as { refreshAfterTimestamp?: number }).refreshAfterTimestamp;
  const renewAt = typeof refreshAfter === 'number' ? Math.min(refreshAfter, beforeExpiry) : beforeExpiry;
  // A token shorter-lived than the margin is used for half its life rather than renewed on every call.
  return renewAt > now ? renewAt : now + Math.max(0, (token.expiresOnTimestamp - now) / 2);
}
