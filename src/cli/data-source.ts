import { existsSync } from 'node:fs';
import type { Config } from '../config/config.js';
import { createDatabase, migrationsStarted } from '../db/database.js';

/*
 * The operator commands find their data the way the server does (DATA_DIR, else ./data under the working directory;
 * or --data-dir) and say which one they use, on stderr so `--json` output stays one clean line. Commands that work on
 * an existing installation (bootstrap, keys) refuse to start a new database: run from the wrong directory, they used
 * to create an empty one there, and a key issued into it works nowhere.
 */

/** Where DATA_DIR came from, for the messages. */
export type DataDirOrigin = '--data-dir' | 'DATA_DIR' | 'default';

/** A refusal with a one-line reason for stderr (exit 1). */
export class CliError extends Error {
  override name = 'CliError';
}

function describeOrigin(origin: DataDirOrigin, cwd: string): string {
  if (origin === 'default') {
    return `the default ./data under the working directory ${cwd}`;
  }
  return origin;
}

/** The database as the operator should see it: the SQLite file, or PostgreSQL's host and name without credentials. */
export function describeDatabase(config: Config): string {
  if (config.database.kind === 'sqlite') {
    return `SQLite ${config.database.file}`;
  }
  try {
    const url = new URL(config.database.url);
    return `PostgreSQL ${url.host}${url.pathname} (DATABASE_URL)`;
  } catch {
    return 'PostgreSQL (DATABASE_URL)';
  }
}

/** The line every database command prints first: which data directory and database it works on. */
export function usingLine(config: Config, origin: DataDirOrigin, cwd: string): string {
  return `atelier: data directory ${config.dataDir} (${describeOrigin(origin, cwd)}), database ${describeDatabase(config)}\n`;
}

/**
 * Throws a CliError unless the configured database already exists and has been migrated at least once. Checked
 * before anything is opened for writing: better-sqlite3 would create the file, and createDeps the data directory.
 */
export async function requireExistingDatabase(config: Config, origin: DataDirOrigin, cwd: string): Promise<void> {
  const hint =
    'run this where the server runs, or set DATA_DIR / DATABASE_URL or pass --data-dir; for a new installation start `atelier serve` or run `atelier migrate` first';
  if (config.database.kind === 'sqlite' && !existsSync(config.database.file)) {
    throw new CliError(`no database at ${config.database.file} (data directory from ${describeOrigin(origin, cwd)}): ${hint}`);
  }
  const database = createDatabase(config);
  try {
    if (!(await migrationsStarted(database.db))) {
      throw new CliError(`the database ${describeDatabase(config)} has no Atelier tables: ${hint}`);
    }
  } finally {
    await database.close();
  }
}
