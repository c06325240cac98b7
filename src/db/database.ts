import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, Migrator, PostgresDialect, SqliteDialect, type MigrationResultSet, type SqliteDatabase } from 'kysely';
import pg from 'pg';
import type { Config } from '../config/config.js';
import type { Dialect } from './dialects/dialect.js';
import { postgresDialect } from './dialects/postgres.js';
import { sqliteDialect } from './dialects/sqlite.js';
import { migrations } from './migrations/index.js';
import type { DB } from './schema.js';

export interface Database {
  db: Kysely<DB>;
  dialect: Dialect;
  close(): Promise<void>;
}

/** Opens the configured database: better-sqlite3 in WAL mode, or a pg pool. */
export function createDatabase(config: Pick<Config, 'database'>): Database {
  if (config.database.kind === 'postgres') {
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
    const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
    return { db, dialect: postgresDialect, close: () => db.destroy() };
  }
  mkdirSync(dirname(config.database.file), { recursive: true });
  const sqlite = new SQLite(config.database.file);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma('synchronous = NORMAL');
  const db = new Kysely<DB>({ dialect: new SqliteDialect({ database: withStatementCache(sqlite) }) });
  return { db, dialect: sqliteDialect, close: () => db.destroy() };
}

const STATEMENT_CACHE_SIZE = 500;

/**
 * Kysely prepares every query afresh, and SQLite's parse-and-plan step was about a fifth of the CPU of
 * an authenticated GET (bench/api). Statements are kept by SQL text (bounded, oldest dropped first); SQLite
 * re-prepares a kept statement by itself after a schema change. A statement still iterating a stream is not handed
 * out again.
 */
function withStatementCache(sqlite: SQLite.Database): SqliteDatabase {
  const statements = new Map<string, SQLite.Statement>();
  return {
    prepare(query: string) {
      // NOTE(sqlite): Kysely opens transactions with a deferred `begin`. A deferred transaction that reads and then
      // writes fails at once with SQLITE_BUSY_SNAPSHOT when another process (the server, a worker, the CLI) wrote in
      // between; `begin immediate` takes the write lock up front and waits for it (busy_timeout) instead.
      const sqlText = query === 'begin' ? 'begin immediate' : query;
      const hit = statements.get(sqlText);
      if (hit && !hit.busy) {
        return hit;
      }
      const statement = sqlite.prepare(sqlText);
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
