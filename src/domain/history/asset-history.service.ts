import type { HistoryEventRow, UserRow } from '../../db/schema.js';
import { requirePermission } from '../access.js';
import { findAsset } from '../assets/assets.repo.js';
import { viewAssets, type AssetView } from '../assets/assets.service.js';
import { scopedWorkspaceId, type Ctx } from '../context.js';
import { errors } from '../errors.js';
import { findUsersByIds } from '../users/users.repo.js';
import { listHistory } from './history.service.js';

export interface AssetHistoryPage {
  items: HistoryEventRow[];
  nextCursor: number | null;
  /** Undefined once the asset has been purged (its history outlives it). */
  asset: AssetView | undefined;
  users: Map<string, UserRow>;
}

/**
 * GET /workspaces/assets/{id}/history: the asset's events, newest first. History survives a purge: an id with no
 * asset but with history in this workspace still answers; an id with neither (or another tenant's) is 404.
 */
export async function listAssetHistory(ctx: Ctx, assetId: string, page: { limit: number; cursor?: number | undefined }): Promise<AssetHistoryPage> {
  requirePermission(ctx.actor, 'asset.read');
  const workspaceId = scopedWorkspaceId(ctx);
  const asset = await findAsset(ctx.db, { workspaceId, id: assetId });
  if (!asset) {
    const any = await ctx.db
      .selectFrom('history_events')
      .select('id')
      .where('workspace_id', '=', workspaceId)
      .where('asset_id', '=', assetId)
      .limit(1)
      .executeTakeFirst();
    if (!any) {
      throw errors.notFound('asset', assetId);
    }
  }
  const result = await listHistory(ctx.db, { assetId, workspaceId, viewerId: ctx.actor.userId }, { limit: page.limit, before: page.cursor });
  const [views, users] = await Promise.all([
    asset ? viewAssets(ctx, [asset]) : Promise.resolve([]),
    findUsersByIds(ctx.db, result.items.flatMap((e) => (e.user_id ? [e.user_id] : []))),
  ]);
  return { ...result, asset: views[0], users };
}
