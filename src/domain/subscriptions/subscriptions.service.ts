import type { UserRow } from '../../db/schema.js';
import { requirePermission } from '../access.js';
import { requireAsset } from '../assets/assets.service.js';
import { scopedWorkspaceId, type Ctx } from '../context.js';
import { findUsersByIds } from '../users/users.repo.js';
import { setAssetMark } from './asset-marks.service.js';
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

const SUBSCRIPTION_HISTORY = { subjectType: 'asset_subscription', flag: 'subscribed', addedType: 'subscribed', removedType: 'unsubscribed' };

/** POST (subscribe) or DELETE (unsubscribe) the caller; idempotent, history only when something changed. */
export async function setAssetSubscription(ctx: Ctx, assetId: string, subscribed: boolean): Promise<SubscriptionView> {
  await setAssetMark(ctx, 'asset_subscriptions', assetId, subscribed, SUBSCRIPTION_HISTORY);
  return viewOf(ctx, assetId);
}
