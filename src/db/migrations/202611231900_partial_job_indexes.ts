import { sql, type Kysely } from 'kysely';

// Frozen: never import app code here.

/*
 * The queue's indexes hold only the rows their queries look for. Each led with `state` and held every job, so each
 * state change (claim, completion) moved an entry in all three: about six index pages written per job, about a
 * third of a job's commit on SQLite (bench/thumbnails). Now a claim removes one entry (available) and adds one
 * (leased); a completion removes that one and adds one (finished). Completed jobs, most rows of a busy queue for
 * their 7 days, no longer sit in the claim index either.
 *
 * The claim's `due` arm names the state as a literal, so both databases see it implies the claim index's predicate.
 * `locked_until < ?` and `finished_at < ?` imply `IS NOT NULL` in both, so the lease and prune queries are unchanged.
 */
export async function up(db: Kysely<any>): Promise<void> {
  for (const name of ['jobs_claim_idx', 'jobs_lease_idx', 'jobs_finished_idx']) {
    await db.schema.dropIndex(name).execute();
  }
  await db.schema
    .createIndex('jobs_claim_idx')
    .on('jobs')
    .columns(['priority', 'run_at', 'sequence'])
    .where(sql.ref('state'), '=', sql.lit('available'))
    .execute();
  await db.schema.createIndex('jobs_lease_idx').on('jobs').columns(['state', 'locked_until']).where(sql.ref('locked_until'), 'is not', null).execute();
  await db.schema.createIndex('jobs_finished_idx').on('jobs').columns(['state', 'finished_at']).where(sql.ref('finished_at'), 'is not', null).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const name of ['jobs_claim_idx', 'jobs_lease_idx', 'jobs_finished_idx']) {
    await db.schema.dropIndex(name).execute();
  }
  await db.schema.createIndex('jobs_claim_idx').on('jobs').columns(['state', 'priority', 'run_at', 'sequence']).execute();
  await db.schema.createIndex('jobs_lease_idx').on('jobs').columns(['state', 'locked_until']).execute();
  await db.schema.createIndex('jobs_finished_idx').on('jobs').columns(['state', 'finished_at']).execute();
}
