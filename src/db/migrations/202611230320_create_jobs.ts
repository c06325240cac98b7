import { PostgresAdapter, sql, type CreateTableBuilder, type Kysely } from 'kysely';

// Frozen: never import app code here; the dialect is read from Kysely's adapter.

type AnyTable = CreateTableBuilder<string, never>;

function isPostgres(db: Kysely<any>): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter;
}

/** Every table: a UUID `id` (text in both dialects) and an integer `sequence`, unique per table. */
function ids(pg: boolean) {
  return (tb: AnyTable): AnyTable =>
    pg
      ? tb
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('sequence', 'integer', (c) => c.notNull().unique().generatedByDefaultAsIdentity())
      : tb
          // NOTE(sqlite): only an INTEGER PRIMARY KEY auto-increments, so `sequence` is the key and `id` is unique.
          .addColumn('sequence', 'integer', (c) => c.primaryKey().autoIncrement())
          .addColumn('id', 'text', (c) => c.notNull().unique());
}

/**
 * The durable job queue (one table, as in Solid Queue / Oban / River). States: available (waiting, possibly for a
 * future run_at), running (claimed; locked_by holds a lease until locked_until), completed, dead (out of attempts),
 * cancelled.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('jobs')
    .$call(ids(isPostgres(db)))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('priority', 'integer', (c) => c.notNull().defaultTo(100))
    .addColumn('state', 'text', (c) => c.notNull().defaultTo('available'))
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('max_attempts', 'integer', (c) => c.notNull())
    .addColumn('run_at', 'text', (c) => c.notNull())
    .addColumn('locked_by', 'text')
    .addColumn('locked_until', 'text')
    .addColumn('last_error', 'text')
    .addColumn('unique_key', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('finished_at', 'text')
    .addCheckConstraint('jobs_state_ck', sql`state in ('available', 'running', 'completed', 'dead', 'cancelled')`)
    .execute();

  // Claiming: due jobs in priority order, and running jobs whose lease ran out.
  await db.schema.createIndex('jobs_claim_idx').on('jobs').columns(['state', 'priority', 'run_at', 'sequence']).execute();
  await db.schema.createIndex('jobs_lease_idx').on('jobs').columns(['state', 'locked_until']).execute();
  // Pruning finished jobs.
  await db.schema.createIndex('jobs_finished_idx').on('jobs').columns(['state', 'finished_at']).execute();
  // A unique key is unique among unfinished jobs only: once a job is done, the same key may be queued again.
  // Partial unique indexes exist in both SQLite (3.8+) and PostgreSQL.
  await db.schema
    .createIndex('jobs_unique_key_uq')
    .on('jobs')
    .column('unique_key')
    .unique()
    .where(sql.ref('state'), 'in', ['available', 'running'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('jobs').execute();
}
