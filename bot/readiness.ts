import type { Storage } from 'botbuilder';

/** How long each readiness check may take: a platform probe times out after a few seconds. */
const CHECK_TIMEOUT_MS = 3_000;

/** A key no record uses: reading it proves the store answers, and changes nothing. */
const PROBE_KEY = 'readiness-probe';

/** The part of the bot's Graph credential (`@azure/identity`) a readiness check uses. */
export interface TokenSource {
  getToken(scope: string): Promise<unknown>;
}

export interface ReadinessReport {
  ready: boolean;
  checks: {
    /** The store for conversation state and pending card actions answered a read. */
    store: 'ok' | 'unreachable';
    /** The bot's own Graph credential obtained a token (`not-used` when tests bring their own directory). */
    graphCredential: 'ok' | 'failed' | 'not-used';
  };
}

/**
 * What `/readyz` asks: can this instance serve a reset now? A failed check is named, never explained: the
 * answer goes to whoever can reach the port, and an error from the store or Entra may describe the
 * deployment. The logs say more.
 */
export class Readiness {
  constructor(
    private readonly storage: Pick<Storage, 'read'>,
    private readonly graph: { credential: TokenSource; scope: string } | undefined,
    /**
     * Work left out of start-up to keep `/healthz` quick, done at the first probe instead, before a platform
     * sends traffic: preparing the card templates.
     */
    private warmUp?: () => void,
  ) {}

  async check(): Promise<ReadinessReport> {
    const warmUp = this.warmUp;
    this.warmUp = undefined;
    warmUp?.();
    const [store, graphCredential] = await Promise.all([this.storeCheck(), this.credentialCheck()]);
    return { ready: store === 'ok' && graphCredential !== 'failed', checks: { store, graphCredential } };
  }

  private async storeCheck(): Promise<ReadinessReport['checks']['store']> {
    const answered = await withinTimeout(this.storage.read([PROBE_KEY]));
    return answered ? 'ok' : 'unreachable';
  }

  private async credentialCheck(): Promise<ReadinessReport['checks']['graphCredential']> {
    if (!this.graph) return 'not-used';
    // @azure/identity caches the token: after the first probe this asks Entra only when it is near expiry.
    const token = await withinTimeout(this.graph.credential.getToken(this.graph.scope));
    return token ? 'ok' : 'failed';
  }
}

/** The work's result, or null when it failed or took longer than a probe waits. */
async function withinTimeout<T>(work: Promise<T>): Promise<T | null> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<null>((resolve) => {
    timer = setTimeout(() => resolve(null), CHECK_TIMEOUT_MS);
  });
  try {
    return await Promise.race([work.catch(() => null), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
