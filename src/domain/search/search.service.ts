import { requirePermission } from '../access.js';
import { findAssetsByIds } from '../assets/assets.repo.js';
import { viewAssets, type AssetView } from '../assets/assets.service.js';
import { scopedWorkspaceId, type Ctx } from '../context.js';
import { findSearchHits, type SearchHit } from './search.repo.js';
import { compileSearch, encodeCursor, type CompiledSearch, type SearchRequest } from './search.rules.js';

export interface SearchPage<T> {
  items: T[];
  /** Pass back as `cursor` for the next page; null on the last page. */
  nextCursor: string | null;
}

async function searchHits(ctx: Ctx, req: SearchRequest): Promise<SearchPage<SearchHit>> {
  requirePermission(ctx.actor, 'asset.read');
  const compiled: CompiledSearch = compileSearch(req);
  const hits = await findSearchHits(ctx.db, ctx.dialect, { workspaceId: scopedWorkspaceId(ctx), viewerId: ctx.actor.userId }, compiled);
  const page = hits.slice(0, compiled.limit);
  const last = page[page.length - 1];
  const nextCursor = hits.length > compiled.limit && last ? encodeCursor(compiled.sort, compiled.order, last.sort_key, last.sequence) : null;
  return { items: page, nextCursor };
}

/** GET/POST /workspaces/assets/search: one page of the workspace's matching assets, with their related data. */
export async function searchAssets(ctx: Ctx, req: SearchRequest): Promise<SearchPage<AssetView>> {
  const { items, nextCursor } = await searchHits(ctx, req);
  const rows = await findAssetsByIds(ctx.db, { workspaceId: scopedWorkspaceId(ctx), ids: items.map((h) => h.id) });
  const byId = new Map(rows.map((r) => [r.id, r]));
  const ordered = items.flatMap((h) => {
    const row = byId.get(h.id);
    return row ? [row] : [];
  });
  return { items: await viewAssets(ctx, ordered), nextCursor };
}

/** GET/POST /workspaces/assets/search/ids: the same search, ids only. */
export async function searchAssetIds(ctx: Ctx, req: SearchRequest): Promise<SearchPage<string>> {
  const { items, nextCursor } = await searchHits(ctx, req);
  return { items: items.map((h) => h.id), nextCursor };
}
