import { MemoryStorage } from 'botbuilder';
import { ResetRateLimits, type RateLimitSettings } from '../../core/rateLimits';
import { KeyValueRateCounterStore } from '../../storage/keyValueRateCounterStore';

/** A clock a test moves by hand, so that no test waits for a window to pass. */
export class ManualClock {
  constructor(private current: Date = new Date('2026-03-02T09:00:00Z')) {}

  readonly now = (): Date => new Date(this.current.getTime());

  advance(ms: number): void {
    this.current = new Date(this.current.getTime() + ms);
  }
}

/** Reset limits over an in-memory Bot Framework store, as `bot/app.ts` wires them. */
export function rateLimits(settings: RateLimitSettings, clock = new ManualClock()): ResetRateLimits {
  return new ResetRateLimits(new KeyValueRateCounterStore(new MemoryStorage()), settings, clock.now);
}

/** For tests of everything else: counts nothing and never refuses. */
export function noRateLimits(): ResetRateLimits {
  return rateLimits({ perAgentPerHour: 0, perTargetPerDay: 0 });
}
