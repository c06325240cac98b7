import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { DB, UserRow, UserSessionRow } from '../../db/schema.js';
import { isoNow } from '../../lib/clock.js';
import { newId } from '../../lib/ids.js';
import { UNMATCHABLE_PASSWORD_HASH, verifyPassword } from '../../lib/passwords.js';
import { randomToken, sha256Hex } from '../../lib/secrets.js';
import type { Deps } from '../context.js';
import { errors } from '../errors.js';
import { recordHistory } from '../history/history.service.js';
import { assertNotRateLimited, authBuckets, clearAuthFailures, recordAuthFailure } from './rate-limit.js';

/*
 * Browser sessions for people (docs/web.md "Sessions and CSRF"). Signing in with e-mail and password makes a row in
 * `user_sessions` and a random cookie value (32 bytes) of which only the SHA-256 is stored. The session lasts
 * SESSION_TTL_SECONDS after its last use, and never longer than SESSION_MAX_LIFETIME_SECONDS after sign-in; signing
 * out (or changing the password) revokes the row, so a stolen cookie stops working on the server, not only in the
 * browser.
 */

/** However active, a session ends this long after sign-in (then the person signs in again). */
export const SESSION_MAX_LIFETIME_SECONDS = 30 * 24 * 3600;

/** A session's last use is written at most this often, so reads do not turn every request into a write. */
const TOUCH_INTERVAL_MS = 5 * 60 * 1000;

export interface StartedSession {
  session: UserSessionRow;
  user: UserRow;
  /** The cookie value; shown once, only its hash is kept. */
  token: string;
  csrfToken: string;
}

export interface SignInRequest {
  email: string;
  password: string;
  clientAddress: string;
  userAgent: string | undefined;
}

/**
 * The CSRF token of a session: an HMAC of its id under the server's key. Nothing to store, the same for the whole
 * session, and unguessable without the key; the app reads it from the sign-in answer (or GET /auth/session) and
 * echoes it in `x-csrf-token` on every write.
 */
export function csrfTokenFor(deps: Pick<Deps, 'tokenKey'>, sessionId: string): string {
  return createHmac('sha256', deps.tokenKey).update(`csrf\u0000${sessionId}`).digest('base64url');
}

/** Constant-time comparison of a sent CSRF token with the session's. */
export function csrfTokenMatches(deps: Pick<Deps, 'tokenKey'>, sessionId: string, sent: string | undefined): boolean {
  if (sent === undefined) {
    return false;
  }
  const expected = Buffer.from(csrfTokenFor(deps, sessionId));
  const actual = Buffer.from(sent);
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/**
 * POST /auth/sessions: e-mail + password -> a new session. Failures are rate limited in the same buckets as key
 * sign-ins (rate-limit.ts: per client address and e-mail, and per client address), and an unknown e-mail, a user
 * without a password, an inactive user and a wrong password all get the same answer after the same scrypt work.
 */
export async function signIn(deps: Deps, req: SignInRequest): Promise<StartedSession> {
  const email = req.email.trim().toLowerCase();
  const { address, pair } = authBuckets(req.clientAddress, `email:${email}`);
  const buckets = [address, pair];
  await assertNotRateLimited(deps, buckets);
  const user = await deps.db.selectFrom('users').selectAll().where('email', '=', email).executeTakeFirst();
  const matches = await verifyPassword(req.password, user?.password_hash ?? UNMATCHABLE_PASSWORD_HASH);
  if (!user || !matches || user.password_hash === null || user.is_active !== 1) {
    await recordAuthFailure(deps, buckets);
    if (user) {
      await recordHistory(deps, { accountId: null, userId: user.id, subjectType: 'user', recordId: user.id, type: 'login_failed', data: { method: 'password' } });
    }
    throw errors.invalidSignIn();
  }
  await clearAuthFailures(deps, pair);
  const started = await startSession(deps, { user, clientAddress: req.clientAddress, userAgent: req.userAgent });
  await recordHistory(deps, {
    accountId: null,
    userId: user.id,
    subjectType: 'user',
    recordId: user.id,
    type: 'login_successful',
    data: { method: 'password', session_id: started.session.id },
  });
  return started;
}

async function startSession(deps: Deps, input: { user: UserRow; clientAddress: string; userAgent: string | undefined }): Promise<StartedSession> {
  const token = randomToken(32);
  const now = deps.clock.now();
  const session = await deps.db
    .insertInto('user_sessions')
    .values({
      id: newId(),
      user_id: input.user.id,
      token_hash: sha256Hex(token),
      created_at: now.toISOString(),
      last_seen_at: now.toISOString(),
      expires_at: expiryAfter(deps, now, now),
      revoked_at: null,
      client_address: input.clientAddress.slice(0, 100),
      user_agent: input.userAgent?.slice(0, 500) ?? null,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return { session, user: input.user, token, csrfToken: csrfTokenFor(deps, session.id) };
}

/** Idle expiry from `from`, capped by the session's absolute lifetime counted from `createdAt`. */
function expiryAfter(deps: Deps, from: Date, createdAt: Date): string {
  const idle = from.getTime() + deps.config.auth.sessionTtlSeconds * 1000;
  const cap = createdAt.getTime() + SESSION_MAX_LIFETIME_SECONDS * 1000;
  return new Date(Math.min(idle, cap)).toISOString();
}

export interface ActiveSession {
  session: UserSessionRow;
  user: UserRow;
}

/**
 * The live session a cookie value names, or undefined (unknown, revoked, expired, or its user deactivated). Extends
 * the idle expiry when the last recorded use is older than a few minutes.
 */
export async function findActiveSession(deps: Deps, token: string): Promise<ActiveSession | undefined> {
  const hash = sha256Hex(token);
  const found = await deps.cache.get(deps.db, `session:${hash}`, () => findSessionRow(deps.db, hash));
  if (!found || found.session.revoked_at !== null || found.user.is_active !== 1) {
    return undefined;
  }
  const now = deps.clock.now();
  if (found.session.expires_at <= now.toISOString()) {
    return undefined;
  }
  if (now.getTime() - Date.parse(found.session.last_seen_at) > TOUCH_INTERVAL_MS) {
    const expires_at = expiryAfter(deps, now, new Date(found.session.created_at));
    await deps.db
      .updateTable('user_sessions')
      .set({ last_seen_at: now.toISOString(), expires_at })
      .where('id', '=', found.session.id)
      .execute();
    return { user: found.user, session: { ...found.session, last_seen_at: now.toISOString(), expires_at } };
  }
  return found;
}

async function findSessionRow(db: Kysely<DB>, tokenHash: string): Promise<ActiveSession | undefined> {
  const session = await db.selectFrom('user_sessions').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst();
  if (!session) {
    return undefined;
  }
  const user = await db.selectFrom('users').selectAll().where('id', '=', session.user_id).executeTakeFirst();
  return user ? { session, user } : undefined;
}

/** DELETE /auth/session: ends the session on the server (idempotent). */
export async function endSession(deps: Deps, sessionId: string, userId: string): Promise<void> {
  await deps.db
    .updateTable('user_sessions')
    .set({ revoked_at: isoNow(deps.clock) })
    .where('id', '=', sessionId)
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .execute();
  await recordHistory(deps, { accountId: null, userId, subjectType: 'user', recordId: userId, type: 'logout', data: { session_id: sessionId } });
}

/** Ends every session of a user but `keepSessionId` (after a password change or reset). */
export async function endOtherSessions(deps: Pick<Deps, 'db' | 'clock'>, userId: string, keepSessionId: string | null): Promise<void> {
  let q = deps.db.updateTable('user_sessions').set({ revoked_at: isoNow(deps.clock) }).where('user_id', '=', userId).where('revoked_at', 'is', null);
  if (keepSessionId !== null) {
    q = q.where('id', '!=', keepSessionId);
  }
  await q.execute();
}
