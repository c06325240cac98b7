import { sql, type Kysely } from 'kysely';
import type { DB, JobRow } from '../schema.js';
import type { ClaimJobsParams } from './dialect.js';

/*
 * The parts of job claiming both dialects share; only the row locking differs (postgres.ts, sqlite.ts).
 * Timestamps are ISO-8601 UTC text of one fixed width, so `<=` on text orders them correctly in both databases.
 */

/** A claim's two kinds of candidate: due `available` jobs, and `running` jobs whose lease ran out. */
export type ClaimKind = 'due' | 'expired';

/**
 * One kind of candidate, restricted to the names the worker handles, first in claim order (priority, then oldest),
 * at most `limit`. The dialects query the two kinds apart, merge them and order them again: as one OR, neither
 * database could walk an index in claim order, so every claim read and sorted every available job (0.7 ms a claim
 * with 2,000 queued, on SQLite). Apart, `due` walks jobs_claim_idx and stops after `limit` rows.
 */
export function candidates(db: Kysely<DB>, p: ClaimJobsParams, kind: ClaimKind) {
  const now = p.now.toISOString();
  const base = db.selectFrom('jobs').select(['id', 'priority', 'run_at', 'sequence']).where('name', 'in', [...p.names]);
  const filtered =
    kind === 'due'
      ? base.where('state', '=', 'available').where('run_at', '<=', now)
      : base.where('state', '=', 'running').where('locked_until', '<', now);
  return filtered.orderBy('priority').orderBy('run_at').orderBy('sequence').limit(p.limit);
}

/** What a claim writes: running, leased to the worker, one more attempt; a re-claimed job notes the lost lease. */
export function claimUpdate(p: ClaimJobsParams) {
  const now = p.now.toISOString();
  return {
    state: 'running' as const,
    attempts: sql<number>`attempts + 1`,
    locked_by: p.workerId,
    locked_until: new Date(p.now.getTime() + p.leaseSeconds * 1000).toISOString(),
    // In an UPDATE, column references read the old row: `state` and `locked_by` are the values before the claim.
    last_error: sql<string | null>`case when state = 'running' then ${'lease expired: worker '} || locked_by || ${' stopped before finishing attempt '} || attempts else last_error end`,
    updated_at: now,
  };
}

/** RETURNING order is unspecified: hand jobs to the worker in claim order. */
export function inClaimOrder(rows: JobRow[]): JobRow[] {
  return rows.sort((a, b) => a.priority - b.priority || (a.run_at < b.run_at ? -1 : a.run_at > b.run_at ? 1 : 0) || a.sequence - b.sequence);
}
