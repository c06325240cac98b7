import type { Static, TSchema } from '@sinclair/typebox';
import type { Kysely } from 'kysely';
import type { DB, JobRow } from '../db/schema.js';
import type { Deps } from '../domain/context.js';
import { newId } from '../lib/ids.js';
import type { AnyJobDefinition, JobDefinition } from './define.js';
import { createJobRegistry, type JobRegistry } from './registry.js';

/** The queue as Deps carries it: the registry of runnable jobs (enqueue validates payloads against it). */
export interface Jobs {
  readonly registry: JobRegistry;
}

/** Builds Deps' `jobs` from a list of definitions (the app's, src/job-definitions.ts, or a test's own). */
export function createJobs(definitions: readonly AnyJobDefinition[]): Jobs {
  return { registry: createJobRegistry(definitions) };
}

export interface EnqueueOptions {
  /** Lower runs first; default: the definition's priority (100). */
  priority?: number;
  /** Not before this time; default: now. */
  runAt?: Date;
  /** While a job with this key is available or running, enqueue returns that job instead of adding another. */
  uniqueKey?: string;
  /** Overrides the definition's retry policy. */
  maxAttempts?: number;
}

export interface EnqueueResult {
  job: JobRow;
  /** False when a job with the same unique key (or id) was already queued and is returned instead. */
  created: boolean;
}

/** A programming error (unknown job, payload that fails its schema), not bad user input: it should surface as a 500. */
export class JobPayloadError extends Error {
  override name = 'JobPayloadError';
}

type QueueCtx = Pick<Deps, 'db' | 'clock' | 'jobs'>;

/**
 * Enqueues a job of `definition` (imported from its feature's `*.job.ts`): `enqueue(ctx, thumbnailJob, payload)`.
 * The payload's type comes from the definition's TypeBox schema; see enqueueJob for the rest.
 */
export function enqueue<S extends TSchema>(
  ctx: QueueCtx,
  definition: JobDefinition<string, S>,
  payload: Static<S>,
  options?: EnqueueOptions,
): Promise<EnqueueResult> {
  return enqueueJob(ctx, definition.name, payload, options);
}

/**
 * Whether this process's registry runs `definition`'s job (by name). Features that queue a job only where it runs (a
 * worker build or a test registry without it) ask this first; enqueue itself refuses an unregistered job.
 */
export function registers(jobs: Jobs, definition: Pick<AnyJobDefinition, 'name'>): boolean {
  return jobs.registry.get(definition.name) !== undefined;
}

/** Rounds of insert-then-look-up; each lost round means a conflicting job finished in between. */
const ENQUEUE_ATTEMPTS = 10;

/**
 * Adds a job by name with `ctx.db`: inside a transaction (inTransaction) the job commits or rolls back with the
 * caller's rows. The payload is checked against the registered job's schema here, so a bad payload fails the caller,
 * not the worker later. Features call enqueue(ctx, definition, payload); this untyped form is for the worker's
 * schedules and for tests with registries of their own.
 */
export async function enqueueJob(
  ctx: QueueCtx,
  name: string,
  payload: unknown,
  options: EnqueueOptions & { id?: string } = {},
): Promise<EnqueueResult> {
  const registered = ctx.jobs.registry.get(name);
  if (!registered) {
    throw new JobPayloadError(`Unknown job ${name}.`);
  }
  if (!registered.check.Check(payload)) {
    const first = registered.check.Errors(payload).First();
    throw new JobPayloadError(`Payload of ${name} is invalid: ${first ? `${first.path || '/'} ${first.message}` : 'no detail'}.`);
  }
  const now = ctx.clock.now().toISOString();
  const row = {
    id: options.id ?? newId(),
    name,
    payload: JSON.stringify(payload),
    priority: options.priority ?? registered.priority,
    state: 'available' as const,
    attempts: 0,
    max_attempts: options.maxAttempts ?? registered.retry.maxAttempts,
    run_at: options.runAt?.toISOString() ?? now,
    unique_key: options.uniqueKey ?? null,
    created_at: now,
    updated_at: now,
    workspace_id: workspaceOfPayload(payload),
  };
  // A conflicting job can finish between our insert and our look-up, which frees the key: insert again. Each such
  // round means another job finished, so the loop makes progress; a worker that finishes jobs as fast as they come
  // (the event dispatcher under load) made two rounds too few (a 500 in CI).
  for (let attempt = 0; attempt < ENQUEUE_ATTEMPTS; attempt++) {
    // NOTE: `on conflict do nothing` without a target covers both the id and the partial unique index on
    // unique_key, and (unlike catching the error) does not abort the caller's PostgreSQL transaction.
    const inserted = await ctx.db.insertInto('jobs').values(row).onConflict((oc) => oc.doNothing()).returningAll().executeTakeFirst();
    if (inserted) {
      return { job: inserted, created: true };
    }
    const existing = await findConflicting(ctx.db, row.id, row.unique_key);
    if (existing) {
      return { job: existing, created: false };
    }
  }
  throw new Error(`Could not enqueue ${name}: it conflicted with a job that then disappeared.`);
}

/**
 * The workspace a job works for, for the core API's job views: its payload's `workspace_id` (or `workspaceId`), the
 * tenant scope its handler passes to repo functions. Not the enqueuing request's workspace: a copy into another
 * production works for the target, and a shared job (the event outbox's dispatch, a unique key across tenants)
 * enqueued from a request works for none. Jobs without one (sweeps, prunes, account e-mail) stay null.
 */
export function workspaceOfPayload(payload: unknown): string | null {
  if (typeof payload !== 'object' || payload === null) {
    return null;
  }
  const p = payload as Record<string, unknown>;
  const id = p.workspace_id ?? p.workspaceId;
  return typeof id === 'string' && id !== '' ? id : null;
}

async function findConflicting(db: Kysely<DB>, id: string, uniqueKey: string | null): Promise<JobRow | undefined> {
  const byId = await db.selectFrom('jobs').selectAll().where('id', '=', id).executeTakeFirst();
  if (byId || uniqueKey === null) {
    return byId;
  }
  return db
    .selectFrom('jobs')
    .selectAll()
    .where('unique_key', '=', uniqueKey)
    .where('state', 'in', ['available', 'running'])
    .executeTakeFirst();
}

/** One job by id (admin views, tests). */
export function findJob(db: Kysely<DB>, id: string): Promise<JobRow | undefined> {
  return db.selectFrom('jobs').selectAll().where('id', '=', id).executeTakeFirst();
}

/**
 * Cancels a job that has not finished. A running handler sees it at its next heartbeat (its signal aborts) and its
 * result is discarded. Returns whether the job was cancelled.
 */
export async function cancelJob(ctx: Pick<Deps, 'db' | 'clock'>, id: string): Promise<boolean> {
  const at = ctx.clock.now().toISOString();
  const r = await ctx.db
    .updateTable('jobs')
    .set({ state: 'cancelled', locked_by: null, locked_until: null, finished_at: at, updated_at: at })
    .where('id', '=', id)
    .where('state', 'in', ['available', 'running'])
    .executeTakeFirst();
  return r.numUpdatedRows > 0n;
}
