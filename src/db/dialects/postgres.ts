import { errors } from '../../domain/errors.js';
import type { Dialect } from './dialect.js';
import { claimable, claimUpdate, inClaimOrder } from './jobs-claim.js';

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
  async claimJobs(db, p) {
    // NOTE(postgres): lock candidate rows in a CTE with FOR UPDATE SKIP LOCKED, so concurrent workers each take
    // different rows without waiting; the row lock re-checks `claimable` against the latest row version.
    const rows = await db
      .with('next', (qb) =>
        qb
          .selectFrom('jobs')
          .select('id')
          .where((eb) => claimable(eb, p))
          .orderBy('priority')
          .orderBy('run_at')
          .orderBy('sequence')
          .limit(p.limit)
          .forUpdate()
          .skipLocked(),
      )
      .updateTable('jobs')
      .from('next')
      .set(claimUpdate(p))
      .whereRef('jobs.id', '=', 'next.id')
      .returningAll('jobs')
      .execute();
    return inClaimOrder(rows);
  },
};
