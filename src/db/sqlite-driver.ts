import {
  SqliteDialect,
  SqliteDriver,
  SqliteQueryCompiler,
  ValueNode,
  type DatabaseConnection,
  type Driver,
  type LimitNode,
  type QueryCompiler,
  type SqliteDialectConfig,
} from 'kysely';

/**
 * Kysely's SQLite driver guards its one connection with a mutex whose waiters all wake on every release and race
 * for it again, so with N requests waiting each release costs O(N) wake-ups: at 32 concurrent requests that was most
 * of the CPU of an authenticated GET (bench/api). This queue hands the connection to the next waiter only, in
 * arrival order; the inherited mutex then never has a waiter of its own.
 */
class QueuedSqliteDriver extends SqliteDriver {
  private held = false;
  private readonly waiters: Array<() => void> = [];

  override async acquireConnection(): Promise<DatabaseConnection> {
    if (this.held) {
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
    this.held = true;
    return super.acquireConnection();
  }

  override async releaseConnection(): Promise<void> {
    await super.releaseConnection();
    const next = this.waiters.shift();
    if (next) {
      // `held` stays true: the connection passes straight to the next waiter.
      next();
    } else {
      this.held = false;
    }
  }
}

/**
 * Writes an integer LIMIT into the SQL text instead of binding it. SQLite (3.47+) lets a bound LIMIT steer the
 * query plan, so it marks the statement stale whenever that parameter is bound, which better-sqlite3 does on every
 * run: each execution of a cached statement with `limit ?` was parsed and planned again (a job claim cost about
 * 300 µs instead of 60). Only safe integers are inlined; they cannot carry SQL.
 */
class SqliteCompiler extends SqliteQueryCompiler {
  protected override visitLimit(node: LimitNode): void {
    const limit = node.limit;
    if (ValueNode.is(limit) && Number.isSafeInteger(limit.value)) {
      this.append(`limit ${String(limit.value)}`);
      return;
    }
    super.visitLimit(node);
  }
}

/** Kysely's SqliteDialect with the FIFO connection queue and the LIMIT compiler above. */
export class QueuedSqliteDialect extends SqliteDialect {
  private readonly driverConfig: SqliteDialectConfig;

  constructor(config: SqliteDialectConfig) {
    super(config);
    this.driverConfig = config;
  }

  override createDriver(): Driver {
    return new QueuedSqliteDriver(this.driverConfig);
  }

  override createQueryCompiler(): QueryCompiler {
    return new SqliteCompiler();
  }
}
