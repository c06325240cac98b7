import type { AssetRow } from '../../db/schema.js';
import { isoNow } from '../../lib/clock.js';
import { requirePermission } from '../access.js';
import { findAsset } from '../assets/assets.repo.js';
import { requireAsset, viewAssets, type AssetView } from '../assets/assets.service.js';
import { inTransaction, scopedAccountId, scopedWorkspaceId, type Ctx } from '../context.js';
import { DomainError, errors } from '../errors.js';
import { recordHistory } from '../history/history.service.js';
import { notifySubscribers } from '../subscriptions/notify-subscribers.js';
import { findUser } from '../users/users.repo.js';
import { lockIfFree, unlockIfHeldBy } from './locks.repo.js';
import { heldByOther, requireWritable } from '../assets/writable.js';

/*
 * File locking (Mudstack §5.6 "lock / unlock"): while an asset is locked, only its holder may add versions, rename,
 * move or delete it. That rule is enforced in ONE place, assets.rules.ts assertWritable, which every writing path
 * calls; this module only takes and releases locks.
 */

async function view(ctx: Ctx, asset: AssetRow): Promise<AssetView> {
  const [v] = await viewAssets(ctx, [asset]);
  if (!v) {
    throw errors.notFound('asset', asset.id);
  }
  return v;
}

async function record(tx: Ctx, asset: AssetRow, type: string, data: Record<string, unknown>): Promise<void> {
  const workspaceId = scopedWorkspaceId(tx);
  await recordHistory(tx, { accountId: tx.actor.accountId, workspaceId, assetId: asset.id, userId: tx.actor.userId, subjectType: 'asset', recordId: asset.id, type, data });
  await notifySubscribers(tx, { workspaceId, accountId: scopedAccountId(tx), assetId: asset.id, actorUserId: tx.actor.userId, type, data });
}

/** POST /workspaces/assets/{id}/lock: idempotent for the holder; 423 when someone else holds it; 409 in the trash. */
export async function lockAsset(ctx: Ctx, id: string): Promise<AssetView> {
  requirePermission(ctx.actor, 'asset.write');
  const workspaceId = scopedWorkspaceId(ctx);
  const asset = await inTransaction(ctx, async (tx) => {
    const before = await requireAsset(tx, id);
    if (before.locked_by_user_id && before.locked_by_user_id !== ctx.actor.userId) {
      throw await heldByOther(tx, before.locked_by_user_id);
    }
    await requireWritable(tx, before);
    if (before.locked_by_user_id === ctx.actor.userId) {
      return before;
    }
    const now = isoNow(tx.clock);
    if ((await lockIfFree(tx.db, { workspaceId, id, userId: ctx.actor.userId, now })) === 0) {
      // Someone locked it between our read and our update; they won.
      const current = await requireAsset(tx, id);
      if (current.locked_by_user_id === ctx.actor.userId) {
        return current;
      }
      throw await heldByOther(tx, current.locked_by_user_id ?? 'unknown');
    }
    await record(tx, before, 'asset_locked', { locked_by_user_id: ctx.actor.userId, locked_at: now });
    return requireAsset(tx, id);
  });
  return view(ctx, asset);
}

/**
 * DELETE /workspaces/assets/{id}/lock: the holder unlocks (others get 423; an unlocked asset is returned as it is).
 * With `force`, a workspace admin clears anyone's lock (asset_lock_forced, naming the previous holder).
 */
export async function unlockAsset(ctx: Ctx, id: string, opts: { force: boolean }): Promise<AssetView> {
  requirePermission(ctx.actor, opts.force ? 'asset.lock.force' : 'asset.write');
  const workspaceId = scopedWorkspaceId(ctx);
  const asset = await inTransaction(ctx, async (tx) => {
    const before = await requireAsset(tx, id);
    const holderId = before.locked_by_user_id;
    if (!holderId) {
      return before;
    }
    if (holderId !== ctx.actor.userId && !opts.force) {
      throw await heldByOther(tx, holderId);
    }
    const now = isoNow(tx.clock);
    if ((await unlockIfHeldBy(tx.db, { workspaceId, id, holderId, now })) === 0) {
      // The lock changed hands meanwhile; answer with what is there now.
      const current = await findAsset(tx.db, { workspaceId, id });
      if (current?.locked_by_user_id && current.locked_by_user_id !== ctx.actor.userId && !opts.force) {
        throw await heldByOther(tx, current.locked_by_user_id);
      }
      return current ?? before;
    }
    if (opts.force && holderId !== ctx.actor.userId) {
      await record(tx, before, 'asset_lock_forced', { previous_locked_by_user_id: holderId, previous_locked_at: before.locked_at });
    } else {
      await record(tx, before, 'asset_unlocked', { previous_locked_by_user_id: holderId, previous_locked_at: before.locked_at });
    }
    return requireAsset(tx, id);
  });
  return view(ctx, asset);
}
