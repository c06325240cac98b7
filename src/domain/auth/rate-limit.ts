import type { Kysely } from 'kysely';
import type { Config } from '../../config/config.js';
import type { DB } from '../../db/schema.js';
import { type Clock } from '../../lib/clock.js';
import { newId } from '../../lib/ids.js';
import { errors } from '../errors.js';

interface LimitDeps {
  db: Kysely<DB>;
  clock: Clock;
  config: Pick<Config, 'auth'>;
}

/** Buckets per client address allow this many times the per-key limit (several users may share an address). */
export const ADDRESS_LIMIT_FACTOR = 5;

const limitOf = (deps: LimitDeps, bucket: string): number =>
  bucket.startsWith('ip:') ? deps.config.auth.rateLimitMax * ADDRESS_LIMIT_FACTOR : deps.config.auth.rateLimitMax;

const windowStart = (deps: LimitDeps): string =>
  new Date(deps.clock.now().getTime() - deps.config.auth.rateLimitWindowSeconds * 1000).toISOString();

/**
 * Throws `rate_limited` when any bucket has reached the limit of failures in the window. Kept in the database so
 * that every API process sees the same counts.
 */
export async function assertNotRateLimited(deps: LimitDeps, buckets: string[]): Promise<void> {
  const since = windowStart(deps);
  const rows = await deps.db
    .selectFrom('auth_failures')
    .select((eb) => ['bucket', eb.fn.countAll<number>().as('n'), eb.fn.min('failed_at').as('oldest')])
    .where('bucket', 'in', buckets)
    .where('failed_at', '>', since)
    .groupBy('bucket')
    .execute();
  for (const r of rows) {
    if (Number(r.n) >= limitOf(deps, r.bucket)) {
      const oldest = new Date(String(r.oldest)).getTime();
      const retryAt = oldest + deps.config.auth.rateLimitWindowSeconds * 1000;
      throw errors.rateLimited(Math.max(1, Math.ceil((retryAt - deps.clock.now().getTime()) / 1000)));
    }
  }
}

/** Counts one failure against each bucket and forgets failures that left the window. */
export async function recordAuthFailure(deps: LimitDeps, buckets: string[]): Promise<void> {
  const now = deps.clock.now().toISOString();
  await deps.db.deleteFrom('auth_failures').where('failed_at', '<=', windowStart(deps)).execute();
  await deps.db
    .insertInto('auth_failures')
    .values(buckets.map((bucket) => ({ id: newId(), bucket, failed_at: now })))
    .execute();
}
