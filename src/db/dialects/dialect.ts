import type { Kysely, RawBuilder } from 'kysely';
import type { DomainError } from '../../domain/errors.js';
import type { DB, JobRow } from '../schema.js';

export type DialectName = 'sqlite' | 'postgres';

/** What differs between SQLite and PostgreSQL. Services never branch on the dialect themselves. */
export interface Dialect {
  readonly name: DialectName;
  /** Turns a driver constraint error into a domain error (unique -> conflict, foreign key -> invalid). */
  translateError(err: unknown): DomainError | undefined;
  /**
   * True for a failure that says "run the whole transaction again": PostgreSQL's serialization failure (40001) and
   * deadlock (40P01). inTransaction retries those, so concurrent writers never see them as 500s.
   */
  isRetryableTransactionError(err: unknown): boolean;
  /**
   * Makes a SELECT lock the rows it reads until the transaction ends. PostgreSQL: FOR UPDATE. SQLite: unchanged, as
   * its transactions (`begin immediate`) already run one at a time.
   */
  lockingRead<QB extends { forUpdate(): QB }>(qb: QB): QB;
  /**
   * Serialises, until the transaction ends, the transactions that lock the same `key`: for a row that does not
   * exist yet (an asset at a path), which no row lock can guard. PostgreSQL: a transaction-scoped advisory lock.
   * SQLite: nothing, as its transactions already run one at a time. Call it inside a transaction.
   */
  lockKey(db: Kysely<DB>, key: string): Promise<void>;
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
  /** Inserts or replaces assets' search rows (asset_search, plus the dialect's full-text index of them). */
  writeSearchDocuments(db: Kysely<DB>, docs: readonly SearchDocument[]): Promise<void>;
  /**
   * A parenthesised derived table `(asset_sequence, score)` of the workspace's assets whose search text has every
   * term as a token prefix; a higher score is more relevant (name matches outweigh the rest). Terms are plain text
   * (domain/search/search-tokens.ts); the dialect quotes them, so they never act as query syntax.
   */
  searchMatches(workspaceId: string, terms: readonly string[]): RawBuilder<SearchMatchRow>;
}

/** One asset's search text, as tokens (domain/search/search-tokens.ts). */
export interface SearchDocument {
  assetId: string;
  /** The asset's sequence (the search row's key and the FTS rowid). */
  sequence: number;
  workspaceId: string;
  names: readonly string[];
  body: readonly string[];
  updatedAt: string;
}

export interface SearchMatchRow {
  asset_sequence: number;
  score: number;
}

export interface ClaimJobsParams {
  workerId: string;
  limit: number;
  leaseSeconds: number;
  now: Date;
  /** Only jobs this worker has handlers for (during a rolling deploy, older workers leave newer jobs alone). */
  names: readonly string[];
}
