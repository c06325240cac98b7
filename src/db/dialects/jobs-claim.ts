import { sql, type Expression, type ExpressionBuilder, type SqlBool } from 'kysely';
import type { DB, JobRow } from '../schema.js';
import type { ClaimJobsParams } from './dialect.js';

/*
 * The parts of job claiming both dialects share; only the row locking differs (postgres.ts, sqlite.ts).
 * Timestamps are ISO-8601 UTC text of one fixed width, so `<=` on text orders them correctly in both databases.
 */

/** Due `available` jobs, or `running` jobs whose lease ran out, restricted to the names the worker handles. */
export function claimable(eb: ExpressionBuilder<DB, 'jobs'>, p: ClaimJobsParams): Expression<SqlBool> {
  const now = p.now.toISOString();
  return eb.and([
    eb('name', 'in', [...p.names]),
    eb.or([
      eb.and([eb('state', '=', 'available'), eb('run_at', '<=', now)]),
      eb.and([eb('state', '=', 'running'), eb('locked_until', '<', now)]),
    ]),
  ]);
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
