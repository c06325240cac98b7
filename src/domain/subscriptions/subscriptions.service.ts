import type { UserRow } from '../../db/schema.js';
import { isoNow } from '../../lib/clock.js';
import { requirePermission } from '../access.js';
import { requireAsset } from '../assets/assets.service.js';
import { inTransaction, scopedWorkspaceId, type Ctx } from '../context.js';
import { recordHistory } from '../history/history.service.js';
import { assertNotTrashed } from '../tags/tags.rules.js';
import { findUsersByIds } from '../users/users.repo.js';
import { deleteAssetMark, insertAssetMark } from './asset-marks.repo.js';
import { listAssetSubscribers } from './subscriptions.repo.js';

export interface SubscriptionView {
  subscribed: boolean;
  /** Everyone subscribed to the asset, in order of subscription. */
  subscribers: UserRow[];
}

async function viewOf(ctx: Ctx, assetId: string): Promise<SubscriptionView> {
  const ids = await listAssetSubscribers(ctx.db, { workspaceId: scopedWorkspaceId(ctx), assetId });
  const users = await findUsersByIds(ctx.db, ids);
  return {
    subscribed: ids.includes(ctx.actor.userId),
    subscribers: ids.flatMap((id) => {
      const u = users.get(id);
      return u ? [u] : [];
    }),
  };
}

/** GET /workspaces/assets/{id}/subscriptions: whether the caller is subscribed, and who is. */
export async function getAssetSubscription(ctx: Ctx, assetId: string): Promise<SubscriptionView> {
  requirePermission(ctx.actor, 'asset.read');
  await requireAsset(ctx, assetId);
  return viewOf(ctx, assetId);
}

/** POST (subscribe) or DELETE (unsubscribe) the caller; idempotent, history only when something changed. */
export async function setAssetSubscription(ctx: Ctx, assetId: string, subscribed: boolean): Promise<SubscriptionView> {
  requirePermission(ctx.actor, 'asset.read');
  const workspaceId = scopedWorkspaceId(ctx);
  await inTransaction(ctx, async (tx) => {
    const asset = await requireAsset(tx, assetId);
    const scope = { workspaceId, assetId, userId: tx.actor.userId };
    let changed: boolean;
    if (subscribed) {
      assertNotTrashed(asset);
      changed = await insertAssetMark(tx.db, 'asset_subscriptions', { ...scope, now: isoNow(tx.clock) });
    } else {
      changed = await deleteAssetMark(tx.db, 'asset_subscriptions', scope);
    }
    if (changed) {
      await recordHistory(tx, {
        accountId: tx.actor.accountId,
        workspaceId,
        assetId,
        userId: tx.actor.userId,
        subjectType: 'asset_subscription',
        recordId: assetId,
        type: subscribed ? 'subscribed' : 'unsubscribed',
        data: { before: { subscribed: !subscribed }, after: { subscribed } },
      });
    }
  });
  return viewOf(ctx, assetId);
}
