import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, Migrator, PostgresDialect, type MigrationResultSet, type SqliteDatabase } from 'kysely';
import type { Config } from '../config/config.js';
import { lazyModule } from '../lib/lazy-module.js';
import type { Dialect } from './dialects/dialect.js';
import { postgresDialect } from './dialects/postgres.js';
import { sqliteDialect } from './dialects/sqlite.js';
import { migrations } from './migrations/index.js';
import { noReadCache, stampedReadCache, type ChangeStamp, type ReadCache } from './read-cache.js';
import { QueuedSqliteDialect } from './sqlite-driver.js';
import type { DB } from './schema.js';

/** pg, loaded only when DATABASE_URL names PostgreSQL (see lazyModule). */
const pgModule = lazyModule<typeof import('pg')>('pg');

export interface Database {
  db: Kysely<DB>;
  dialect: Dialect;
  /** Memoised hot reads; on PostgreSQL (many writers this process cannot see) it always reads. */
  cache: ReadCache;
  close(): Promise<void>;
}

/** Opens the configured database: better-sqlite3 in WAL mode, or a pg pool. */
export function createDatabase(config: Pick<Config, 'database'>): Database {
  if (config.database.kind === 'postgres') {
    const pg = pgModule();
    const pool = new pg.Pool({
      connectionString: config.database.url,
      max: 10,
      // `count(*)` and other int8 results come back as strings by default; ours fit in a JS number.
      types: { getTypeParser: (oid, format) => (oid === 20 ? (v: string) => Number(v) : pg.types.getTypeParser(oid, format)) },
    });
    // An idle client whose connection drops (server restart, failover, database dropped) makes the pool emit
    // 'error'; unhandled, that would crash the process. The pool discards the client and the next query reconnects
    // (or fails, which /readyz reports).
    pool.on('error', () => undefined);
    // A client checked out of the pool (a transaction between two statements) whose connection drops emits 'error'
    // on itself, where nothing listened: that crashed the server when its database was dropped. Its next query
    // fails on its own, and the pool discards it when it is released.
    pool.on('connect', (client) => client.on('error', () => undefined));
    const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
    return { db, dialect: postgresDialect, cache: noReadCache, close: () => db.destroy() };
  }
  mkdirSync(dirname(config.database.file), { recursive: true });
  const sqlite = new SQLite(config.database.file);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma('synchronous = NORMAL');
  optimizeSqlite(sqlite, { onOpen: true });
  // Statistics go stale as a workspace grows; SQLite advises `PRAGMA optimize` every few hours on a long-lived
  // connection (it analyses only the tables that changed enough, bounded by analysis_limit).
  const optimizer = setInterval(() => optimizeSqlite(sqlite, { onOpen: false }), SQLITE_OPTIMIZE_EVERY_MS);
  optimizer.unref();
  const writes = { count: 0 };
  const db = new Kysely<DB>({ dialect: new QueuedSqliteDialect({ database: withStatementCache(sqlite, writes) }) });
  return {
    db,
    dialect: sqliteDialect,
    cache: stampedReadCache(sqliteChangeStamp(sqlite, writes)),
    close: () => {
      clearInterval(optimizer);
      return db.destroy();
    },
  };
}

const SQLITE_OPTIMIZE_EVERY_MS = 2 * 60 * 60 * 1000;

/**
 * Keeps SQLite's planner statistics (sqlite_stat1) current. Without them the planner guesses that `workspace_id = ?`
 * is selective, and on a workspace of 100,000 assets it walked a whole workspace index instead of looking 200 ids up
 * by primary key: a page of search results cost 0.4 s, GET /users/accounts 0.3 s to 1.4 s (bench/web); with them,
 * 0.07 s and 0.015 s. On open, `0x10002` also looks at tables this connection has not used yet; analysis_limit bounds
 * each ANALYZE to a sample. (bench/web bulk-writes rows after opening, so it runs the same pragmas once itself.)
 */
function optimizeSqlite(sqlite: Pick<SQLite.Database, 'pragma'>, when: { onOpen: boolean }): void {
  sqlite.pragma('analysis_limit = 400');
  sqlite.pragma(when.onOpen ? 'optimize = 0x10002' : 'optimize');
}

const STATEMENT_CACHE_SIZE = 500;

/**
 * Kysely prepares every query afresh, and SQLite's parse-and-plan step was about a fifth of the CPU of
 * an authenticated GET (bench/api). Statements are kept by SQL text (bounded, oldest dropped first); SQLite
 * re-prepares a kept statement by itself after a schema change. A statement still iterating a stream is not handed
 * out again.
 */
function withStatementCache(sqlite: SQLite.Database, writes: { count: number }): SqliteDatabase {
  const statements = new Map<string, SQLite.Statement>();
  return {
    prepare(query: string) {
      // NOTE(sqlite): Kysely opens transactions with a deferred `begin`. A deferred transaction that reads and then
      // writes fails at once with SQLITE_BUSY_SNAPSHOT when another process (the server, a worker, the CLI) wrote in
      // between; `begin immediate` takes the write lock up front and waits for it (busy_timeout) instead.
      const sqlText = query === 'begin' ? 'begin immediate' : query;
      const hit = statements.get(sqlText);
      if (hit && !hit.busy) {
        countWrite(hit, writes);
        return hit;
      }
      const statement = sqlite.prepare(sqlText);
      countWrite(statement, writes);
      if (!hit) {
        if (statements.size >= STATEMENT_CACHE_SIZE) {
          const oldest = statements.keys().next().value;
          if (oldest !== undefined) {
            statements.delete(oldest);
          }
        }
        statements.set(sqlText, statement);
      }
      return statement;
    },
    close() {
      statements.clear();
      sqlite.close();
    },
  };
}

/** Kysely prepares a statement for every execution, so counting prepared writers counts executed writes. */
function countWrite(statement: SQLite.Statement, writes: { count: number }): void {
  if (!statement.reader) {
    writes.count++;
  }
}

/**
 * See ChangeStamp: SQLite's data_version (other connections' commits) and this connection's own writes (always
 * current). Reading data_version takes the WAL read lock, about as dear as a small query, so it is read once per turn
 * of the event loop and shared by the requests handled in that turn; another process's commit is seen from the next.
 */
function sqliteChangeStamp(sqlite: SQLite.Database, writes: { count: number }): ChangeStamp {
  const dataVersion = sqlite.prepare('pragma data_version').pluck();
  let version: string | undefined;
  let fresh = false;
  // The last stamp made, reused while neither counter moved (no string built per call).
  let last = { version: undefined as string | undefined, writes: -1, stamp: '' };
  return () => {
    if (!fresh) {
      try {
        version = String(dataVersion.get());
      } catch {
        // The connection is busy (a streamed query is open): no answer, so the caller reads.
        version = undefined;
      }
      fresh = true;
      setImmediate(() => {
        fresh = false;
      });
    }
    if (version === undefined) {
      return undefined;
    }
    if (last.version !== version || last.writes !== writes.count) {
      last = { version, writes: writes.count, stamp: `${version}:${writes.count}` };
    }
    return last.stamp;
  };
}

function migrator(db: Kysely<DB>): Migrator {
  return new Migrator({ db, provider: { getMigrations: async () => migrations } });
}

/** Applies every pending migration; throws with the failing migration's error. */
export async function migrateToLatest(db: Kysely<DB>): Promise<MigrationResultSet> {
  const result = await migrator(db).migrateToLatest();
  if (result.error) {
    throw result.error instanceof Error ? result.error : new Error(String(result.error));
  }
  return result;
}

/** True when every known migration has been applied (used by /readyz). */
export async function migrationsApplied(db: Kysely<DB>): Promise<boolean> {
  const all = await migrator(db).getMigrations();
  return all.every((m) => m.executedAt !== undefined);
}

/**
 * True when at least one migration has been applied, i.e. this is an Atelier database and not an empty one. Reads
 * only (Kysely's getMigrations does not create its tables), so the CLI can refuse to start a database by accident.
 */
export async function migrationsStarted(db: Kysely<DB>): Promise<boolean> {
  const all = await migrator(db).getMigrations();
  return all.some((m) => m.executedAt !== undefined);
}
