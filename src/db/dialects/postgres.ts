import { sql } from 'kysely';
import { errors } from '../../domain/errors.js';
import type { Dialect } from './dialect.js';
import { candidates, claimQuery, claimUpdate, runClaim } from './jobs-claim.js';
import { postgresSearchMatches, writePostgresSearchDocuments } from './postgres-search.js';

export const postgresDialect: Dialect = {
  name: 'postgres',
  translateError(err) {
    const code = (err as { code?: unknown } | null)?.code;
    // NOTE(postgres): SQLSTATE 23505 unique_violation, 23503 foreign_key_violation.
    if (code === '23505') {
      return errors.conflict('duplicate', 'A record with the same unique value already exists.', err);
    }
    if (code === '23503') {
      return errors.invalid('reference_invalid', 'A referenced record does not exist.', undefined, err);
    }
    return undefined;
  },
  isRetryableTransactionError(err) {
    const code = (err as { code?: unknown } | null)?.code;
    // NOTE(postgres): SQLSTATE 40001 serialization_failure, 40P01 deadlock_detected: PostgreSQL rolled the
    // transaction back and asks for it to be run again.
    return code === '40001' || code === '40P01';
  },
  lockingRead(qb) {
    return qb.forUpdate();
  },
  async lockKey(db, key) {
    // NOTE(postgres): hashtextextended gives the 64-bit key pg_advisory_xact_lock takes; a collision only serialises
    // two unrelated transactions a little longer.
    await sql`select pg_advisory_xact_lock(hashtextextended(${key}, 0))`.execute(db);
  },
  claimJobs(db, p) {
    // NOTE(postgres): each kind of candidate is locked in its own CTE with FOR UPDATE SKIP LOCKED, so concurrent
    // workers each take different rows without waiting, and the row lock re-checks the kind's condition against the
    // latest row version. Rows locked but not taken (past `limit` once merged) are free again when the statement ends.
    return runClaim(db, p, postgresClaim);
  },
  async settledHistorySequence(db) {
    // NOTE(postgres): identity values are taken at INSERT time but become visible at COMMIT, so a lower sequence can
    // appear after a higher one. SHARE mode conflicts with the ROW EXCLUSIVE lock every inserting transaction holds
    // until it ends: once granted, all sequences handed out so far are committed or rolled back for good.
    return db.transaction().execute(async (trx) => {
      await sql`set local lock_timeout = '5s'`.execute(trx);
      await sql`lock table history_events in share mode`.execute(trx);
      const row = await trx.selectFrom('history_events').select((eb) => eb.fn.max('sequence').as('m')).executeTakeFirst();
      return Number(row?.m ?? 0);
    });
  },
  writeSearchDocuments: writePostgresSearchDocuments,
  searchMatches: postgresSearchMatches,
};

const postgresClaim = claimQuery((db, v) =>
  db
    .with('due', () => candidates(db, v, 'due').forUpdate().skipLocked())
    .with('expired', () => candidates(db, v, 'expired').forUpdate().skipLocked())
    .with('c', (qc) => qc.selectFrom('due').selectAll().unionAll(qc.selectFrom('expired').selectAll()))
    .with('next', (qc) => qc.selectFrom('c').select('c.id').orderBy('c.priority').orderBy('c.run_at').orderBy('c.sequence').limit(v.limit))
    .updateTable('jobs')
    .from('next')
    .set(claimUpdate(v))
    .whereRef('jobs.id', '=', 'next.id')
    .returningAll('jobs'));
