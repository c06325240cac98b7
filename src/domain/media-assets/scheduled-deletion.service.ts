import type { Actor, Deps } from '../context.js';
import { inTransaction } from '../context.js';
import { findAsset } from '../assets/assets.repo.js';
import { isoNow } from '../../lib/clock.js';
import { trashAssetAsSystem } from '../trash/trash.service.js';
import { dueScheduledDeletions, findMediaFields } from './media-assets.repo.js';
import { sweepInBatches } from '../sweep.js';

/*
 * Scheduled deletion (medialoopster `date_del`, docs/medialoopster.md "Media assets"): once an asset's date_del has
 * passed, the `assets.delete_scheduled` sweep moves it to its workspace's trash as the system, exactly as a DELETE
 * would (restorable; history `asset_deleted` with reason `scheduled`; events), and clears date_del so that a restore
 * does not trash it again. A locked (checked-out) asset waits until it is unlocked.
 */

/** Trashes every asset whose date_del is due at `now`, `batchSize` per query, one transaction each. Returns how many. */
export async function trashDueAssets(deps: Deps & { signal?: AbortSignal }, batchSize: number): Promise<number> {
  const now = isoNow(deps.clock);
  return sweepInBatches({ batchSize, signal: deps.signal }, (limit) => dueScheduledDeletions(deps.db, now, limit), (d) => trashIfDue(deps, d, now));
}

/** Checked again inside the transaction: a PATCH may have cancelled or moved the date, or someone locked the asset. */
async function trashIfDue(deps: Deps, d: { assetId: string; workspaceId: string; accountId: string }, now: string): Promise<boolean> {
  const actor: Actor = { userId: '', apiKeyId: null, accountId: d.accountId, accountRole: null, workspaceId: d.workspaceId, workspaceRole: null };
  return inTransaction({ ...deps, actor }, async (tx) => {
    const asset = await findAsset(tx.db, { workspaceId: d.workspaceId, id: d.assetId });
    const dateDel = (await findMediaFields(tx.db, [d.assetId])).get(d.assetId)?.date_del ?? null;
    if (!asset || asset.is_active !== 1 || asset.locked_by_user_id !== null || dateDel === null || dateDel > now) {
      return false;
    }
    await trashAssetAsSystem(tx, asset, { reason: 'scheduled', date_del: dateDel });
    await tx.db.updateTable('media_asset_fields').set({ date_del: null, updated_at: now }).where('workspace_id', '=', d.workspaceId).where('asset_id', '=', d.assetId).execute();
    return true;
  });
}
