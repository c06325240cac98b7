import type { Kysely } from 'kysely';
import { prepare } from '../db/prepared.js';
import type { DB, JobRow } from '../db/schema.js';

/*
 * Row transitions of a claimed job. Each one is guarded by the claim it belongs to (same worker, same attempt, still
 * running): a worker whose lease expired and whose job was re-claimed elsewhere cannot overwrite the newer run.
 * Each returns whether it applied.
 */

type Claimed = Pick<JobRow, 'id' | 'locked_by' | 'attempts'>;

const MAX_ERROR_LENGTH = 4000;

function ownedBy(db: Kysely<DB>, job: Claimed) {
  return db
    .updateTable('jobs')
    .where('id', '=', job.id)
    .where('state', '=', 'running')
    .where('locked_by', '=', job.locked_by ?? '')
    .where('attempts', '=', job.attempts);
}

async function applied(q: Promise<{ numUpdatedRows: bigint }>): Promise<boolean> {
  return (await q).numUpdatedRows > 0n;
}

/** Text kept in `last_error`: the error's name and message, truncated. */
export function describeError(err: unknown): string {
  const text = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  return text.length > MAX_ERROR_LENGTH ? `${text.slice(0, MAX_ERROR_LENGTH - 1)}…` : text;
}

/** Extends the lease of a running job; false when the worker no longer owns it (lease lost, job cancelled). */
export function extendLease(db: Kysely<DB>, job: Claimed, p: { until: Date; now: Date }): Promise<boolean> {
  return applied(
    ownedBy(db, job).set({ locked_until: p.until.toISOString(), updated_at: p.now.toISOString() }).executeTakeFirst(),
  );
}

// Prepared (db/prepared.ts): every job run ends with it.
const completeQuery = prepare((db: Kysely<DB>, p: { id: string; lockedBy: string; attempts: number; at: string }) =>
  ownedBy(db, { id: p.id, locked_by: p.lockedBy, attempts: p.attempts }).set({
    state: 'completed',
    locked_by: null,
    locked_until: null,
    finished_at: p.at,
    updated_at: p.at,
  }),
);

/** Marks a run as done. */
export async function completeJob(db: Kysely<DB>, job: Claimed, now: Date): Promise<boolean> {
  const values = { id: job.id, lockedBy: job.locked_by ?? '', attempts: job.attempts, at: now.toISOString() };
  return (await completeQuery.affected(db, values)) > 0;
}

/** A failed run with attempts left: back to available at `runAt`, with the error kept. */
export function retryJob(db: Kysely<DB>, job: Claimed, p: { runAt: Date; error: string; now: Date }): Promise<boolean> {
  return applied(
    ownedBy(db, job)
      .set({
        state: 'available',
        run_at: p.runAt.toISOString(),
        locked_by: null,
        locked_until: null,
        last_error: p.error,
        updated_at: p.now.toISOString(),
      })
      .executeTakeFirst(),
  );
}

/**
 * No attempts left (or a payload that can never run): `dead`, with the error kept. `attempts` corrects the count
 * when the claim that found the job was not itself run.
 */
export function killJob(db: Kysely<DB>, job: Claimed, p: { error: string; now: Date; attempts?: number }): Promise<boolean> {
  const at = p.now.toISOString();
  return applied(
    ownedBy(db, job)
      .set({
        state: 'dead',
        attempts: p.attempts ?? job.attempts,
        locked_by: null,
        locked_until: null,
        last_error: p.error,
        finished_at: at,
        updated_at: at,
      })
      .executeTakeFirst(),
  );
}

/** Hands an interrupted run (worker shutting down) back to the queue at once; the attempt still counts. */
export function releaseJob(db: Kysely<DB>, job: Claimed, p: { error: string; now: Date }): Promise<boolean> {
  const at = p.now.toISOString();
  return applied(
    ownedBy(db, job)
      .set({ state: 'available', run_at: at, locked_by: null, locked_until: null, last_error: p.error, updated_at: at })
      .executeTakeFirst(),
  );
}

/**
 * Hands back a run that never started its work (a worker stopping while the run waited for a slot): available at
 * once, and the claim's attempt not counted.
 */
export function unclaimJob(db: Kysely<DB>, job: Claimed, now: Date): Promise<boolean> {
  const at = now.toISOString();
  return applied(
    ownedBy(db, job)
      .set({ state: 'available', run_at: at, attempts: job.attempts - 1, locked_by: null, locked_until: null, updated_at: at })
      .executeTakeFirst(),
  );
}

/** Deletes finished jobs: completed and cancelled ones before `finishedBefore`, dead ones before `deadBefore`. */
export async function pruneJobs(db: Kysely<DB>, p: { finishedBefore: Date; deadBefore: Date }): Promise<number> {
  const result = await db
    .deleteFrom('jobs')
    .where((eb) =>
      eb.or([
        eb.and([eb('state', 'in', ['completed', 'cancelled']), eb('finished_at', '<', p.finishedBefore.toISOString())]),
        eb.and([eb('state', '=', 'dead'), eb('finished_at', '<', p.deadBefore.toISOString())]),
      ]),
    )
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
