import { SqliteDialect, SqliteDriver, type DatabaseConnection, type Driver, type SqliteDialectConfig } from 'kysely';

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

/** Kysely's SqliteDialect with the FIFO connection queue above. */
export class QueuedSqliteDialect extends SqliteDialect {
  private readonly driverConfig: SqliteDialectConfig;

  constructor(config: SqliteDialectConfig) {
    super(config);
    this.driverConfig = config;
  }

  override createDriver(): Driver {
    return new QueuedSqliteDriver(this.driverConfig);
  }
}
