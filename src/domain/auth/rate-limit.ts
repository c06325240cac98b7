import type { Kysely } from 'kysely';
import type { Config } from '../../config/config.js';
import type { DB } from '../../db/schema.js';
import { throttleAddress } from '../../lib/client-address.js';
import { type Clock } from '../../lib/clock.js';
import { newId } from '../../lib/ids.js';
import { errors } from '../errors.js';

interface LimitDeps {
  db: Kysely<DB>;
  clock: Clock;
  config: Pick<Config, 'auth'>;
}

/*
 * Failed token requests are counted in two buckets (docs/api-core.md "Authentication, tenancy and errors"):
 *   - per client address and key together: AUTH_RATE_LIMIT_MAX failures in the window. An attacker guessing one key's
 *     secret is stopped after that many tries, and only at the attacker's address: the owner of the key, elsewhere,
 *     still gets tokens. (Counting per key alone, as before, let anyone who knew a key lock its owner out.)
 *   - per client address, all keys together: ADDRESS_LIMIT_FACTOR times that, so one address cannot try many keys.
 *     Generous, since several users may sit behind one address (an office NAT).
 * There is deliberately no ceiling per key across all addresses: it would be the same lockout again, reached from
 * more addresses. What it would protect is a secret of 256 random bits (`sk_` + 32 bytes), which no number of
 * addresses can guess; the per-address limits already bound the cost of trying (each try is one scrypt run).
 * IPv6 addresses count by their /64 (lib/client-address.ts), so rotating addresses within one allocation gains nothing.
 */

/** Buckets per client address allow this many times the per-(address, key) limit. */
export const ADDRESS_LIMIT_FACTOR = 5;

/** The buckets a token request for `key` from `clientAddress` counts against. */
export function authBuckets(clientAddress: string, key: string): { address: string; pair: string } {
  const address = throttleAddress(clientAddress);
  return { address: `addr:${address}`, pair: `pair:${address} ${key.slice(0, 200)}` };
}

const limitOf = (deps: LimitDeps, bucket: string): number =>
  bucket.startsWith('addr:') ? deps.config.auth.rateLimitMax * ADDRESS_LIMIT_FACTOR : deps.config.auth.rateLimitMax;

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

/** Forgets a bucket's failures (a successful sign-in from that address with that key). */
export async function clearAuthFailures(deps: LimitDeps, bucket: string): Promise<void> {
  await deps.db.deleteFrom('auth_failures').where('bucket', '=', bucket).execute();
}
