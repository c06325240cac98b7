import { errors } from '../../domain/errors.js';
import type { Dialect } from './dialect.js';
import { candidates, claimQuery, claimUpdate, runClaim } from './jobs-claim.js';
import { sqliteSearchMatches, writeSqliteSearchDocuments } from './sqlite-search.js';

export const sqliteDialect: Dialect = {
  name: 'sqlite',
  translateError(err) {
    const code = (err as { code?: unknown } | null)?.code;
    // NOTE(sqlite): better-sqlite3 reports constraint failures as SqliteError with these codes.
    if (code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY') {
      return errors.conflict('duplicate', 'A record with the same unique value already exists.', err);
    }
    if (code === 'SQLITE_CONSTRAINT_FOREIGNKEY') {
      return errors.invalid('reference_invalid', 'A referenced record does not exist.', undefined, err);
    }
    return undefined;
  },
  isRetryableTransactionError() {
    // NOTE(sqlite): writers queue on `begin immediate` (busy_timeout), so no transaction is chosen as a deadlock victim.
    return false;
  },
  lockingRead(qb) {
    return qb;
  },
  async lockKey() {
    // NOTE(sqlite): `begin immediate` already serialises every writing transaction.
  },
  claimJobs(db, p) {
    // NOTE(sqlite): one UPDATE statement takes the write lock before it reads, so with a single writer the select
    // and the update are atomic across connections and processes (busy_timeout makes other writers wait). Each kind
    // is wrapped in its own SELECT: SQLite allows no ORDER BY or LIMIT on the arms of a UNION.
    return runClaim(db, p, sqliteClaim);
  },
  async settledHistorySequence(db) {
    // NOTE(sqlite): one writer at a time, so a committed row never has a lower sequence than one still in flight:
    // every gap below the visible maximum is a rollback that will never fill.
    const row = await db.selectFrom('history_events').select((eb) => eb.fn.max('sequence').as('m')).executeTakeFirst();
    return Number(row?.m ?? 0);
  },
  writeSearchDocuments: writeSqliteSearchDocuments,
  searchMatches: sqliteSearchMatches,
};

const sqliteClaim = claimQuery((db, v) =>
  db
    .with('c', (qc) =>
      qc
        .selectFrom(candidates(db, v, 'due').as('due'))
        .selectAll()
        .unionAll(qc.selectFrom(candidates(db, v, 'expired').as('expired')).selectAll()),
    )
    .updateTable('jobs')
    .set(claimUpdate(v))
    .where('id', 'in', (eb) => eb.selectFrom('c').select('c.id').orderBy('c.priority').orderBy('c.run_at').orderBy('c.sequence').limit(v.limit))
    .returningAll());
