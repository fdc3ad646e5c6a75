import assert from 'node:assert/strict';
import { CallLog, type RecordedCall } from '../../simulator/control/callLog';

const call = (n: number): RecordedCall => ({
  time: new Date(n).toISOString(),
  startedAt: n,
  endedAt: n,
  method: 'GET',
  path: `/v1.0/users/${n}`,
  query: '',
  caller: null,
  status: 200,
  viaBatch: false,
  requestId: String(n),
});

describe('simulator: the call log', () => {
  it('keeps the last 10,000 calls, oldest first, however many arrive', () => {
    const log = new CallLog();
    for (let n = 1; n <= 25_003; n++) log.record(call(n));
    const kept = log.list().map((c) => c.startedAt);
    assert.equal(kept.length, 10_000);
    assert.equal(kept[0], 15_004);
    assert.equal(kept.at(-1), 25_003);
    assert.ok(
      kept.every((n, i) => i === 0 || n === (kept[i - 1] ?? 0) + 1),
      'in order',
    );
  });

  it('starts afresh when cleared', () => {
    const log = new CallLog();
    for (let n = 1; n <= 10_005; n++) log.record(call(n));
    log.clear();
    log.record(call(1));
    log.record(call(2));
    assert.deepEqual(
      log.list().map((c) => c.startedAt),
      [1, 2],
    );
  });
});
