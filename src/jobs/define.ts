import type { Static, TSchema } from '@sinclair/typebox';
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.js';
import type { Deps } from '../domain/context.js';

/* How a job is declared: each feature defines its jobs (`domain/<feature>/<name>.job.ts`) with defineJob. */

/** Exponential backoff: baseSeconds * 2^(attempt-1), capped at maxSeconds, minus up to `jitter` (0..1) of it. */
export interface BackoffPolicy {
  baseSeconds: number;
  maxSeconds: number;
  jitter: number;
}

export interface RetryPolicy {
  /** Runs in total, the first included. Can be overridden per job at enqueue. */
  maxAttempts: number;
  backoff: BackoffPolicy;
}

export const DEFAULT_RETRY: RetryPolicy = { maxAttempts: 5, backoff: { baseSeconds: 10, maxSeconds: 3600, jitter: 0.2 } };
export const DEFAULT_TIMEOUT_SECONDS = 300;
export const DEFAULT_PRIORITY = 100;

/** Facts about the run a handler is in. */
export interface JobInfo {
  id: string;
  name: string;
  /** 1 on the first run; a run whose worker died counts as an attempt too. */
  attempt: number;
  maxAttempts: number;
}

/**
 * What a handler gets: the long-lived Deps (no Actor: permission was checked by the service that enqueued the job,
 * and the payload carries the tenant scope the handler passes to repo functions), the abort signal (timeout, lost
 * lease, shutdown) and the run's facts. Handlers must be idempotent: a job can run more than once.
 */
export interface JobCtx extends Deps {
  signal: AbortSignal;
  job: JobInfo;
  /**
   * Says the rest of this run waits on I/O (a durable write, a transaction), not the CPU, so the worker may start
   * another job in its slot meanwhile. The run keeps its lease, heartbeat and time limit until the handler returns;
   * a worker holds at most twice its concurrency in runs at once, plus runs claimed ahead (see acquiresSlot). Calling
   * it again does nothing.
   */
  releaseSlot(): void;
  /**
   * For definitions with `acquiresSlot`: waits for one of the worker's CPU slots (other definitions hold theirs from
   * the start, and for them this returns at once). Rejects with the abort reason if the run is aborted meanwhile; the
   * job's time limit starts again once the slot is held. Calling it again, or after releaseSlot, does nothing.
   */
  acquireSlot(): Promise<void>;
  /**
   * Marks this run completed inside the handler's own last transaction (`db` is that transaction), so the job's
   * effect and its end commit together and the worker writes nothing after the handler returns. When the run no
   * longer owns its row (lease lost, job cancelled) it throws, which rolls the transaction back. Call it only in
   * the transaction the handler ends with: a handler that throws after it has committed leaves a completed job.
   */
  completeWithin(db: Kysely<DB>): Promise<void>;
}

export interface JobDefinition<N extends string = string, S extends TSchema = TSchema> {
  /** `noun.verb`, e.g. `derivative.thumbnail`. */
  name: N;
  payload: S;
  // Method syntax on purpose: it makes a concrete definition assignable to JobDefinition<string, TSchema>.
  handler(ctx: JobCtx, payload: Static<S>): Promise<void>;
  retry?: { maxAttempts?: number; backoff?: Partial<BackoffPolicy> };
  /** After this long the handler's signal aborts and the run counts as failed. */
  timeoutSeconds?: number;
  /**
   * The handler starts without a CPU slot and calls `ctx.acquireSlot()` before its CPU-bound part. A worker whose
   * slots are all held claims up to `concurrency` such jobs ahead, so their first steps (reading their rows) are done
   * when a slot frees: the CPU never waits on a claim or a lookup. What a handler does before acquiring must be
   * cheap, read-only and safe to repeat: a worker that stops hands a run still waiting for its slot back to the queue
   * without counting the attempt.
   */
  acquiresSlot?: boolean;
  /**
   * Settles what the job owns when it goes dead: called by the worker before it marks the job dead, whatever the
   * reason (the handler failed on its last attempt, the worker died during it, the payload no longer parses is the
   * one case without it). Must be idempotent and cheap: a handler that already settled on its last attempt is
   * called again. If it throws, the job is not marked dead and is tried again once its lease runs out.
   */
  onDead?(ctx: Deps, payload: Static<S>, error: string): Promise<void>;
  /** Default priority of this job (lower runs first). */
  priority?: number;
  /** Recurring: workers enqueue it once per period of `everySeconds` (periods are aligned to the Unix epoch). */
  schedule?: { everySeconds: number; payload: Static<S> };
}

export type AnyJobDefinition = JobDefinition<string, TSchema>;

/** Declares a job; `const` keeps the name a literal type so enqueue can be checked against the payload schema. */
export function defineJob<const N extends string, S extends TSchema>(definition: JobDefinition<N, S>): JobDefinition<N, S> {
  return definition;
}

/** Seconds to wait before the next attempt after `attempt` failed runs; `random` is in [0, 1). */
export function backoffSeconds(policy: BackoffPolicy, attempt: number, random: number): number {
  const exponential = policy.baseSeconds * 2 ** Math.max(0, attempt - 1);
  const capped = Math.min(policy.maxSeconds, exponential);
  return capped * (1 - policy.jitter * random);
}
