import type { JobRow } from '../../db/schema.js';
import type { JobState } from '../../jobs/registry.js';
import { PROCESSING_TASK_JOB } from '../processing/rerun.js';
import { requirePermission } from '../access.js';
import { scopedWorkspaceId, type Ctx } from '../context.js';
import { errors } from '../errors.js';
import { findWorkspaceJob, listWorkspaceJobs, processingTasksOfJobs } from './job-views.repo.js';

/*
 * Read-only views of the job queue for a workspace's admins (issue #17: processing tasks "show in the core API's job
 * views"). A job belongs to the workspace its payload names (jobs.workspace_id, set by enqueue); system and account
 * jobs have none and are never shown here.
 */

export interface JobView {
  job: JobRow;
  /** The payload when it is safe to show (see visiblePayload), else null. */
  payload: unknown;
  /** For a `processing.task` job: the Vionlabs task it runs. */
  processingTask: { id: string; product: string; version: string; item_key: string } | null;
}

/** Keys that may carry a credential; a payload with one anywhere is not shown. */
const CREDENTIAL_KEY = /secret|token|password|passwd|credential|api[_-]?key|authori[sz]ation|signature|cookie|private/i;

function hasCredentialKey(v: unknown): boolean {
  if (Array.isArray(v)) {
    return v.some(hasCredentialKey);
  }
  if (typeof v === 'object' && v !== null) {
    return Object.entries(v).some(([k, x]) => CREDENTIAL_KEY.test(k) || hasCredentialKey(x));
  }
  return false;
}

/**
 * The payload as shown: today's payloads hold ids and a workspace (and one e-mail message), no credentials, but a
 * future job might carry one, so a payload with a credential-like key anywhere (or one that no longer parses) is
 * withheld as a whole (null) rather than redacted field by field.
 */
export function visiblePayload(text: string): unknown {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return null;
  }
  return hasCredentialKey(parsed) ? null : parsed;
}

async function views(ctx: Ctx, workspaceId: string, jobs: JobRow[]): Promise<JobView[]> {
  const tasks = await processingTasksOfJobs(ctx.db, { workspaceId, jobIds: jobs.filter((j) => j.name === PROCESSING_TASK_JOB).map((j) => j.id) });
  return jobs.map((job) => ({ job, payload: visiblePayload(job.payload), processingTask: tasks.get(job.id) ?? null }));
}

export interface JobListInput {
  state?: JobState;
  name?: string;
  limit: number;
  cursor?: number;
}

/** The workspace's jobs, newest first; `nextCursor` is the last job's sequence when a further page may exist. */
export async function listJobs(ctx: Ctx, input: JobListInput): Promise<{ items: JobView[]; nextCursor: number | null }> {
  requirePermission(ctx.actor, 'jobs.read');
  const workspaceId = scopedWorkspaceId(ctx);
  const rows = await listWorkspaceJobs(ctx.db, { workspaceId, state: input.state, name: input.name, limit: input.limit + 1, before: input.cursor });
  const page = rows.slice(0, input.limit);
  const last = page.at(-1);
  return { items: await views(ctx, workspaceId, page), nextCursor: rows.length > input.limit && last ? last.sequence : null };
}

/** One job of the workspace; another workspace's job, a system job and an unknown id are all 404. */
export async function getJob(ctx: Ctx, id: string): Promise<JobView> {
  requirePermission(ctx.actor, 'jobs.read');
  const workspaceId = scopedWorkspaceId(ctx);
  const job = await findWorkspaceJob(ctx.db, { workspaceId, id });
  if (!job) {
    throw errors.notFound('job', id);
  }
  const [view] = await views(ctx, workspaceId, [job]);
  return view as JobView;
}
