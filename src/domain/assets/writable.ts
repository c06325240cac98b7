import type { Kysely } from 'kysely';
import type { AssetRow, DB } from '../../db/schema.js';
import type { Actor } from '../context.js';
import { DomainError } from '../errors.js';
import { findUser } from '../users/users.repo.js';
import { assertWritable } from './assets.rules.js';

/** 423 asset_locked naming the holder (name, e-mail and id), with their id in the details for clients. */
export async function heldByOther(ctx: { db: Kysely<DB> }, holderId: string): Promise<DomainError> {
  const holder = await findUser(ctx.db, holderId);
  const who = holder ? `${[holder.first_name, holder.last_name].join(' ').trim() || holder.username} <${holder.email}>` : 'a former user';
  return new DomainError('locked', 'asset_locked', `The asset is locked by ${who} (user ${holderId}); only they can change it until it is unlocked.`, {
    locked_by_user_id: holderId,
  });
}

/**
 * assertWritable (not in the trash, not locked by someone else) with the lock's holder named in the refusal: people
 * read it on the asset page, in an upload row and in the CLI, where a bare user id says nothing. The name is looked
 * up only when the change is refused.
 */
export async function requireWritable(ctx: { db: Kysely<DB>; actor: Actor }, asset: AssetRow): Promise<void> {
  try {
    assertWritable(asset, ctx.actor);
  } catch (e) {
    if (e instanceof DomainError && e.code === 'asset_locked' && asset.locked_by_user_id) {
      throw await heldByOther(ctx, asset.locked_by_user_id);
    }
    throw e;
  }
}
