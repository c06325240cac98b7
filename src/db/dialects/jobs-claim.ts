import { sql, type Compilable, type Kysely } from 'kysely';
import { prepare, type PreparedQuery } from '../prepared.js';
import type { DB, JobRow } from '../schema.js';
import type { ClaimJobsParams } from './dialect.js';

/*
 * The parts of job claiming both dialects share; only the row locking differs (postgres.ts, sqlite.ts).
 * Timestamps are ISO-8601 UTC text of one fixed width, so `<=` on text orders them correctly in both databases.
 */

/** A claim's two kinds of candidate: due `available` jobs, and `running` jobs whose lease ran out. */
export type ClaimKind = 'due' | 'expired';

/** The values a claim statement binds, as text. */
export interface ClaimValues {
  now: string;
  lockedUntil: string;
  workerId: string;
  names: readonly string[];
  limit: number;
}

/**
 * One kind of candidate, restricted to the names the worker handles, first in claim order (priority, then oldest),
 * at most `limit`. The dialects query the two kinds apart, merge them and order them again: as one OR, neither
 * database could walk an index in claim order, so every claim read and sorted every available job (0.7 ms a claim
 * with 2,000 queued, on SQLite). Apart, `due` walks jobs_claim_idx and stops after `limit` rows.
 */
export function candidates(db: Kysely<DB>, v: ClaimValues, kind: ClaimKind) {
  // The states are literals, not parameters. The claim index holds only available jobs, and the planner must see
  // that `due` implies its predicate. NOTE(sqlite): when a bound parameter decides whether a partial index applies,
  // SQLite plans the statement again at every run (`expired` is checked against the claim index's predicate too).
  const base = db.selectFrom('jobs').select(['id', 'priority', 'run_at', 'sequence']).where('name', 'in', [...v.names]);
  const filtered =
    kind === 'due'
      ? base.where('state', '=', sql.lit('available')).where('run_at', '<=', v.now)
      : base.where('state', '=', sql.lit('running')).where('locked_until', '<', v.now);
  return filtered.orderBy('priority').orderBy('run_at').orderBy('sequence').limit(v.limit);
}

/** What a claim writes: running, leased to the worker, one more attempt; a re-claimed job notes the lost lease. */
export function claimUpdate(v: ClaimValues) {
  return {
    state: 'running' as const,
    attempts: sql<number>`attempts + 1`,
    locked_by: v.workerId,
    locked_until: v.lockedUntil,
    // In an UPDATE, column references read the old row: `state` and `locked_by` are the values before the claim.
    last_error: sql<string | null>`case when state = 'running' then ${'lease expired: worker '} || locked_by || ${' stopped before finishing attempt '} || attempts else last_error end`,
    updated_at: v.now,
  };
}

/** RETURNING order is unspecified: hand jobs to the worker in claim order. */
export function inClaimOrder(rows: JobRow[]): JobRow[] {
  return rows.sort((a, b) => a.priority - b.priority || (a.run_at < b.run_at ? -1 : a.run_at > b.run_at ? 1 : 0) || a.sequence - b.sequence);
}

export type ClaimBuilder = (db: Kysely<DB>, v: ClaimValues) => Compilable<JobRow>;

/**
 * A dialect's claim statement, compiled once per shape (limit, number of names): workers claim all the time, and
 * building and compiling the statement with Kysely cost more CPU than SQLite spent running it (bench/thumbnails).
 */
export const claimQuery = (build: ClaimBuilder): PreparedQuery<ClaimValues, JobRow> => prepare(build, { literal: ['limit'] });

/** Runs a dialect's claim (claimQuery) with a claim's parameters; the jobs come back in claim order. */
export async function runClaim(db: Kysely<DB>, p: ClaimJobsParams, query: PreparedQuery<ClaimValues, JobRow>): Promise<JobRow[]> {
  const rows = await query.rows(db, {
    now: p.now.toISOString(),
    lockedUntil: new Date(p.now.getTime() + p.leaseSeconds * 1000).toISOString(),
    workerId: p.workerId,
    names: p.names,
    limit: p.limit,
  });
  return inClaimOrder(rows);
}
