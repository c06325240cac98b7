import { sql, type Kysely } from 'kysely';

// Frozen: never import app code here; the dialect is read from Kysely's adapter.

/*
 * The workspace a job works for (issue #17: "show in the core API's job views"). Nullable: system jobs (sweeps,
 * prunes, the event outbox) and account-level ones (e-mail) work for no one workspace. No foreign key: the queue
 * must not block a workspace's deletion, and a job of a deleted workspace is pruned with the others. The index is
 * partial, so the claim and prune paths (which never read it) do not pay for system jobs.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('jobs').addColumn('workspace_id', 'text').execute();
  await db.schema
    .createIndex('jobs_workspace_idx')
    .on('jobs')
    .columns(['workspace_id', 'sequence'])
    .where(sql.ref('workspace_id'), 'is not', null)
    .execute();
}
