import { BoundedMap } from '../../lib/bounded-map.js';
import { verifyHs256 } from '../../lib/jwt-hs256.js';
import { lazyImport } from '../../lib/lazy-module.js';
import { UNMATCHABLE_SECRET_HASH, verifySecret } from '../../lib/secrets.js';
import type { Deps } from '../context.js';
import { errors } from '../errors.js';
import { assertNotRateLimited, authBuckets, clearAuthFailures, recordAuthFailure } from './rate-limit.js';
import { recordHistory } from '../history/history.service.js';
import { consumeRefreshToken } from './refresh-tokens.service.js';

export interface TokenRequest {
  accountId?: string | undefined;
  key: string;
  secret: string;
  clientAddress: string;
  /** The OAuth2 refresh grant (Workstream): honoured only for a live refresh token of this key (refresh-tokens.service.ts). */
  refreshToken?: string | undefined;
}

export interface IssuedToken {
  token: string;
  expiresIn: number;
  claims: TokenClaims;
}

export interface TokenClaims {
  userId: string;
  accountId: string;
  apiKeyId: string;
}

/**
 * POST /auth/token: API key + secret -> short-lived signed token. A wrong key, secret or account gets the same
 * error after the same work, and repeated failures are rate limited per (client address, key) and per client
 * address (rate-limit.ts says why not per key alone).
 */
export async function issueToken(deps: Deps, req: TokenRequest): Promise<IssuedToken> {
  const { address, pair } = authBuckets(req.clientAddress, req.key);
  const buckets = [address, pair];
  await assertNotRateLimited(deps, buckets);
  const row = await deps.db
    .selectFrom('api_keys')
    .innerJoin('users', 'users.id', 'api_keys.user_id')
    .select(['api_keys.id', 'api_keys.account_id', 'api_keys.user_id', 'api_keys.secret_hash', 'api_keys.revoked_at', 'users.is_active'])
    .where('api_keys.key', '=', req.key)
    .executeTakeFirst();
  // The secret is checked whatever else is wrong (no key, revoked, other account): an unknown key runs the same scrypt
  // against a hash nothing matches, so the time of a 401 does not tell whether the key exists.
  const secretMatches = await verifySecret(req.secret, row?.secret_hash ?? UNMATCHABLE_SECRET_HASH);
  const ok =
    row !== undefined &&
    secretMatches &&
    row.revoked_at === null &&
    row.is_active === 1 &&
    (req.accountId === undefined || req.accountId === row.account_id);
  if (!ok || !row) {
    await recordAuthFailure(deps, buckets);
    if (row) {
      await recordHistory(deps, {
        accountId: row.account_id,
        userId: row.user_id,
        subjectType: 'user',
        recordId: row.user_id,
        type: 'login_failed',
        data: { api_key_id: row.id },
      });
    }
    throw errors.invalidCredentials();
  }
  // The client is checked first (a wrong secret is `invalid_client` whatever the refresh token), then the grant; a
  // wrong refresh token counts as a failure like a wrong secret, so guessing one is rate limited the same way.
  if (req.refreshToken !== undefined && !(await consumeRefreshToken(deps, req.refreshToken, row.id))) {
    await recordAuthFailure(deps, buckets);
    throw errors.invalidGrant();
  }
  const ttl = deps.config.auth.tokenTtlSeconds;
  const nowSeconds = Math.floor(deps.clock.now().getTime() / 1000);
  const { SignJWT } = await jose();
  const token = await new SignJWT({ acc: row.account_id, kid: row.id })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(row.user_id)
    .setIssuedAt(nowSeconds)
    .setExpirationTime(nowSeconds + ttl)
    .setIssuer('atelier')
    .sign(deps.tokenKey);
  await deps.db.updateTable('api_keys').set({ last_used_at: deps.clock.now().toISOString() }).where('id', '=', row.id).execute();
  await clearAuthFailures(deps, pair);
  await recordHistory(deps, {
    accountId: row.account_id,
    userId: row.user_id,
    subjectType: 'user',
    recordId: row.user_id,
    type: 'login_successful',
    data: { api_key_id: row.id },
  });
  return { token, expiresIn: ttl, claims: { userId: row.user_id, accountId: row.account_id, apiKeyId: row.id } };
}

interface VerifiedToken {
  claims: TokenClaims;
  /** Seconds since the epoch; `nbf` 0 when the token has none. */
  exp: number;
  nbf: number;
}

/*
 * Tokens whose signature checked out, by their exact text (signature included, so no other string can match one).
 * A client sends the same token on every request until it expires; the HMAC and JSON decoding are done once per
 * token, and expiry is still checked against the clock on every use.
 */
const verified = new WeakMap<Uint8Array, BoundedMap<string, VerifiedToken>>();

/** jose only signs (a token per key exchange); loaded when the first token is issued. */
const jose = lazyImport(() => import('jose'));

/** Checks signature, issuer and expiry (against the injected clock); throws `invalid_token`. */
export function verifyToken(deps: Pick<Deps, 'tokenKey' | 'clock'>, token: string): TokenClaims {
  let known = verified.get(deps.tokenKey);
  if (!known) {
    known = new BoundedMap(10_000);
    verified.set(deps.tokenKey, known);
  }
  const now = deps.clock.now();
  const hit = known.get(token);
  if (hit) {
    const nowSeconds = Math.floor(now.getTime() / 1000);
    if (hit.exp <= nowSeconds || hit.nbf > nowSeconds) {
      known.delete(token);
      throw errors.invalidToken();
    }
    return hit.claims;
  }
  const payload = verifyHs256(token, deps.tokenKey, { issuer: 'atelier', now });
  if (!payload || typeof payload.sub !== 'string' || typeof payload.acc !== 'string' || typeof payload.kid !== 'string') {
    throw errors.invalidToken();
  }
  const claims = { userId: payload.sub, accountId: payload.acc, apiKeyId: payload.kid };
  known.set(token, { claims, exp: payload.exp as number, nbf: typeof payload.nbf === 'number' ? payload.nbf : 0 });
  return claims;
}
