import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { StoreUnavailable } from '../../core/errors';
import { blobFailure, StoreTimeout } from '../../storage/blobRequests';
import { SqliteStateStore, sqliteFailure } from '../../storage/sqliteStateStore';
import { StoreConflict } from '../../storage/stateStore';

/** An error as `@azure/core-rest-pipeline` throws it: a `RestError`, with a status when the service answered. */
function restError(fields: { code?: string; statusCode?: number }): Error {
  return Object.assign(new Error('the SDK message, which may name the account'), {
    name: 'RestError',
    ...fields,
  });
}

/** An error as better-sqlite3 throws it (`SqliteError`, with SQLite's result code). */
function sqliteError(code: string): Error {
  return Object.assign(new Error('the file path, perhaps'), { name: 'SqliteError', code });
}

describe('which store failures are an outage (StoreUnavailable)', () => {
  describe('Blob Storage', () => {
    const cases: Array<[string, unknown, { failure: string; code?: string; statusCode?: number } | 'as is']> =
      [
        [
          'a refused connection',
          restError({ code: 'ECONNREFUSED' }),
          { failure: 'unreachable', code: 'ECONNREFUSED' },
        ],
        [
          'a reset connection',
          restError({ code: 'ECONNRESET' }),
          { failure: 'unreachable', code: 'ECONNRESET' },
        ],
        [
          'a request that could not be sent',
          restError({ code: 'REQUEST_SEND_ERROR' }),
          { failure: 'unreachable', code: 'REQUEST_SEND_ERROR' },
        ],
        [
          '500 after the retries',
          restError({ statusCode: 500, code: 'InternalError' }),
          { failure: 'server-error', code: 'InternalError', statusCode: 500 },
        ],
        [
          '503 ServerBusy',
          restError({ statusCode: 503, code: 'ServerBusy' }),
          { failure: 'server-error', code: 'ServerBusy', statusCode: 503 },
        ],
        ['a conflict', new StoreConflict('pending-actions/x'), 'as is'],
        ['412 ConditionNotMet', restError({ statusCode: 412, code: 'ConditionNotMet' }), 'as is'],
        ['409 BlobAlreadyExists', restError({ statusCode: 409, code: 'BlobAlreadyExists' }), 'as is'],
        [
          '403: a wrong key is a misconfiguration, not an outage',
          restError({ statusCode: 403, code: 'AuthenticationFailed' }),
          'as is',
        ],
        ['404 ContainerNotFound', restError({ statusCode: 404, code: 'ContainerNotFound' }), 'as is'],
        ['a bug', new TypeError('x is undefined'), 'as is'],
      ];
    for (const [name, error, expected] of cases) {
      it(`${name}: ${expected === 'as is' ? 'passed on as it is' : expected.failure}`, () => {
        const mapped = blobFailure(error);
        if (expected === 'as is') {
          assert.equal(mapped, error);
          return;
        }
        assert.ok(mapped instanceof StoreUnavailable);
        assert.deepEqual(
          { store: mapped.store, failure: mapped.failure, code: mapped.code, statusCode: mapped.statusCode },
          { store: 'blob', code: undefined, statusCode: undefined, ...expected },
        );
        assert.equal(mapped.cause, error, 'the cause is kept for code, never shown');
        assert.doesNotMatch(mapped.message, /account/, 'the SDK message is not repeated');
      });
    }

    it('a call that took too long is a StoreTimeout, which is an outage', () => {
      const timeout = new StoreTimeout('read', 3_000);
      assert.ok(timeout instanceof StoreUnavailable);
      assert.equal(timeout.failure, 'timeout');
      assert.equal(blobFailure(timeout), timeout);
    });
  });

  describe('SQLite', () => {
    const cases: Array<[string, string | undefined]> = [
      ['SQLITE_BUSY', 'busy'],
      ['SQLITE_BUSY_SNAPSHOT', 'busy'],
      ['SQLITE_IOERR', 'io-error'],
      ['SQLITE_IOERR_WRITE', 'io-error'],
      ['SQLITE_CANTOPEN', 'cannot-open'],
      ['SQLITE_READONLY', 'read-only'],
      ['SQLITE_READONLY_DBMOVED', 'read-only'],
      ['SQLITE_FULL', 'full'],
      ['SQLITE_CONSTRAINT_PRIMARYKEY', undefined],
      ['SQLITE_ERROR', undefined],
      ['SQLITE_CORRUPT', undefined],
      ['SQLITE_BUSYNESS', undefined],
    ];
    for (const [code, failure] of cases) {
      it(`${code}: ${failure ?? 'passed on as it is'}`, () => {
        const error = sqliteError(code);
        const mapped = sqliteFailure(error);
        if (failure === undefined) {
          assert.equal(mapped, error);
          return;
        }
        assert.ok(mapped instanceof StoreUnavailable);
        assert.deepEqual(
          { store: mapped.store, failure: mapped.failure, code: mapped.code },
          { store: 'sqlite', failure, code },
        );
      });
    }

    it('a write that waits too long for another process holding the file is an outage (SQLITE_BUSY)', async () => {
      const folder = mkdtempSync(join(tmpdir(), 'sqlite-busy-'));
      const file = join(folder, 'state.sqlite');
      const store = new SqliteStateStore({ file, lifetimeOf: () => 60_000, busyTimeoutMs: 50 });
      const otherProcess = new Database(file);
      try {
        await store.write({ 'item/a': { n: 1 } });
        otherProcess.prepare('BEGIN IMMEDIATE').run();
        await assert.rejects(store.write({ 'item/a': { n: 2 } }), (error: unknown) => {
          assert.ok(error instanceof StoreUnavailable, String(error));
          assert.deepEqual([error.store, error.failure, error.code], ['sqlite', 'busy', 'SQLITE_BUSY']);
          return true;
        });
        otherProcess.prepare('ROLLBACK').run();
        await store.write({ 'item/a': { n: 3 } });
        assert.equal(
          (await store.read(['item/a']))['item/a']?.n,
          3,
          'it works again once the lock is released',
        );
      } finally {
        otherProcess.close();
        await store.close();
        rmSync(folder, { recursive: true, force: true });
      }
    });
  });
});
