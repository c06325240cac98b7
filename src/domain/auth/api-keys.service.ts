import type { Kysely } from 'kysely';
import type { ApiKeyRow, DB } from '../../db/schema.js';
import { isoNow, type Clock } from '../../lib/clock.js';
import { newId } from '../../lib/ids.js';
import { hashSecret, randomToken } from '../../lib/secrets.js';
import { requirePermission } from '../access.js';
import { inTransaction, scopedAccountId, type Ctx } from '../context.js';
import { errors } from '../errors.js';
import { recordHistory } from '../history/history.service.js';

export interface IssuedApiKey {
  row: ApiKeyRow;
  key: string;
  /** Shown once; only its scrypt hash is stored. */
  secret: string;
}

/** Creates a key + secret for a member of the account. Used by the CLI, bootstrap and invite acceptance. */
export async function createApiKey(
  deps: { db: Kysely<DB>; clock: Clock },
  input: { accountId: string; userId: string; name: string; actorUserId?: string | null },
): Promise<IssuedApiKey> {
  const key = `ak_${randomToken(12)}`;
  const secret = `sk_${randomToken(32)}`;
  const row = await deps.db
    .insertInto('api_keys')
    .values({
      id: newId(),
      account_id: input.accountId,
      user_id: input.userId,
      key,
      secret_hash: await hashSecret(secret),
      name: input.name,
      created_at: isoNow(deps.clock),
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  await recordHistory(deps, {
    accountId: input.accountId,
    userId: input.actorUserId ?? input.userId,
    subjectType: 'api_key',
    recordId: row.id,
    type: 'api_key_created',
    data: { key, name: input.name, for_user_id: input.userId },
  });
  return { row, key, secret };
}

/** Keys of an account, optionally of one user; secrets are never returned. */
export function listApiKeys(db: Kysely<DB>, scope: { accountId?: string; userId?: string }): Promise<ApiKeyRow[]> {
  let q = db.selectFrom('api_keys').selectAll();
  if (scope.accountId) {
    q = q.where('account_id', '=', scope.accountId);
  }
  if (scope.userId) {
    q = q.where('user_id', '=', scope.userId);
  }
  return q.orderBy('sequence').execute();
}

/** Revokes a key by its id or public `key`; tokens minted from it stop working on their next request. */
export async function revokeApiKey(
  deps: { db: Kysely<DB>; clock: Clock },
  input: { idOrKey: string; accountId?: string; actorUserId?: string | null },
): Promise<ApiKeyRow> {
  return inTransaction(deps as Ctx, async (tx) => {
    let q = tx.db.selectFrom('api_keys').selectAll().where((eb) => eb.or([eb('id', '=', input.idOrKey), eb('key', '=', input.idOrKey)]));
    if (input.accountId) {
      q = q.where('account_id', '=', input.accountId);
    }
    const row = await q.executeTakeFirst();
    if (!row) {
      throw errors.notFound('api_key', input.idOrKey);
    }
    const revokedAt = row.revoked_at ?? isoNow(tx.clock);
    await tx.db.updateTable('api_keys').set({ revoked_at: revokedAt }).where('id', '=', row.id).execute();
    await recordHistory(tx, {
      accountId: row.account_id,
      userId: input.actorUserId ?? null,
      subjectType: 'api_key',
      recordId: row.id,
      type: 'api_key_revoked',
      data: { key: row.key },
    });
    return { ...row, revoked_at: revokedAt };
  });
}

/** HTTP-facing variant: the caller's own account, admins only. */
export async function revokeAccountApiKey(ctx: Ctx, id: string): Promise<ApiKeyRow> {
  requirePermission(ctx.actor, 'account.keys.manage');
  return revokeApiKey(ctx, { idOrKey: id, accountId: scopedAccountId(ctx), actorUserId: ctx.actor.userId });
}

/** GET /users/me/keys: the caller's own keys in the request's account (any member manages their own). */
export function listMyApiKeys(ctx: Ctx): Promise<ApiKeyRow[]> {
  return listApiKeys(ctx.db, { accountId: scopedAccountId(ctx), userId: ctx.actor.userId });
}

/** POST /users/me/keys: a new key for the caller in the request's account; the secret is answered once. */
export function createMyApiKey(ctx: Ctx, name: string): Promise<IssuedApiKey> {
  const trimmed = name.trim();
  if (trimmed === '') {
    throw errors.invalidField('body', 'name', 'must not be blank');
  }
  return createApiKey(ctx, { accountId: scopedAccountId(ctx), userId: ctx.actor.userId, name: trimmed, actorUserId: ctx.actor.userId });
}

/** DELETE /users/me/keys/{id}: revokes one of the caller's own keys; another user's key reads as absent (404). */
export async function revokeMyApiKey(ctx: Ctx, id: string): Promise<ApiKeyRow> {
  const accountId = scopedAccountId(ctx);
  const own = await ctx.db.selectFrom('api_keys').select('id').where('id', '=', id).where('account_id', '=', accountId).where('user_id', '=', ctx.actor.userId).executeTakeFirst();
  if (!own) {
    throw errors.notFound('api_key', id);
  }
  return revokeApiKey(ctx, { idOrKey: own.id, accountId, actorUserId: ctx.actor.userId });
}
