import assert from 'node:assert/strict';
import { MemoryStorage } from 'botbuilder';
import {
  ResetRateLimits,
  type RateCounter,
  type RateCounterStore,
  type RateLimitVerdict,
} from '../../core/rateLimits';
import { KeyValueRateCounterStore } from '../../storage/keyValueRateCounterStore';
import { ManualClock } from '../support/rateLimits';

const ALEX = 'e1a00000-0000-4000-8000-000000000001';
const MIRIAM = 'e1a00000-0000-4000-8000-00000000000e';
const MEGAN = 'e1a00000-0000-4000-8000-000000000002';
const ADELE = 'e1a00000-0000-4000-8000-000000000003';
const MINUTE = 60 * 1000;
const HOUR = 60 * MINUTE;

function hitOf(verdict: RateLimitVerdict) {
  assert.equal(verdict.allowed, false);
  assert.ok('hit' in verdict, 'expected a limit to be hit');
  return verdict.hit;
}

/** Each reset of a different user, so that only the agent's limit can refuse. */
function targetNumber(n: number): string {
  return `e1a00000-0000-4000-9000-${n.toString(16).padStart(12, '0')}`;
}

describe('ResetRateLimits', () => {
  let clock: ManualClock;
  let storage: MemoryStorage;
  const limits = (perAgentPerHour: number, perTargetPerDay: number) =>
    new ResetRateLimits(
      new KeyValueRateCounterStore(storage),
      { perAgentPerHour, perTargetPerDay },
      clock.now,
    );

  beforeEach(() => {
    clock = new ManualClock();
    storage = new MemoryStorage();
  });

  it('lets an agent start as many resets as the hourly limit allows, then refuses with when a slot frees', async () => {
    const sut = limits(3, 0);
    for (let n = 0; n < 3; n += 1) {
      assert.deepEqual(await sut.take(ALEX, targetNumber(n)), { allowed: true });
      clock.advance(10 * MINUTE);
    }

    const hit = hitOf(await sut.take(ALEX, targetNumber(9)));
    assert.equal(hit.limit, 'per-agent');
    assert.equal(hit.max, 3);
    // The first reset was 30 minutes ago: its slot frees 30 minutes from now.
    assert.equal(hit.retryAt.getTime(), clock.now().getTime() + 30 * MINUTE);
    assert.deepEqual(hitOf(await sut.check(ALEX, targetNumber(9))), hit);
  });

  it('slides the window: a slot frees when the oldest reset is an hour old, not at the top of the hour', async () => {
    const sut = limits(2, 0);
    await sut.take(ALEX, targetNumber(1));
    clock.advance(40 * MINUTE);
    await sut.take(ALEX, targetNumber(2));

    clock.advance(19 * MINUTE);
    assert.equal((await sut.take(ALEX, targetNumber(3))).allowed, false);
    clock.advance(1 * MINUTE + 1);
    assert.deepEqual(await sut.take(ALEX, targetNumber(3)), { allowed: true });
    assert.equal((await sut.take(ALEX, targetNumber(4))).allowed, false, 'two in the last 60 minutes');
  });

  it("counts a user's resets by any agent against the daily limit", async () => {
    const sut = limits(0, 2);
    await sut.take(ALEX, MEGAN);
    clock.advance(5 * HOUR);
    await sut.take(MIRIAM, MEGAN);

    const hit = hitOf(await sut.take(ALEX, MEGAN));
    assert.equal(hit.limit, 'per-target');
    assert.equal(hit.retryAt.getTime(), clock.now().getTime() + 19 * HOUR);
    assert.deepEqual(await sut.take(ALEX, ADELE), { allowed: true }, 'other users are not affected');
    clock.advance(19 * HOUR + 1);
    assert.deepEqual(await sut.take(ALEX, MEGAN), { allowed: true });
  });

  it('gives the agent their slot back when the user limit refuses, so a refused reset costs nothing', async () => {
    const sut = limits(2, 1);
    await sut.take(MIRIAM, MEGAN);

    assert.equal(hitOf(await sut.take(ALEX, MEGAN)).limit, 'per-target');
    assert.equal(hitOf(await sut.take(ALEX, MEGAN)).limit, 'per-target');
    assert.deepEqual(await sut.take(ALEX, ADELE), { allowed: true });
    assert.deepEqual(await sut.take(ALEX, targetNumber(1)), { allowed: true }, 'both slots were still free');
  });

  it('checks without counting: a card shown is not a reset', async () => {
    const sut = limits(1, 1);
    for (let n = 0; n < 5; n += 1) assert.deepEqual(await sut.check(ALEX, MEGAN), { allowed: true });
    assert.deepEqual(await sut.take(ALEX, MEGAN), { allowed: true });
  });

  it('counts nothing and refuses nothing when both limits are 0 (off)', async () => {
    const sut = limits(0, 0);
    for (let n = 0; n < 50; n += 1) assert.deepEqual(await sut.take(ALEX, MEGAN), { allowed: true });
    assert.deepEqual(await storage.read(['rate-limits/agent/' + ALEX, 'rate-limits/target/' + MEGAN]), {});
  });

  it('lets only one of many clicks racing for the last slot through, within one instance', async () => {
    const sut = limits(0, 3);
    await sut.take(ALEX, MEGAN);
    await sut.take(ALEX, MEGAN);

    const verdicts = await Promise.all(Array.from({ length: 8 }, async () => sut.take(MIRIAM, MEGAN)));
    assert.equal(verdicts.filter((verdict) => verdict.allowed).length, 1);
  });

  it('lets only one of many clicks through on a counter not yet created, within one instance (serialised)', async () => {
    // A store cannot create an item only if it is absent: without serialising, all eight would create it.
    const sut = limits(0, 1);

    const verdicts = await Promise.all(Array.from({ length: 8 }, async () => sut.take(MIRIAM, MEGAN)));
    assert.equal(verdicts.filter((verdict) => verdict.allowed).length, 1);
  });

  it('lets only one of two instances sharing a store take the last slot (eTag-conditional writes)', async () => {
    const first = limits(0, 2);
    const second = limits(0, 2);
    await first.take(ALEX, MEGAN);

    const verdicts = await Promise.all([
      first.take(ALEX, MEGAN),
      second.take(MIRIAM, MEGAN),
      first.take(MIRIAM, MEGAN),
      second.take(ALEX, MEGAN),
    ]);
    assert.equal(verdicts.filter((verdict) => verdict.allowed).length, 1);
  });

  it('lets only one of two instances take the only slot of a counter neither has created yet (atomic create)', async () => {
    const first = limits(0, 1);
    const second = limits(0, 1);

    const verdicts = await Promise.all([first.take(ALEX, MEGAN), second.take(MIRIAM, MEGAN)]);
    assert.equal(verdicts.filter((verdict) => verdict.allowed).length, 1);
  });

  it('refuses, counting nothing, when every write keeps losing a race', async () => {
    const inner = new KeyValueRateCounterStore(storage);
    const alwaysRaced: RateCounterStore = {
      read: async (key) => inner.read(key),
      write: async (_read: RateCounter) => Promise.resolve('conflict' as const),
    };
    const sut = new ResetRateLimits(alwaysRaced, { perAgentPerHour: 5, perTargetPerDay: 5 }, clock.now);

    assert.deepEqual(await sut.take(ALEX, MEGAN), { allowed: false, contended: true });
  });
});
