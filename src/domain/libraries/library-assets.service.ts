import type { AssetRow, LibraryRow } from '../../db/schema.js';
import { isoNow } from '../../lib/clock.js';
import { newId } from '../../lib/ids.js';
import { requirePermission } from '../access.js';
import { findAssetsByIds } from '../assets/assets.repo.js';
import { requireAsset, viewAssets, type AssetView } from '../assets/assets.service.js';
import { inTransaction, scopedAccountId, scopedWorkspaceId, type Ctx } from '../context.js';
import { errors } from '../errors.js';
import { recordHistory } from '../history/history.service.js';
import { notifySubscribers } from '../subscriptions/notify-subscribers.js';
import { assertNotTrashed } from '../tags/tags.rules.js';
import { listLibrariesOfAssets, listLibraryAssetRows } from './libraries.repo.js';
import { requireLibrary } from './libraries.service.js';

/** Most assets one request may add to a library. */
export const MAX_LIBRARY_ASSETS_PER_REQUEST = 500;

/** GET /workspaces/libraries/{id}/assets: the library's live assets, most recently added first. */
export async function listLibraryAssets(
  ctx: Ctx,
  libraryId: string,
  page: { limit: number; cursor?: number | undefined },
): Promise<{ items: AssetView[]; nextCursor: number | null }> {
  requirePermission(ctx.actor, 'asset.read');
  await requireLibrary(ctx, libraryId);
  const found = await listLibraryAssetRows(ctx.db, { workspaceId: scopedWorkspaceId(ctx), libraryId, ...page });
  return { items: await viewAssets(ctx, found.rows), nextCursor: found.nextCursor };
}

/** GET /workspaces/assets/{id}/libraries: the libraries holding the asset. */
export async function listAssetLibraries(ctx: Ctx, assetId: string): Promise<LibraryRow[]> {
  requirePermission(ctx.actor, 'asset.read');
  await requireAsset(ctx, assetId);
  const rows = await listLibrariesOfAssets(ctx.db, { workspaceId: scopedWorkspaceId(ctx), assetIds: [assetId] });
  return rows.map((r) => r.library);
}

async function addOne(ctx: Ctx, library: LibraryRow, asset: AssetRow): Promise<void> {
  const workspaceId = scopedWorkspaceId(ctx);
  const row = await ctx.db
    .insertInto('library_assets')
    .values({ id: newId(), workspace_id: workspaceId, library_id: library.id, asset_id: asset.id, added_by_user_id: ctx.actor.userId, created_at: isoNow(ctx.clock) })
    .onConflict((oc) => oc.columns(['library_id', 'asset_id']).doNothing())
    .returning('id')
    .executeTakeFirst();
  if (!row) {
    return;
  }
  const data = { before: null, after: { library_id: library.id, name: library.name } };
  await recordHistory(ctx, {
    accountId: ctx.actor.accountId,
    workspaceId,
    assetId: asset.id,
    userId: ctx.actor.userId,
    subjectType: 'library_asset',
    recordId: library.id,
    type: 'library_asset_added',
    data,
  });
  await notifySubscribers(ctx, { workspaceId, accountId: scopedAccountId(ctx), assetId: asset.id, actorUserId: ctx.actor.userId, type: 'library_asset_added', data });
}

async function removeOne(ctx: Ctx, library: LibraryRow, assetId: string): Promise<void> {
  const workspaceId = scopedWorkspaceId(ctx);
  const r = await ctx.db
    .deleteFrom('library_assets')
    .where('workspace_id', '=', workspaceId)
    .where('library_id', '=', library.id)
    .where('asset_id', '=', assetId)
    .executeTakeFirst();
  if (Number(r.numDeletedRows) === 0) {
    return;
  }
  const data = { before: { library_id: library.id, name: library.name }, after: null };
  await recordHistory(ctx, {
    accountId: ctx.actor.accountId,
    workspaceId,
    assetId,
    userId: ctx.actor.userId,
    subjectType: 'library_asset',
    recordId: library.id,
    type: 'library_asset_removed',
    data,
  });
  await notifySubscribers(ctx, { workspaceId, accountId: scopedAccountId(ctx), assetId, actorUserId: ctx.actor.userId, type: 'library_asset_removed', data });
}

/**
 * POST /workspaces/libraries/{id}/assets: adds assets (idempotent). Every id must be a live asset of this workspace,
 * or the request fails (404 / 409) and nothing is written. Returns the named assets in request order.
 */
export async function addAssetsToLibrary(ctx: Ctx, libraryId: string, assetIds: readonly string[]): Promise<AssetView[]> {
  requirePermission(ctx.actor, 'organise.manage');
  const ids = [...new Set(assetIds)];
  if (ids.length === 0) {
    throw errors.invalidField('body', 'asset_ids', 'send at least one asset id');
  }
  if (ids.length > MAX_LIBRARY_ASSETS_PER_REQUEST) {
    throw errors.invalidField('body', 'asset_ids', `at most ${MAX_LIBRARY_ASSETS_PER_REQUEST} ids per request`);
  }
  const assets = await inTransaction(ctx, async (tx) => {
    const library = await requireLibrary(tx, libraryId);
    const found = await findAssetsByIds(tx.db, { workspaceId: scopedWorkspaceId(tx), ids });
    const byId = new Map(found.map((a) => [a.id, a]));
    const ordered: AssetRow[] = [];
    for (const id of ids) {
      const asset = byId.get(id);
      if (!asset) {
        throw errors.notFound('asset', id);
      }
      assertNotTrashed(asset);
      ordered.push(asset);
    }
    for (const asset of ordered) {
      await addOne(tx, library, asset);
    }
    return ordered;
  });
  return viewAssets(ctx, assets);
}

/** POST /workspaces/assets/{id}/libraries/{library_id}: adds the asset; returns the libraries holding it. */
export async function addAssetToLibrary(ctx: Ctx, assetId: string, libraryId: string): Promise<LibraryRow[]> {
  requirePermission(ctx.actor, 'organise.manage');
  await inTransaction(ctx, async (tx) => {
    const asset = await requireAsset(tx, assetId);
    assertNotTrashed(asset);
    await addOne(tx, await requireLibrary(tx, libraryId), asset);
  });
  return listAssetLibraries(ctx, assetId);
}

/** DELETE from either side: removes the asset from the library (not there: nothing changes). Trashed assets may be removed. */
export async function removeAssetFromLibrary(ctx: Ctx, assetId: string, libraryId: string): Promise<void> {
  requirePermission(ctx.actor, 'organise.manage');
  await inTransaction(ctx, async (tx) => {
    await requireAsset(tx, assetId);
    await removeOne(tx, await requireLibrary(tx, libraryId), assetId);
  });
}
