import { CompiledQuery, sql, type Compilable, type Kysely } from 'kysely';
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
  const base = db.selectFrom('jobs').select(['id', 'priority', 'run_at', 'sequence']).where('name', 'in', [...v.names]);
  const filtered =
    kind === 'due'
      ? base.where('state', '=', 'available').where('run_at', '<=', v.now)
      : base.where('state', '=', 'running').where('locked_until', '<', v.now);
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

// Stand-ins bound while compiling a claim's template; no real value starts with a NUL character.
const NOW = '\u0000now';
const UNTIL = '\u0000until';
const WORKER = '\u0000worker';
const NAME = '\u0000name:';

export type ClaimBuilder = (db: Kysely<DB>, v: ClaimValues) => Compilable<JobRow>;

/**
 * Runs the claim statement `build` makes (a module-level function: templates are kept per builder), compiled once
 * per shape (limit, number of names). Workers claim all the time, and building and compiling the statement with
 * Kysely cost more CPU than SQLite spent running it (bench/thumbnails). The template is compiled with stand-in
 * values, whose positions among the parameters are then filled with this claim's values.
 */
export async function runClaim(db: Kysely<DB>, p: ClaimJobsParams, build: ClaimBuilder): Promise<JobRow[]> {
  const key = `${p.limit}:${p.names.length}`;
  let template = templates.get(build)?.get(key);
  if (!template) {
    template = build(db, { now: NOW, lockedUntil: UNTIL, workerId: WORKER, names: p.names.map((_, i) => `${NAME}${i}`), limit: p.limit }).compile();
    const byShape = templates.get(build) ?? new Map<string, CompiledQuery<JobRow>>();
    byShape.set(key, template);
    templates.set(build, byShape);
  }
  const now = p.now.toISOString();
  const lockedUntil = new Date(p.now.getTime() + p.leaseSeconds * 1000).toISOString();
  const parameters = template.parameters.map((value) => {
    if (typeof value !== 'string' || !value.startsWith('\u0000')) {
      return value;
    }
    if (value === NOW) {
      return now;
    }
    if (value === UNTIL) {
      return lockedUntil;
    }
    if (value === WORKER) {
      return p.workerId;
    }
    return p.names[Number(value.slice(NAME.length))];
  });
  const result = await db.executeQuery(CompiledQuery.raw(template.sql, parameters) as CompiledQuery<JobRow>);
  return inClaimOrder(result.rows);
}

const templates = new WeakMap<ClaimBuilder, Map<string, CompiledQuery<JobRow>>>();
