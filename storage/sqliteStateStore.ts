import { randomUUID } from 'node:crypto';
import { closeSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { type StoreFailure, StoreUnavailable } from '../core/errors';
import {
  StoreConflict,
  type AuditRecord,
  type AuditTrail,
  type RecordLifetimes,
  type StateStore,
  type StoredItem,
} from './stateStore';

export interface SqliteStateStoreOptions {
  /** The database file; its folder is created (0700) and the file too (0600) when missing. */
  file: string;
  lifetimeOf: RecordLifetimes;
  /** The clock that dates writes and hides expired records; tests inject one. */
  now?: () => Date;
  /** How long a write waits for another connection's lock (see `BUSY_TIMEOUT_MS`); tests shorten it. */
  busyTimeoutMs?: number;
}

/** The state file cannot serve: it cannot be created or opened, is not a database, or is of a newer schema. */
export class StateFileUnusable extends Error {
  constructor(file: string, reason: string) {
    super(`The state file ${file} cannot be used: ${reason}`);
    this.name = 'StateFileUnusable';
  }
}

/**
 * How long a writer waits for another connection's transaction (another local instance on the same file) before
 * giving up with SQLITE_BUSY. Transactions here are a handful of statements, so a wait this long means trouble.
 */
const BUSY_TIMEOUT_MS = 5_000;

/**
 * The schema, one step per version: `PRAGMA user_version` says how many steps a file has had, so a later
 * version of the bot appends a step and migrates older files in place. Never edit a step once released.
 */
const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE records (
    key TEXT PRIMARY KEY,
    etag TEXT NOT NULL,
    document TEXT NOT NULL,
    -- Unix milliseconds: written at + lifetimeOf(key).
    expires_at INTEGER NOT NULL
  ) STRICT;
  CREATE INDEX records_by_expiry ON records (expires_at);

  -- seq keeps the order of records appended in the same millisecond; at_ms (Unix milliseconds) is what the
  -- range queries use, through the index; at is the record's own text, returned as it was given.
  CREATE TABLE audit (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    at_ms INTEGER NOT NULL,
    at TEXT NOT NULL,
    event TEXT NOT NULL
  ) STRICT;
  CREATE INDEX audit_by_time ON audit (at_ms, seq);

  -- The retention's cutoff: written, used and cleared inside the one transaction that removes old records,
  -- so that at any other time no row may be deleted at all.
  CREATE TABLE audit_removal_cutoff (
    only INTEGER PRIMARY KEY CHECK (only = 1),
    before_ms INTEGER NOT NULL
  ) STRICT;

  -- Defence in depth behind the code's insert-only path: whoever holds the file cannot rewrite history
  -- without dropping these first.
  CREATE TRIGGER audit_never_updated BEFORE UPDATE ON audit
  BEGIN
    SELECT RAISE(ABORT, 'the audit trail is append-only: a record is never changed');
  END;
  CREATE TRIGGER audit_deleted_only_past_retention BEFORE DELETE ON audit
  WHEN NOT EXISTS (SELECT 1 FROM audit_removal_cutoff WHERE OLD.at_ms < before_ms)
  BEGIN
    SELECT RAISE(ABORT, 'the audit trail is append-only: only records older than the retention cutoff are removed');
  END;
  -- INSERT OR REPLACE on an existing seq would delete a record without firing the trigger above.
  CREATE TRIGGER audit_never_replaced BEFORE INSERT ON audit
  WHEN NEW.seq IS NOT NULL AND EXISTS (SELECT 1 FROM audit WHERE seq = NEW.seq)
  BEGIN
    SELECT RAISE(ABORT, 'the audit trail is append-only: a record is never replaced');
  END;
  `,
];

const SCHEMA_VERSION = MIGRATIONS.length;

interface RecordRow {
  etag: string;
  document: string;
}

interface AuditRow {
  at: string;
  event: string;
}

/**
 * The embedded default store: one SQLite file in a data folder, no server. Two processes on one machine may
 * share the file (WAL, a busy timeout, and each write batch in one IMMEDIATE transaction, so the eTag check and
 * the write are atomic across processes). better-sqlite3 is synchronous; every call here is a few statements on
 * a local file, so the promise-returning methods do their work before they return.
 */
export class SqliteStateStore implements StateStore {
  readonly audit: AuditTrail;
  private readonly db: Database.Database;
  private readonly lifetimeOf: RecordLifetimes;
  private readonly now: () => Date;
  private readonly statements: ReturnType<typeof prepareRecordStatements>;

  constructor(options: SqliteStateStoreOptions) {
    this.lifetimeOf = options.lifetimeOf;
    this.now = options.now ?? (() => new Date());
    this.db = openDatabase(options.file, options.busyTimeoutMs ?? BUSY_TIMEOUT_MS);
    this.statements = prepareRecordStatements(this.db);
    this.audit = new SqliteAuditTrail(this.db);
  }

  read(keys: string[]): Promise<Record<string, StoredItem>> {
    return settle(() => {
      const nowMs = this.now().getTime();
      const items: Record<string, StoredItem> = {};
      // One read transaction, so that the items come from one version of the file.
      this.db
        .transaction(() => {
          for (const key of keys) {
            const row = this.statements.current.get(key, nowMs);
            if (row === undefined) continue;
            items[key] = { ...(JSON.parse(row.document) as Record<string, unknown>), eTag: row.etag };
          }
        })
        .deferred();
      return items;
    });
  }

  write(changes: Record<string, object>): Promise<void> {
    return settle(() => {
      const writtenAt = this.now().getTime();
      // IMMEDIATE takes the write lock before the first read, so no other process can write between this batch's
      // eTag checks and its writes. A conflict throws inside, which rolls the whole batch back.
      this.db
        .transaction(() => {
          for (const [key, change] of Object.entries(changes)) {
            const { eTag, ...document } = change as { eTag?: unknown };
            if (typeof eTag === 'string' && eTag !== '*') {
              const current = this.statements.current.get(key, writtenAt);
              // An absent (or expired) key is created: the create-if-absent of the port's contract.
              if (current !== undefined && current.etag !== eTag) throw new StoreConflict(key);
            }
            // A random eTag: unique across every process that shares the file, unlike a counter.
            this.statements.upsert.run(
              key,
              randomUUID(),
              JSON.stringify(document),
              writtenAt + this.lifetimeMs(key),
            );
          }
        })
        .immediate();
    });
  }

  delete(keys: string[]): Promise<void> {
    return settle(() => {
      this.db.transaction(() => keys.forEach((key) => this.statements.remove.run(key))).immediate();
    });
  }

  sweep(now: Date): Promise<number> {
    return settle(() => this.statements.removeExpired.run(now.getTime()).changes);
  }

  close(): Promise<void> {
    return settle(() => {
      this.db.close();
    });
  }

  private lifetimeMs(key: string): number {
    const lifetime = this.lifetimeOf(key);
    if (!Number.isSafeInteger(lifetime) || lifetime < 0) {
      throw new Error(`The lifetime of "${key}" must be a whole number of milliseconds, not ${lifetime}`);
    }
    return lifetime;
  }
}

function prepareRecordStatements(db: Database.Database) {
  return {
    /** The record under a key, unless its lifetime has ended (swept or not). */
    current: db.prepare<[string, number], RecordRow>(
      'SELECT etag, document FROM records WHERE key = ? AND expires_at > ?',
    ),
    upsert: db.prepare<[string, string, string, number]>(
      `INSERT INTO records (key, etag, document, expires_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (key) DO UPDATE
       SET etag = excluded.etag, document = excluded.document, expires_at = excluded.expires_at`,
    ),
    remove: db.prepare<[string]>('DELETE FROM records WHERE key = ?'),
    removeExpired: db.prepare<[number]>('DELETE FROM records WHERE expires_at <= ?'),
  };
}

/** The audit table: one INSERT path, range reads, and the retention's bulk removal. */
class SqliteAuditTrail implements AuditTrail {
  private readonly insert: Database.Statement<[number, string, string]>;
  private readonly range: Database.Statement<[number, number], AuditRow>;
  private readonly setCutoff: Database.Statement<[number]>;
  private readonly removeBefore: Database.Statement<[number]>;
  private readonly clearCutoff: Database.Statement<[]>;

  constructor(private readonly db: Database.Database) {
    this.insert = db.prepare('INSERT INTO audit (at_ms, at, event) VALUES (?, ?, ?)');
    this.range = db.prepare('SELECT at, event FROM audit WHERE at_ms >= ? AND at_ms < ? ORDER BY at_ms, seq');
    this.setCutoff = db.prepare('INSERT INTO audit_removal_cutoff (only, before_ms) VALUES (1, ?)');
    this.removeBefore = db.prepare('DELETE FROM audit WHERE at_ms < ?');
    this.clearCutoff = db.prepare('DELETE FROM audit_removal_cutoff');
  }

  append(record: AuditRecord): Promise<void> {
    return settle(() => {
      this.insert.run(instantOf(record.at), record.at, JSON.stringify(record.event));
    });
  }

  list(since: Date, until: Date): Promise<AuditRecord[]> {
    return settle(() => {
      return this.range
        .all(since.getTime(), until.getTime())
        .map((row) => ({ at: row.at, event: JSON.parse(row.event) as AuditRecord['event'] }));
    });
  }

  removeOlderThan(cutoff: Date): Promise<number> {
    return settle(() => {
      const cutoffMs = cutoff.getTime();
      // The delete trigger lets a row go only while this cutoff is in place; it is cleared before the commit.
      return this.db
        .transaction(() => {
          this.setCutoff.run(cutoffMs);
          const removed = this.removeBefore.run(cutoffMs).changes;
          this.clearCutoff.run();
          return removed;
        })
        .immediate();
    });
  }
}

/**
 * better-sqlite3 works synchronously and the port is promise-based: a failure must reject, never throw. A
 * failure of the file rather than of the request rejects with `StoreUnavailable` (see `sqliteFailure`).
 */
function settle<T>(work: () => T): Promise<T> {
  return new Promise((resolve) => {
    try {
      resolve(work());
    } catch (error) {
      throw sqliteFailure(error);
    }
  });
}

/**
 * SQLite's primary result codes (https://www.sqlite.org/rescode.html) that say the file cannot serve now,
 * whatever was asked: another process holds the lock past the busy timeout, the disk failed, the file cannot be
 * opened, is read-only (or was moved or deleted under the bot), or the disk is full. Extended codes
 * (`SQLITE_IOERR_WRITE`, `SQLITE_READONLY_DBMOVED`) start with their primary code.
 */
const UNAVAILABLE_CODES: ReadonlyArray<[string, StoreFailure]> = [
  ['SQLITE_BUSY', 'busy'],
  ['SQLITE_IOERR', 'io-error'],
  ['SQLITE_CANTOPEN', 'cannot-open'],
  ['SQLITE_READONLY', 'read-only'],
  ['SQLITE_FULL', 'full'],
];

/** `StoreUnavailable` for a failure of the file (see `UNAVAILABLE_CODES`), the error itself otherwise. */
export function sqliteFailure(error: unknown): unknown {
  const { code } = (typeof error === 'object' && error !== null ? error : {}) as { code?: unknown };
  if (typeof code !== 'string') return error;
  const match = UNAVAILABLE_CODES.find(([primary]) => code === primary || code.startsWith(`${primary}_`));
  return match === undefined ? error : new StoreUnavailable('sqlite', match[1], { code, cause: error });
}

function instantOf(at: string): number {
  const ms = Date.parse(at);
  if (Number.isNaN(ms)) throw new Error(`An audit record's "at" must be an ISO 8601 time, not "${at}"`);
  return ms;
}

/** Opens (creating if need be) the file, and brings its schema to this version; every failure names the file. */
function openDatabase(file: string, busyTimeoutMs: number): Database.Database {
  let db: Database.Database | undefined;
  try {
    // The file holds pending actions and dialog state: only this account may read it. SQLite gives its -wal
    // and -shm files the database file's permissions.
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    closeSync(openSync(file, 'a', 0o600));
    db = new Database(file);
    db.pragma(`busy_timeout = ${busyTimeoutMs}`);
    // Readers and one writer at a time across processes, without readers blocking the writer.
    if (db.pragma('journal_mode = WAL', { simple: true }) !== 'wal') {
      throw new Error('it cannot be switched to WAL journal mode');
    }
    // better-sqlite3 builds with NORMAL for WAL, which may lose the last commits on power loss; pending actions
    // and audit records are few and worth an fsync each.
    db.pragma('synchronous = FULL');
    migrate(db);
    return db;
  } catch (error) {
    db?.close();
    if (error instanceof StateFileUnusable) throw error;
    throw new StateFileUnusable(file, reasonOf(error));
  }
}

function migrate(db: Database.Database): void {
  db.transaction(() => {
    const version = db.pragma('user_version', { simple: true }) as number;
    if (version > SCHEMA_VERSION) {
      throw new Error(
        `its schema is version ${version}, written by a newer version of the bot (this one knows up to ${SCHEMA_VERSION})`,
      );
    }
    for (const step of MIGRATIONS.slice(version)) db.exec(step);
    db.pragma(`user_version = ${SCHEMA_VERSION}`);
  }).immediate();
}

function reasonOf(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const { code } = error as { code?: unknown };
  return typeof code === 'string' && !error.message.includes(code)
    ? `${error.message} (${code})`
    : error.message;
}
