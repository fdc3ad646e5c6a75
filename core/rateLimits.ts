import { randomUUID } from 'node:crypto';

/**
 * How many password resets the bot starts, per agent and per user, over sliding windows. A stolen agent
 * session, a confused agent or a social-engineering campaign against one person should meet a wall well
 * before it reaches the tenant; the Entra audit log alone would name only the bot.
 *
 * What counts: every reset the bot started, that is every confirmed click that passed the checks and reached
 * the password change, whatever Graph answered. It is counted before the change is sent, never refunded: an
 * "outcome unknown" reset may have applied, a refund would be a second write that can itself fail, and a run
 * of failing resets (a 403 probing what the bot may reach) is as much a reason to stop as a run of successful
 * ones. Refusals before the change (the rules, an unreachable private chat, a card already used) do not count.
 *
 * Windows slide: a limit of 10 per hour means at most 10 in any 60 minutes (a fixed clock hour would allow 20
 * across its boundary). The next slot frees when the oldest counted reset leaves the window.
 */
export interface RateLimitSettings {
  /** `RATE_LIMIT_RESETS_PER_AGENT_PER_HOUR`: resets one agent may start in any 60 minutes; 0: no limit. */
  perAgentPerHour: number;
  /** `RATE_LIMIT_RESETS_PER_TARGET_PER_DAY`: resets of one user in any 24 hours, by anyone; 0: no limit. */
  perTargetPerDay: number;
}

export const DEFAULT_RATE_LIMITS: RateLimitSettings = { perAgentPerHour: 10, perTargetPerDay: 3 };
export const NO_RATE_LIMITS: RateLimitSettings = { perAgentPerHour: 0, perTargetPerDay: 0 };

const HOUR_MS = 60 * 60 * 1000;
const DAY_MS = 24 * HOUR_MS;
/** The longest window a counter is read over: after it, a counter untouched since holds nothing that counts. */
export const LONGEST_RATE_LIMIT_WINDOW_MS = DAY_MS;

export type RateLimitName = 'per-agent' | 'per-target';

/** A limit that stopped a reset: which, how many, over what window, and when a slot frees. */
export interface RateLimitHit {
  limit: RateLimitName;
  max: number;
  windowMs: number;
  retryAt: Date;
}

export type RateLimitVerdict =
  | { allowed: true }
  | { allowed: false; hit: RateLimitHit }
  /** Others kept changing the same counter: nothing was counted, and the reset must not go ahead. */
  | { allowed: false; contended: true };

/** One counted reset: when, and an id so that an entry taken for a reset that did not go ahead can be given back. */
export interface CountedReset {
  id: string;
  at: string;
}

/** A counter as read: its entries and the store's version of it (null: no such counter yet). */
export interface RateCounter {
  key: string;
  entries: CountedReset[];
  version: string | null;
}

/**
 * The port a store of counters implements (`storage/keyValueRateCounterStore.ts`). `write` is conditional on
 * the version read, like `PendingActionStore.markUsed`: a counter changed since it was read is `'conflict'`,
 * never overwritten. See that adapter for the one write that cannot be conditional.
 */
export interface RateCounterStore {
  read(key: string): Promise<RateCounter>;
  write(read: RateCounter, entries: CountedReset[]): Promise<'written' | 'conflict'>;
}

/** Conflicting writes tried before giving up on a counter (and refusing the reset). */
const MAX_ATTEMPTS = 5;

/** The reset limits over a store of counters; `now` is injectable so that tests never sleep. */
export class ResetRateLimits {
  /** Counts on one key, one at a time within this instance: the store's eTags settle races between instances. */
  private readonly queues = new Map<string, Promise<unknown>>();

  constructor(
    private readonly store: RateCounterStore,
    readonly settings: RateLimitSettings,
    readonly now: () => Date = () => new Date(),
  ) {}

  /** Limits that count nothing and never refuse (for tests of everything else). */
  static off(store: RateCounterStore): ResetRateLimits {
    return new ResetRateLimits(store, NO_RATE_LIMITS);
  }

  /**
   * Would a reset by `requesterId` of `targetId` be allowed now? Reads only: the card is shown or not on this
   * answer, and the click takes its slot with `take`, which decides.
   */
  async check(requesterId: string, targetId: string): Promise<RateLimitVerdict> {
    for (const limit of this.limitsFor(requesterId, targetId)) {
      const counter = await this.store.read(limit.key);
      const hit = this.hitOf(limit, this.live(counter.entries, limit.windowMs));
      if (hit) return { allowed: false, hit };
    }
    return { allowed: true };
  }

  /**
   * Counts one reset against both limits, or none if either is reached: the agent's slot is taken first and
   * given back if the user's limit refuses. Decided by conditional writes, so two clicks racing for the last
   * slot cannot both pass.
   */
  async take(requesterId: string, targetId: string): Promise<RateLimitVerdict> {
    const taken: { key: string; id: string }[] = [];
    for (const limit of this.limitsFor(requesterId, targetId)) {
      const verdict = await this.serialised(limit.key, async () => this.takeOne(limit));
      if ('id' in verdict) {
        taken.push({ key: limit.key, id: verdict.id });
        continue;
      }
      for (const entry of taken) await this.serialised(entry.key, async () => this.giveBack(entry));
      return verdict;
    }
    return { allowed: true };
  }

  private limitsFor(requesterId: string, targetId: string): Limit[] {
    const limits: Limit[] = [
      {
        limit: 'per-agent',
        key: `agent/${requesterId.toLowerCase()}`,
        max: this.settings.perAgentPerHour,
        windowMs: HOUR_MS,
      },
      {
        limit: 'per-target',
        key: `target/${targetId.toLowerCase()}`,
        max: this.settings.perTargetPerDay,
        windowMs: DAY_MS,
      },
    ];
    return limits.filter((limit) => limit.max > 0);
  }

  private async takeOne(
    limit: Limit,
  ): Promise<{ id: string } | Exclude<RateLimitVerdict, { allowed: true }>> {
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt += 1) {
      const counter = await this.store.read(limit.key);
      const live = this.live(counter.entries, limit.windowMs);
      const hit = this.hitOf(limit, live);
      if (hit) return { allowed: false, hit };
      const entry = { id: randomUUID(), at: this.now().toISOString() };
      // Entries that left the window are dropped on the way: a counter holds at most `max` entries.
      if ((await this.store.write(counter, [...live, entry])) === 'written') return { id: entry.id };
    }
    return { allowed: false, contended: true };
  }

  /** Best effort: a slot not given back only makes the limit stricter. */
  private async giveBack(taken: { key: string; id: string }): Promise<void> {
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt += 1) {
      const counter = await this.store.read(taken.key);
      if (!counter.entries.some((entry) => entry.id === taken.id)) return;
      const rest = counter.entries.filter((entry) => entry.id !== taken.id);
      if ((await this.store.write(counter, rest)) === 'written') return;
    }
  }

  /** Entries still inside the window, oldest first. */
  private live(entries: CountedReset[], windowMs: number): CountedReset[] {
    const since = this.now().getTime() - windowMs;
    return entries
      .filter((entry) => Date.parse(entry.at) > since)
      .sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
  }

  private hitOf(limit: Limit, live: CountedReset[]): RateLimitHit | null {
    if (live.length < limit.max) return null;
    // The slot that frees first is the one held by the oldest of the last `max` resets.
    const oldestCounted = live[live.length - limit.max];
    return {
      limit: limit.limit,
      max: limit.max,
      windowMs: limit.windowMs,
      retryAt: new Date(Date.parse(oldestCounted.at) + limit.windowMs),
    };
  }

  private async serialised<T>(key: string, work: () => Promise<T>): Promise<T> {
    const before = this.queues.get(key) ?? Promise.resolve();
    const run = before.then(work, work);
    const settled = run.catch(() => undefined);
    this.queues.set(key, settled);
    try {
      return await run;
    } finally {
      if (this.queues.get(key) === settled) this.queues.delete(key);
    }
  }
}

interface Limit {
  limit: RateLimitName;
  key: string;
  max: number;
  windowMs: number;
}
