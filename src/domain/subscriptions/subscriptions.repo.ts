import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.js';

/** User ids subscribed to an asset, in order of subscription. Used by every feature that fans changes out. */
export async function listAssetSubscribers(
  db: Kysely<DB>,
  scope: { workspaceId: string; assetId: string; subscribedBy?: string | undefined },
): Promise<string[]> {
  let q = db
    .selectFrom('asset_subscriptions')
    .select('user_id')
    .where('workspace_id', '=', scope.workspaceId)
    .where('asset_id', '=', scope.assetId);
  if (scope.subscribedBy !== undefined) {
    // Only those already subscribed when the change happened (the event dispatcher runs after the fact).
    q = q.where('created_at', '<=', scope.subscribedBy);
  }
  const rows = await q.orderBy('sequence').execute();
  return rows.map((r) => r.user_id);
}
