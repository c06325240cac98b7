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
  /** When the change happened, if it is notified after the fact (event dispatcher): later subscribers are left out. */
  occurredAt?: string;
}

/**
 * Notifies the asset's subscribers (except the actor) of a change, in the caller's transaction. The one place that
 * fans asset changes out to subscribers; call it next to recordHistory in services that change an asset, unless the
 * event type is in DISPATCHED_SUBSCRIBER_EVENTS (src/domain/events/subscriber-events.ts): those are notified by the
 * event dispatcher, and a direct call as well would notify twice.
 */
export async function notifySubscribers(tx: { db: Kysely<DB>; clock: Clock }, change: AssetChange): Promise<void> {
  const subscribers = await listAssetSubscribers(tx.db, { workspaceId: change.workspaceId, assetId: change.assetId, subscribedBy: change.occurredAt });
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
