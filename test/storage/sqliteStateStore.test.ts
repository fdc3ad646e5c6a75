import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import Database from 'better-sqlite3';
import { SqliteStateStore, StateFileUnusable } from '../../storage/sqliteStateStore';
import type { AuditRecord } from '../../storage/stateStore';
import { race, raceKeys, updateETagsOf, type RacerReport } from '../support/sqliteStoreRacer';
import { CONTRACT_LIFETIMES, describeStateStoreContract } from './stateStoreContract';

const RACER = join(__dirname, '..', 'support', 'sqliteStoreRacer.js');
const DAY_MS = 24 * 60 * 60 * 1000;

const folders: string[] = [];

/** A fresh folder under the system's temp folder, removed after this file's tests. */
function freshFolder(): string {
  const folder = mkdtempSync(join(tmpdir(), 'sqlite-store-'));
  folders.push(folder);
  return folder;
}

/** A path for a state file whose data folder does not exist yet. */
function freshFile(): string {
  return join(freshFolder(), 'data', 'state.sqlite');
}

function record(at: string, targetId: string): AuditRecord {
  return { at, event: { action: 'reset-succeeded', requesterAadObjectId: 'agent-1', targetId } };
}

async function outcomeOf(write: Promise<void>): Promise<'written' | 'conflict'> {
  try {
    await write;
    return 'written';
  } catch (error) {
    if ((error as { statusCode?: unknown }).statusCode === 412) return 'conflict';
    throw error;
  }
}

function unusableError(file: string, reason: RegExp): (error: unknown) => boolean {
  return (error) => {
    assert.ok(error instanceof StateFileUnusable, String(error));
    assert.ok(error.message.includes(file), error.message);
    assert.match(error.message, reason);
    return true;
  };
}

after(() => {
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
});

describeStateStoreContract('SqliteStateStore', {
  open: () => Promise.resolve(new SqliteStateStore({ file: freshFile(), lifetimeOf: CONTRACT_LIFETIMES })),
});

describe('SqliteStateStore: what is its own', () => {
  it('keeps records, eTags and the audit trail across a close and a reopen', async () => {
    const file = freshFile();
    const first = new SqliteStateStore({ file, lifetimeOf: CONTRACT_LIFETIMES });
    await first.write({ 'dialog/1': { step: 2, answers: ['a'] } });
    await first.audit.append(record('2026-12-02T09:00:00.000Z', 'kept'));
    const written = (await first.read(['dialog/1']))['dialog/1'];
    await first.close();

    const second = new SqliteStateStore({ file, lifetimeOf: CONTRACT_LIFETIMES });
    try {
      assert.deepEqual((await second.read(['dialog/1']))['dialog/1'], written);
      assert.deepEqual(await second.audit.list(new Date(0), new Date('2027-01-01T00:00:00.000Z')), [
        record('2026-12-02T09:00:00.000Z', 'kept'),
      ]);
    } finally {
      await second.close();
    }
  });

  it('lets exactly one of 20 racing creates, and one of 20 racing conditional writes, win across two store objects on one file', async () => {
    const file = freshFile();
    const stores = [0, 1].map(() => new SqliteStateStore({ file, lifetimeOf: CONTRACT_LIFETIMES }));
    const [one, other] = stores as [SqliteStateStore, SqliteStateStore];
    try {
      const creates = await Promise.all(
        Array.from({ length: 20 }, (_, n) =>
          outcomeOf((n % 2 ? one : other).write({ 'race/create': { n, eTag: `try-${n}` } })),
        ),
      );
      assert.equal(creates.filter((outcome) => outcome === 'written').length, 1);
      assert.equal((await other.read(['race/create']))['race/create']?.n, creates.indexOf('written'));

      await one.write({ 'race/update': { n: -1 } });
      const eTag = (await other.read(['race/update']))['race/update']?.eTag;
      const updates = await Promise.all(
        Array.from({ length: 20 }, (_, n) =>
          outcomeOf((n % 2 ? other : one).write({ 'race/update': { n, eTag } })),
        ),
      );
      assert.equal(updates.filter((outcome) => outcome === 'written').length, 1);
      assert.equal((await one.read(['race/update']))['race/update']?.n, updates.indexOf('written'));
    } finally {
      await Promise.all(stores.map((store) => store.close()));
    }
  });

  describe('with a second process on the same file', () => {
    let child: ChildProcess | undefined;

    afterEach(() => {
      child?.kill();
      child = undefined;
    });

    it('lets exactly one process win each of 20 rounds of a create and a conditional write', async () => {
      const rounds = 20;
      const file = freshFile();
      const store = new SqliteStateStore({ file, lifetimeOf: CONTRACT_LIFETIMES });
      try {
        await store.write(
          Object.fromEntries(
            Array.from({ length: rounds }, (_, round) => [raceKeys(round).update, { by: 'nobody' }]),
          ),
        );
        const eTags = await updateETagsOf(store, rounds);

        const racer = spawn(process.execPath, [RACER, file, 'child', String(rounds)], {
          stdio: ['pipe', 'pipe', 'inherit'],
        });
        child = racer;
        const lines = createInterface({ input: racer.stdout })[Symbol.asyncIterator]();
        assert.equal((await lines.next()).value, 'ready');
        const startAt = Date.now() + 200;
        racer.stdin.write(`${startAt}\n`);
        const mine = await race(store, 'parent', eTags, startAt);
        const theirs = JSON.parse(String((await lines.next()).value)) as RacerReport;

        const stored = await store.read(
          Array.from({ length: rounds }, (_, round) => Object.values(raceKeys(round))).flat(),
        );
        for (let round = 0; round < rounds; round += 1) {
          const keys = raceKeys(round);
          for (const [kind, key] of [
            ['creates', keys.create],
            ['updates', keys.update],
          ] as const) {
            const outcomes = [mine[kind][round], theirs[kind][round]];
            assert.equal(
              outcomes.filter((outcome) => outcome === 'written').length,
              1,
              `${key}: ${outcomes.join(', ')}`,
            );
            const winner = mine[kind][round] === 'written' ? 'parent' : 'child';
            assert.equal(stored[key]?.by, winner, key);
          }
        }
      } finally {
        await store.close();
      }
    });
  });

  it('hides a record whose lifetime has ended from read before sweep removes it, and creates over it', async () => {
    let now = new Date('2026-12-02T09:00:00.000Z');
    const file = freshFile();
    const store = new SqliteStateStore({ file, lifetimeOf: CONTRACT_LIFETIMES, now: () => now });
    try {
      await store.write({ 'short/pending': { n: 1 } });
      now = new Date('2026-12-02T09:00:00.999Z');
      assert.equal((await store.read(['short/pending']))['short/pending']?.n, 1);

      now = new Date('2026-12-02T09:00:01.000Z');
      assert.deepEqual(await store.read(['short/pending']), {});
      const raw = new Database(file, { readonly: true });
      try {
        assert.deepEqual(raw.prepare('SELECT key FROM records').all(), [{ key: 'short/pending' }]);
      } finally {
        raw.close();
      }

      await store.write({ 'short/pending': { n: 2, eTag: 'a-fresh-create' } });
      assert.equal((await store.read(['short/pending']))['short/pending']?.n, 2);
      assert.equal(await store.sweep(new Date('2026-12-02T09:00:01.999Z')), 0);
      assert.equal(await store.sweep(new Date('2026-12-02T09:00:02.000Z')), 1);
    } finally {
      await store.close();
    }
  });

  describe('the audit table', () => {
    let file: string;
    let store: SqliteStateStore;
    let raw: Database.Database;

    beforeEach(async () => {
      file = freshFile();
      store = new SqliteStateStore({ file, lifetimeOf: CONTRACT_LIFETIMES });
      await store.audit.append(record('2025-01-01T00:00:00.000Z', 'old'));
      raw = new Database(file);
    });

    afterEach(async () => {
      raw.close();
      await store.close();
    });

    async function targets(): Promise<(string | undefined)[]> {
      const listed = await store.audit.list(new Date(0), new Date('2027-01-01T00:00:00.000Z'));
      return listed.map((entry) => entry.event.targetId);
    }

    it('refuses an UPDATE through raw SQL', async () => {
      assert.throws(() => raw.prepare("UPDATE audit SET event = '{}'").run(), /append-only/);
      assert.throws(() => raw.prepare('UPDATE audit SET at_ms = 0').run(), /append-only/);
      assert.deepEqual(await targets(), ['old']);
    });

    it('refuses a DELETE, or a REPLACE, through raw SQL, however old the record', async () => {
      assert.throws(() => raw.prepare('DELETE FROM audit').run(), /append-only/);
      assert.throws(
        () =>
          raw
            .prepare(
              "INSERT OR REPLACE INTO audit (seq, at_ms, at, event) SELECT seq, 0, 'x', '{}' FROM audit",
            )
            .run(),
        /append-only/,
      );
      assert.deepEqual(await targets(), ['old']);
      assert.equal(await store.audit.removeOlderThan(new Date('2026-01-01T00:00:00.000Z')), 1);
      assert.deepEqual(raw.prepare('SELECT * FROM audit_removal_cutoff').all(), []);
    });

    it('finds a time range through an index on the time', () => {
      const plan = raw
        .prepare(
          'EXPLAIN QUERY PLAN SELECT at, event FROM audit WHERE at_ms >= ? AND at_ms < ? ORDER BY at_ms, seq',
        )
        .all(0, 1) as { detail: string }[];
      assert.match(
        plan.map((step) => step.detail).join('\n'),
        /SEARCH audit USING INDEX audit_by_time \(at_ms>\? AND at_ms<\?\)/,
      );
    });
  });

  it('creates its data folder 0700 and the file 0600, and SQLite gives its WAL file the same mode', async () => {
    const file = freshFile();
    const store = new SqliteStateStore({ file, lifetimeOf: CONTRACT_LIFETIMES });
    try {
      await store.write({ 'item/a': { n: 1 } });
      assert.equal((statSync(join(file, '..')).mode & 0o777).toString(8), '700');
      assert.equal((statSync(file).mode & 0o777).toString(8), '600');
      assert.equal((statSync(`${file}-wal`).mode & 0o777).toString(8), '600');
    } finally {
      await store.close();
    }
  });

  it('refuses, naming the file, a path it cannot open or create', () => {
    const folder = freshFolder();
    const aFolder = join(folder, 'a-folder');
    mkdirSync(aFolder);
    assert.throws(
      () => new SqliteStateStore({ file: aFolder, lifetimeOf: CONTRACT_LIFETIMES }),
      unusableError(aFolder, /EISDIR/),
    );

    const underAFile = join(folder, 'a-file', 'state.sqlite');
    writeFileSync(join(folder, 'a-file'), 'not a folder');
    assert.throws(
      () => new SqliteStateStore({ file: underAFile, lifetimeOf: CONTRACT_LIFETIMES }),
      unusableError(underAFile, /EEXIST|ENOTDIR/),
    );
  });

  it('refuses, naming the file, a file that is not a database', () => {
    const file = join(freshFolder(), 'notes.txt');
    writeFileSync(file, 'these are notes, not a database; '.repeat(100));
    assert.throws(
      () => new SqliteStateStore({ file, lifetimeOf: CONTRACT_LIFETIMES }),
      unusableError(file, /not a database/),
    );
  });

  it('refuses, naming the file, a file of a newer schema version, and leaves it as it was', async () => {
    const file = freshFile();
    await new SqliteStateStore({ file, lifetimeOf: CONTRACT_LIFETIMES }).close();
    const raw = new Database(file);
    try {
      raw.pragma('user_version = 2');
      assert.throws(
        () => new SqliteStateStore({ file, lifetimeOf: CONTRACT_LIFETIMES }),
        unusableError(
          file,
          /schema is version 2, written by a newer version of the bot \(this one knows up to 1\)/,
        ),
      );
      assert.equal(raw.pragma('user_version', { simple: true }), 2);
    } finally {
      raw.close();
    }
  });

  it('refuses a lifetime that is not a whole number of milliseconds, writing nothing of the batch', async () => {
    const store = new SqliteStateStore({
      file: freshFile(),
      lifetimeOf: (key) => (key.startsWith('broken/') ? Number.POSITIVE_INFINITY : DAY_MS),
    });
    try {
      await assert.rejects(
        store.write({ 'fine/a': { n: 1 }, 'broken/b': { n: 2 } }),
        /lifetime of "broken\/b"/,
      );
      assert.deepEqual(await store.read(['fine/a', 'broken/b']), {});
    } finally {
      await store.close();
    }
  });
});
