import type { Kysely } from 'kysely';
import type { DomainError } from '../../domain/errors.js';
import type { DB, JobRow } from '../schema.js';

export type DialectName = 'sqlite' | 'postgres';

/** What differs between SQLite and PostgreSQL. Services never branch on the dialect themselves. */
export interface Dialect {
  readonly name: DialectName;
  /** Turns a driver constraint error into a domain error (unique -> conflict, foreign key -> invalid). */
  translateError(err: unknown): DomainError | undefined;
  /**
   * Atomically claims up to `limit` jobs for a worker: due `available` jobs, and `running` jobs whose lease expired
   * (their worker died), in priority order. Claimed rows become `running`, leased until now + leaseSeconds, with
   * `attempts` counted up. PostgreSQL: FOR UPDATE SKIP LOCKED; SQLite: one UPDATE (single writer).
   */
  claimJobs(db: Kysely<DB>, params: ClaimJobsParams): Promise<JobRow[]>;
  /**
   * The highest history_events.sequence below which no new row can still appear (every writer that took a lower
   * sequence has committed or rolled back), so the event dispatcher may step over gaps up to it. Not in a transaction.
   */
  settledHistorySequence(db: Kysely<DB>): Promise<number>;
}

export interface ClaimJobsParams {
  workerId: string;
  limit: number;
  leaseSeconds: number;
  now: Date;
  /** Only jobs this worker has handlers for (during a rolling deploy, older workers leave newer jobs alone). */
  names: readonly string[];
}
