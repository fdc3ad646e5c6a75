import assert from 'node:assert/strict';
import { formatAuditRecords, parseSince } from '../../bot/auditReport';
import type { AuditRecord } from '../../core/audit';

const RECORDS: AuditRecord[] = [
  {
    at: '2026-12-02T09:00:00.000Z',
    event: {
      action: 'reset-succeeded',
      requesterAadObjectId: 'e1a00000-0000-4000-8000-000000000001',
      targetId: 'e1a00000-0000-4000-8000-000000000002',
      targetUserPrincipalName: 'meganb@contoso.com',
      resetAs: 'bot',
      sessions: 'revoked',
      passwordDelivery: 'delivered',
      callerVerification: 'video-call-id',
      ticketReference: 'INC-1042',
    },
  },
  {
    at: '2026-12-02T09:05:00.000Z',
    event: {
      action: 'reset-refused',
      requesterAadObjectId: 'e1a00000-0000-4000-8000-000000000001',
      targetUserPrincipalName: '=HYPERLINK("http://evil")\u001b[31m',
      reason: 'protected-account',
    },
  },
];

describe('npm run audit: formats', () => {
  it('prints a table of the columns some record fills, one line per record, and the count', () => {
    const table = formatAuditRecords(RECORDS, 'table');
    const lines = table.trimEnd().split('\n');
    assert.match(lines[0] ?? '', /^at\s+action\s+requester\s+target\s+targetId\s+reason\s+resetAs/);
    assert.doesNotMatch(lines[0] ?? '', /graphRequestId/, 'a column no record fills is left out');
    assert.match(lines[2] ?? '', /2026-12-02T09:00:00.000Z\s+reset-succeeded.*meganb@contoso\.com.*INC-1042/);
    assert.equal(lines.at(-1), '2 records');
    assert.ok(!table.includes('\u001b'), 'a control character from Graph never reaches the terminal');
  });

  it('says so when the period holds nothing', () => {
    assert.equal(formatAuditRecords([], 'table'), 'No audit records in that period.\n');
  });

  it('writes every stored field as JSON', () => {
    assert.deepEqual(JSON.parse(formatAuditRecords(RECORDS, 'json')), RECORDS);
  });

  it('writes RFC 4180 CSV with a header, and a would-be formula as text', () => {
    const csv = formatAuditRecords(RECORDS, 'csv').trimEnd().split('\n');
    assert.equal(csv.length, 3);
    assert.match(csv[0] ?? '', /^at,action,requester,target,targetId,reason,resetAs,sessions/);
    assert.match(csv[1] ?? '', /^2026-12-02T09:00:00.000Z,reset-succeeded,e1a0.*,meganb@contoso.com,/);
    assert.match(csv[2] ?? '', /,"'=HYPERLINK\(""http:\/\/evil""\)/);
  });

  it('reads --since as a duration back from now or as a date, and nothing else', () => {
    const now = new Date('2026-12-02T12:00:00.000Z');
    assert.equal(parseSince('24h', now)?.toISOString(), '2026-12-01T12:00:00.000Z');
    assert.equal(parseSince('30m', now)?.toISOString(), '2026-12-02T11:30:00.000Z');
    assert.equal(parseSince('7d', now)?.toISOString(), '2026-11-25T12:00:00.000Z');
    assert.equal(parseSince('2026-12-01T08:00Z', now)?.toISOString(), '2026-12-01T08:00:00.000Z');
    for (const bad of ['yesterday', '24', '-1h', '2026-13-45', '1w', ''])
      assert.equal(parseSince(bad, now), null, bad);
  });
});
