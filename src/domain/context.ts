import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { BlobStore } from '../blobs/blob-store.js';
import type { Config } from '../config/config.js';
import type { Dialect } from '../db/dialects/dialect.js';
import type { ReadCache } from '../db/read-cache.js';
import type { DB } from '../db/schema.js';
import type { Jobs } from '../jobs/queue.js';
import type { Clock } from '../lib/clock.js';
import type { AccountRole, WorkspaceRole } from './access.js';

/** Who is calling and in which scope; resolved once per request by the auth plugin. No HTTP types. */
export interface Actor {
  userId: string;
  apiKeyId: string | null;
  accountId: string | null;
  accountRole: AccountRole | null;
  workspaceId: string | null;
  workspaceRole: WorkspaceRole | null;
}

/** Everything long-lived a service may use; built once by deps.ts. */
export interface Deps {
  config: Config;
  db: Kysely<DB>;
  dialect: Dialect;
  /** Memoised hot reads, valid until the next write (src/db/read-cache.ts). */
  cache: ReadCache;
  clock: Clock;
  log: Logger;
  blobs: BlobStore;
  /** HMAC key that signs access tokens and self-signed upload URLs. */
  tokenKey: Uint8Array;
  /** The job queue's registry; enqueue with `enqueue(ctx, someJob, payload)` from src/jobs/queue.ts. */
  jobs: Jobs;
}

export interface Ctx extends Deps {
  actor: Actor;
}

/** How often a transaction the database chose as a deadlock or serialization victim is run again. */
const TRANSACTION_ATTEMPTS = 5;

/**
 * Runs `fn` in a transaction; a ctx already in one is reused, so services compose. When the database rolls the
 * outermost transaction back as a deadlock or serialization victim, `fn` runs again from the start (after a short
 * random pause, so the two contenders do not meet again in step): `fn` must keep its effects inside the transaction,
 * which every service does (jobs are enqueued in it, blobs are content-addressed and swept when unreferenced).
 */
export async function inTransaction<C extends Deps, T>(ctx: C, fn: (tx: C) => Promise<T>): Promise<T> {
  if (ctx.db.isTransaction) {
    return fn(ctx);
  }
  for (let attempt = 1; ; attempt++) {
    try {
      return await ctx.db.transaction().execute((trx) => fn({ ...ctx, db: trx }));
    } catch (err) {
      if (attempt >= TRANSACTION_ATTEMPTS || !ctx.dialect.isRetryableTransactionError(err)) {
        throw err;
      }
      ctx.log.info({ err, attempt }, 'transaction rolled back by the database; running it again');
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 20 * attempt));
    }
  }
}

/** The account id of a request scoped to an account (the tenancy plugin guarantees it is there). */
export function scopedAccountId(ctx: Ctx): string {
  if (!ctx.actor.accountId) {
    throw new Error('scopedAccountId called outside an account-scoped request');
  }
  return ctx.actor.accountId;
}

/** The workspace id of a request scoped to a workspace. */
export function scopedWorkspaceId(ctx: Ctx): string {
  if (!ctx.actor.workspaceId) {
    throw new Error('scopedWorkspaceId called outside a workspace-scoped request');
  }
  return ctx.actor.workspaceId;
}
