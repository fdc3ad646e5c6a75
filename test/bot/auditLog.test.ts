import assert from 'node:assert/strict';
import { RecordedAuditLog } from '../../bot/auditLog';
import { createLogger } from '../../bot/logger';
import type { AuditEvent } from '../../core/audit';
import { LogCapture } from '../support/logCapture';
import { MemoryStateStore } from '../support/memoryStateStore';

const EVENT: AuditEvent = {
  action: 'reset-succeeded',
  requesterAadObjectId: 'e1a00000-0000-4000-8000-000000000001',
  targetId: 'e1a00000-0000-4000-8000-000000000002',
};
const NOW = new Date('2026-12-02T09:00:00.000Z');

describe('RecordedAuditLog', () => {
  it('logs each event at once as an audit line and appends it, stamped, to the trail', async () => {
    const logs = new LogCapture();
    const store = new MemoryStateStore();
    const audit = new RecordedAuditLog(createLogger('info', logs), store.audit, () => NOW);

    audit.record(EVENT);
    assert.match(logs.text, /"audit":true.*"action":"reset-succeeded"/);
    await audit.flush();
    assert.deepEqual(store.auditRecords, [{ at: NOW.toISOString(), event: EVENT }]);
  });

  it('never throws when the trail refuses a record, and logs which record the trail lacks', async () => {
    const logs = new LogCapture();
    const refusing = {
      append: () => Promise.reject(new Error('503 ServerBusy')),
      list: () => Promise.resolve([]),
      removeOlderThan: () => Promise.resolve(0),
    };
    const audit = new RecordedAuditLog(createLogger('info', logs), refusing, () => NOW);

    assert.doesNotThrow(() => audit.record(EVENT));
    await audit.flush();
    assert.match(logs.text, /"auditAction":"reset-succeeded".*"msg":"audit record not stored"/);
  });

  it('flush waits for every append still under way', async () => {
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    const appended: string[] = [];
    const slow = {
      append: async () => {
        await held;
        appended.push('stored');
      },
      list: () => Promise.resolve([]),
      removeOlderThan: () => Promise.resolve(0),
    };
    const audit = new RecordedAuditLog(createLogger('silent'), slow, () => NOW);
    audit.record(EVENT);
    audit.record(EVENT);
    const flushed = audit.flush();
    setImmediate(release);
    await flushed;
    assert.deepEqual(appended, ['stored', 'stored']);
  });
});
