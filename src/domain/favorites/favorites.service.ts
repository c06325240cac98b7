import type { AssetRow } from '../../db/schema.js';
import { requirePermission } from '../access.js';
import { requireAsset, viewAssets, type AssetView } from '../assets/assets.service.js';
import { scopedWorkspaceId, type Ctx } from '../context.js';
import { hasAssetMark } from '../subscriptions/asset-marks.repo.js';
import { setAssetMark } from '../subscriptions/asset-marks.service.js';

/** GET /workspaces/assets/{id}/favorites: whether the caller has favourited the asset. */
export async function getFavorite(ctx: Ctx, assetId: string): Promise<{ favorited: boolean }> {
  requirePermission(ctx.actor, 'asset.read');
  await requireAsset(ctx, assetId);
  const favorited = await hasAssetMark(ctx.db, 'favorites', { workspaceId: scopedWorkspaceId(ctx), assetId, userId: ctx.actor.userId });
  return { favorited };
}

const FAVORITE_HISTORY = { subjectType: 'favorite', flag: 'favorited', addedType: 'favorite_added', removedType: 'favorite_removed' };

/** POST (favourite) or DELETE (unfavourite) for the caller; idempotent, history only when something changed. */
export async function setFavorite(ctx: Ctx, assetId: string, favorited: boolean): Promise<{ favorited: boolean }> {
  await setAssetMark(ctx, 'favorites', assetId, favorited, FAVORITE_HISTORY);
  return { favorited };
}

export interface AssetPage {
  items: AssetView[];
  nextCursor: number | null;
}

/** GET /workspaces/favorites: the caller's favourite live assets, most recently favourited first (keyset on the favourite). */
export async function listMyFavorites(ctx: Ctx, page: { limit: number; cursor?: number | undefined }): Promise<AssetPage> {
  requirePermission(ctx.actor, 'asset.read');
  let q = ctx.db
    .selectFrom('favorites')
    .innerJoin('assets', 'assets.id', 'favorites.asset_id')
    .selectAll('assets')
    .select('favorites.sequence as mark_sequence')
    .where('favorites.workspace_id', '=', scopedWorkspaceId(ctx))
    .where('favorites.user_id', '=', ctx.actor.userId)
    .where('assets.is_active', '=', 1);
  if (page.cursor !== undefined) {
    q = q.where('favorites.sequence', '<', page.cursor);
  }
  const rows = await q.orderBy('favorites.sequence', 'desc').limit(page.limit + 1).execute();
  const items = rows.slice(0, page.limit);
  const last = items[items.length - 1];
  const assets: AssetRow[] = items.map(({ mark_sequence: _s, ...asset }) => asset);
  return { items: await viewAssets(ctx, assets), nextCursor: rows.length > page.limit && last ? last.mark_sequence : null };
}
