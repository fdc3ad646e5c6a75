import type { AccessToken, GetTokenOptions, TokenCredential } from '@azure/identity';

/**
 * Renew this long before a token expires: Entra's app tokens live an hour or more, and a request that takes
 * a token must still find it valid at Graph after retries.
 */
const RENEW_BEFORE_EXPIRY_MS = 5 * 60 * 1000;

interface Held {
  token: AccessToken;
  /** When to ask for a new one: Entra's `refresh_in` when given, else five minutes before expiry. */
  renewAt: number;
}

/**
 * The bot's own credential, asked once however many requests want a token at the same moment. Every Graph
 * request asks its credential for a token; `@azure/identity` keeps a cache, but when the token is near its
 * end every concurrent caller asks Entra for a new one (eight turns of three reads each made 24 token requests).
 * Here the token is kept per scope and a renewal is shared: while one is in flight, every caller waits for it.
 * A failed renewal is not kept: the next caller tries again (the token is never cached in an error or logged).
 */
export class SharedTokenCredential implements TokenCredential {
  private readonly held = new Map<string, Held>();
  private readonly renewing = new Map<string, Promise<AccessToken>>();

  constructor(
    private readonly inner: TokenCredential,
    private readonly now: () => number = Date.now,
  ) {}

  async getToken(scopes: string | string[], options?: GetTokenOptions): Promise<AccessToken> {
    const key = Array.isArray(scopes) ? [...scopes].sort().join(' ') : scopes;
    // Claims (a CAE challenge) or another tenant ask for a different token: not shared.
    if (options?.claims || options?.tenantId) return this.fetch(scopes, options);
    const held = this.held.get(key);
    if (held && this.now() < held.renewAt) return held.token;
    const inFlight = this.renewing.get(key);
    if (inFlight) return inFlight;
    const renewal = this.fetch(scopes, options).then((token) => {
      this.held.set(key, { token, renewAt: renewAtOf(token, this.now()) });
      return token;
    });
    this.renewing.set(key, renewal);
    try {
      return await renewal;
    } finally {
      this.renewing.delete(key);
    }
  }

  private async fetch(scopes: string | string[], options?: GetTokenOptions): Promise<AccessToken> {
    // Not the caller's abort signal: a renewal is shared, and one caller's deadline must not fail the others.
    // Each caller's own budget still bounds its wait (graph/budgetGuard.ts).
    const token = await this.inner.getToken(scopes, { ...options, abortSignal: undefined });
    if (!token) throw new Error('The identity library returned no token.');
    return token;
  }
}

function renewAtOf(token: AccessToken, now: number): number {
  const beforeExpiry = token.expiresOnTimestamp - RENEW_BEFORE_EXPIRY_MS;
  const refreshAfter = (token as { refreshAfterTimestamp?: number }).refreshAfterTimestamp;
  const renewAt = typeof refreshAfter === 'number' ? Math.min(refreshAfter, beforeExpiry) : beforeExpiry;
  // A token shorter-lived than the margin is used for half its life rather than renewed on every call.
  return renewAt > now ? renewAt : now + Math.max(0, (token.expiresOnTimestamp - now) / 2);
}
