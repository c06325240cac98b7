import { isoNow } from '../../lib/clock.js';
import { requirePermission } from '../access.js';
import { requireAsset } from '../assets/assets.service.js';
import { inTransaction, scopedWorkspaceId, type Ctx } from '../context.js';
import { recordHistory } from '../history/history.service.js';
import { assertNotTrashed } from '../tags/tags.rules.js';
import { deleteAssetMark, insertAssetMark, type AssetMarkTable } from './asset-marks.repo.js';

/** How one kind of mark shows in history: `{ before: { [flag]: !on }, after: { [flag]: on } }`. */
export interface AssetMarkHistory {
  subjectType: string;
  flag: string;
  addedType: string;
  removedType: string;
}

/**
 * Marks (on) or unmarks the asset for the caller: idempotent, a trashed asset cannot be marked, and history only when
 * something changed. Favourites and subscriptions are both this.
 */
export async function setAssetMark(ctx: Ctx, table: AssetMarkTable, assetId: string, on: boolean, history: AssetMarkHistory): Promise<void> {
  requirePermission(ctx.actor, 'asset.read');
  const workspaceId = scopedWorkspaceId(ctx);
  await inTransaction(ctx, async (tx) => {
    const asset = await requireAsset(tx, assetId);
    const scope = { workspaceId, assetId, userId: tx.actor.userId };
    let changed: boolean;
    if (on) {
      assertNotTrashed(asset);
      changed = await insertAssetMark(tx.db, table, { ...scope, now: isoNow(tx.clock) });
    } else {
      changed = await deleteAssetMark(tx.db, table, scope);
    }
    if (changed) {
      await recordHistory(tx, {
        accountId: tx.actor.accountId,
        workspaceId,
        assetId,
        userId: tx.actor.userId,
        subjectType: history.subjectType,
        recordId: assetId,
        type: on ? history.addedType : history.removedType,
        data: { before: { [history.flag]: !on }, after: { [history.flag]: on } },
      });
    }
  });
}
