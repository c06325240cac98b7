import type { Kysely } from 'kysely';
import type { DB, JobRow } from '../../db/schema.js';
import type { JobState } from '../../jobs/registry.js';

/* Reads of the job queue for the core API's job views; every query is scoped by the job's workspace. */

export interface JobListFilter {
  workspaceId: string;
  state?: JobState;
  name?: string;
  limit: number;
  /** A job's `sequence`: the page holds older jobs only. */
  before?: number;
}

/** The workspace's jobs, newest first (the partial index jobs_workspace_idx). */
export function listWorkspaceJobs(db: Kysely<DB>, f: JobListFilter): Promise<JobRow[]> {
  let q = db.selectFrom('jobs').selectAll().where('workspace_id', '=', f.workspaceId);
  if (f.state !== undefined) {
    q = q.where('state', '=', f.state);
  }
  if (f.name !== undefined) {
    q = q.where('name', '=', f.name);
  }
  if (f.before !== undefined) {
    q = q.where('sequence', '<', f.before);
  }
  return q.orderBy('sequence', 'desc').limit(f.limit).execute();
}

export function findWorkspaceJob(db: Kysely<DB>, p: { workspaceId: string; id: string }): Promise<JobRow | undefined> {
  return db.selectFrom('jobs').selectAll().where('workspace_id', '=', p.workspaceId).where('id', '=', p.id).executeTakeFirst();
}

/** The processing tasks (docs/vionlabs.md) whose current run is one of these jobs, by job id. */
export async function processingTasksOfJobs(
  db: Kysely<DB>,
  p: { workspaceId: string; jobIds: readonly string[] },
): Promise<Map<string, { id: string; product: string; version: string; item_key: string }>> {
  if (p.jobIds.length === 0) {
    return new Map();
  }
  const rows = await db
    .selectFrom('processing_tasks as t')
    .innerJoin('processing_items as i', (j) => j.onRef('i.id', '=', 't.item_id').onRef('i.workspace_id', '=', 't.workspace_id'))
    .select(['t.id', 't.job_id', 't.product', 't.version', 'i.item_key'])
    .where('t.workspace_id', '=', p.workspaceId)
    .where('t.job_id', 'in', [...p.jobIds])
    .execute();
  return new Map(rows.map((r) => [r.job_id as string, { id: r.id, product: r.product, version: r.version, item_key: r.item_key }]));
}
