import assert from 'node:assert/strict';
import { createLogger } from '../../bot/logger';
import { StoreUpkeep } from '../../bot/storeUpkeep';
import { LogCapture } from '../support/logCapture';
import { MemoryStateStore } from '../support/memoryStateStore';

const DAY_MS = 24 * 60 * 60 * 1000;

describe('StoreUpkeep', () => {
  it('removes expired records and audit records past the retention, and logs how many', async () => {
    let now = new Date('2026-12-02T09:00:00.000Z');
    const store = new MemoryStateStore(undefined, () => now);
    await store.write({ 'pending-actions/a': { n: 1 } });
    await store.audit.append({
      at: '2025-10-01T00:00:00.000Z',
      event: { action: 'reset-succeeded', requesterAadObjectId: 'x' },
    });
    await store.audit.append({
      at: '2026-11-01T00:00:00.000Z',
      event: { action: 'reset-succeeded', requesterAadObjectId: 'y' },
    });
    const logs = new LogCapture();
    const upkeep = new StoreUpkeep(store, 400, createLogger('info', logs), () => now);

    await upkeep.sweepOnce();
    assert.equal(store.size, 1, 'a card record 0 minutes old stays');
    assert.deepEqual(
      store.auditRecords.map((record) => record.event.requesterAadObjectId),
      ['y'],
    );

    now = new Date(now.getTime() + DAY_MS);
    await upkeep.sweepOnce();
    assert.equal(store.size, 0);
    assert.match(logs.text, /"expiredRecords":0,"expiredAuditRecords":1/);
    assert.match(logs.text, /"expiredRecords":1,"expiredAuditRecords":0/);
  });

  it('logs a failed sweep and goes on', async () => {
    const logs = new LogCapture();
    const failing = {
      sweep: () => Promise.reject(new Error('ECONNREFUSED')),
      audit: { removeOlderThan: () => Promise.resolve(0) },
    };
    const upkeep = new StoreUpkeep(failing, 400, createLogger('info', logs));
    await upkeep.sweepOnce();
    assert.match(logs.text, /store sweep failed; trying again later/);
  });

  it('sweeps at start, then on its interval, until stopped', async () => {
    let sweeps = 0;
    const counting = {
      sweep: () => Promise.resolve(++sweeps && 0),
      audit: { removeOlderThan: () => Promise.resolve(0) },
    };
    const upkeep = new StoreUpkeep(counting, 400, createLogger('silent'));
    upkeep.start(5);
    await new Promise((resolve) => setTimeout(resolve, 60));
    await upkeep.stop();
    const stoppedAt = sweeps;
    assert.ok(stoppedAt >= 2, `swept ${stoppedAt} times`);
    await new Promise((resolve) => setTimeout(resolve, 30));
    assert.equal(sweeps, stoppedAt, 'no sweep after stop');
  });
});
