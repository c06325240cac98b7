import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.js';
import type { Clock } from '../../lib/clock.js';
import { notify } from '../notifications/notifications.service.js';
import { listAssetSubscribers } from './subscriptions.repo.js';

/** The notification type of "an asset you subscribed to changed"; `data.event` names the change. */
export const SUBSCRIBED_ASSET_CHANGED = 'subscribed_asset_changed';

export interface AssetChange {
  workspaceId: string;
  accountId: string;
  assetId: string;
  /** Who made the change: never notified of their own change. */
  actorUserId: string;
  /** The history event type of the change (asset_status_changed, asset_tag_added...). */
  type: string;
  data?: Record<string, unknown>;
}

/**
 * Notifies the asset's subscribers (except the actor) of a change, in the caller's transaction. The one place that
 * fans asset changes out to subscribers; call it next to recordHistory in services that change an asset.
 */
export async function notifySubscribers(tx: { db: Kysely<DB>; clock: Clock }, change: AssetChange): Promise<void> {
  const subscribers = await listAssetSubscribers(tx.db, { workspaceId: change.workspaceId, assetId: change.assetId });
  const userIds = subscribers.filter((id) => id !== change.actorUserId);
  if (userIds.length === 0) {
    return;
  }
  await notify(tx, {
    accountId: change.accountId,
    workspaceId: change.workspaceId,
    userIds,
    type: SUBSCRIBED_ASSET_CHANGED,
    data: { event: change.type, asset_id: change.assetId, actor_user_id: change.actorUserId, ...change.data },
  });
}
