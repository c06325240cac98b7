import type { AssetRow } from '../../db/schema.js';
import { isoNow } from '../../lib/clock.js';
import { numberedName } from '../../lib/zip-names.js';
import { requirePermission } from '../access.js';
import { findActiveAssetAtPath, updateAssetRow } from '../assets/assets.repo.js';
import { requireWritable } from '../assets/writable.js';
import { requireAsset, viewAssets, type AssetView } from '../assets/assets.service.js';
import { inTransaction, scopedWorkspaceId, type Ctx, type Deps } from '../context.js';
import { errors } from '../errors.js';
import { ensureFolderPath } from '../folders/folder-paths.js';
import { recordHistory } from '../history/history.service.js';
import { reindexAsset } from '../search/search-index.js';
import { findAssetsIn } from '../downloads/downloads.repo.js';
import { purgeTrashedVersions } from '../versions/version-trash.service.js';
import { deleteTrashedAssets, listTrashedAssets, listTrashedIds, type TrashCursor } from './trash.repo.js';

/** Most ids one bulk trash / restore call may name. */
export const MAX_TRASH_IDS = 1000;
/** Assets purged per transaction when emptying the trash or applying retention. */
const PURGE_BATCH = 500;

// The lock rule of assets.rules.ts without its "not in the trash" part, which trash and restore must not apply.
const assertNotLockedByOther = (asset: AssetRow, ctx: Ctx): Promise<void> => requireWritable(ctx, { ...asset, is_active: 1 });

function cleanIds(ids: readonly string[]): string[] {
  const unique = [...new Set(ids.map((id) => id.trim()).filter((id) => id !== ''))];
  if (unique.length === 0) {
    throw errors.invalidField('body', 'ids', 'name at least one asset');
  }
  if (unique.length > MAX_TRASH_IDS) {
    throw errors.invalidField('body', 'ids', `at most ${MAX_TRASH_IDS} ids`);
  }
  return unique;
}

/** All of `ids` in the workspace, or `not_found` naming the first missing one (nothing is changed then). */
async function requireAll(ctx: Ctx, ids: readonly string[]): Promise<AssetRow[]> {
  const rows = await findAssetsIn(ctx.db, { workspaceId: scopedWorkspaceId(ctx), ids });
  const byId = new Map(rows.map((r) => [r.id, r]));
  return ids.map((id) => {
    const row = byId.get(id);
    if (!row) {
      throw errors.notFound('asset', id);
    }
    return row;
  });
}

/**
 * `by` is who deleted it (the actor; null for the system, e.g. a scheduled deletion) and `reason` extra history data
 * saying why when it was not a request.
 */
async function moveToTrash(tx: Ctx, assets: readonly AssetRow[], by: string | null = tx.actor.userId, reason?: Record<string, unknown>): Promise<void> {
  const workspaceId = scopedWorkspaceId(tx);
  const now = isoNow(tx.clock);
  for (const asset of assets.filter((a) => a.is_active === 1)) {
    await assertNotLockedByOther(asset, tx);
    await updateAssetRow(tx.db, { workspaceId, id: asset.id }, { is_active: 0, deleted_at: now, deleted_by_user_id: by, updated_at: now });
    await recordHistory(tx, {
      accountId: tx.actor.accountId,
      workspaceId,
      assetId: asset.id,
      userId: by,
      subjectType: 'asset',
      recordId: asset.id,
      type: 'asset_deleted',
      data: { name: asset.name, file_location: asset.file_location, file_name: asset.file_name, ...reason },
    });
  }
}

/**
 * Moves an asset to the trash as the system (no user; `tx.actor` names only the account and workspace), exactly as
 * a DELETE does otherwise (restorable, history `asset_deleted` with `reason`, events). For sweeps such as the
 * medialoopster scheduled deletion; the caller checks the asset is due, live and not locked, in `tx`'s transaction.
 */
export async function trashAssetAsSystem(tx: Ctx, asset: AssetRow, reason: Record<string, unknown>): Promise<void> {
  await moveToTrash(tx, [asset], null, reason);
}

/** DELETE /workspaces/assets/{id}: moves the asset to the shared trash (idempotent for one already there). */
export async function trashAsset(ctx: Ctx, id: string): Promise<AssetView> {
  requirePermission(ctx.actor, 'asset.delete');
  await inTransaction(ctx, async (tx) => moveToTrash(tx, [await requireAsset(tx, id)]));
  const [view] = await viewAssets(ctx, [await requireAsset(ctx, id)]);
  if (!view) {
    throw errors.notFound('asset', id);
  }
  return view;
}

/** DELETE /workspaces/assets: all or nothing; a missing, foreign or locked asset leaves everything as it was. */
export async function trashAssets(ctx: Ctx, ids: readonly string[]): Promise<string[]> {
  requirePermission(ctx.actor, 'asset.delete');
  const unique = cleanIds(ids);
  await inTransaction(ctx, async (tx) => moveToTrash(tx, await requireAll(tx, unique)));
  return unique;
}

/**
 * Restores trashed assets. An active asset now at the same folder + file name does not block the restore: the
 * restored asset gets the first free `name (n).ext` file name (as desktop trash bins do) and history records it.
 */
async function restoreInTx(tx: Ctx, assets: readonly AssetRow[]): Promise<void> {
  const workspaceId = scopedWorkspaceId(tx);
  const now = isoNow(tx.clock);
  for (const asset of assets.filter((a) => a.is_active !== 1)) {
    await assertNotLockedByOther(asset, tx);
    let fileName = asset.file_name;
    for (let n = 2; await findActiveAssetAtPath(tx.db, { workspaceId, fileLocation: asset.file_location, fileName }); n++) {
      fileName = numberedName(asset.file_name, n);
    }
    await updateAssetRow(tx.db, { workspaceId, id: asset.id }, { is_active: 1, deleted_at: null, deleted_by_user_id: null, file_name: fileName, updated_at: now });
    await reindexAsset(tx, { workspaceId, assetId: asset.id });
    // Its folder may have been deleted meanwhile (DELETE folder ?recursive=true): bring the folder back too.
    await ensureFolderPath(tx, workspaceId, asset.file_location);
    await recordHistory(tx, {
      accountId: tx.actor.accountId,
      workspaceId,
      assetId: asset.id,
      userId: tx.actor.userId,
      subjectType: 'asset',
      recordId: asset.id,
      type: 'asset_restored',
      data: { file_location: asset.file_location, file_name: fileName, ...(fileName !== asset.file_name ? { renamed_from: asset.file_name } : {}) },
    });
  }
}

/** PATCH /workspaces/assets/{id}/restore (idempotent for a live asset). */
export async function restoreAsset(ctx: Ctx, id: string): Promise<AssetView> {
  const [view] = await restoreAssets(ctx, [id]);
  if (!view) {
    throw errors.notFound('asset', id);
  }
  return view;
}

/** POST /workspaces/trash/restore: all or nothing, in request order. */
export async function restoreAssets(ctx: Ctx, ids: readonly string[]): Promise<AssetView[]> {
  requirePermission(ctx.actor, 'asset.delete');
  const unique = cleanIds(ids);
  await inTransaction(ctx, async (tx) => restoreInTx(tx, await requireAll(tx, unique)));
  return viewAssets(ctx, await requireAll(ctx, unique));
}

/** GET /workspaces/trash: newest deletion first; the cursor is opaque. */
export async function listTrash(ctx: Ctx, page: { limit: number; cursor?: string | undefined }): Promise<{ items: AssetView[]; nextCursor: string | null }> {
  requirePermission(ctx.actor, 'asset.read');
  const after = page.cursor === undefined ? undefined : decodeCursor(page.cursor);
  const rows = await listTrashedAssets(ctx.db, { workspaceId: scopedWorkspaceId(ctx), limit: page.limit + 1, after });
  const items = rows.slice(0, page.limit);
  const last = items[items.length - 1];
  const nextCursor = rows.length > page.limit && last ? encodeCursor({ deletedAt: last.deleted_at ?? '', sequence: last.sequence }) : null;
  return { items: await viewAssets(ctx, items), nextCursor };
}

const encodeCursor = (c: TrashCursor): string => Buffer.from(`${c.deletedAt}|${c.sequence}`).toString('base64url');

function decodeCursor(cursor: string): TrashCursor {
  const [deletedAt = '', seq = ''] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  const sequence = Number(seq);
  if (deletedAt === '' || !Number.isInteger(sequence) || sequence < 1) {
    throw errors.invalidField('query', 'cursor', 'is not a cursor this endpoint gave out');
  }
  return { deletedAt, sequence };
}

type PurgeRow = { id: string; name: string; file_location: string; file_name: string };

/** Deletes trashed rows with an `asset_purged` history event each (history has no FK to assets: it survives). */
async function purgeRows(
  tx: Deps,
  input: { accountId: string | null; workspaceId: string; userId: string | null; rows: readonly PurgeRow[]; reason: 'manual' | 'retention' },
): Promise<number> {
  for (const row of input.rows) {
    await recordHistory(tx, {
      accountId: input.accountId,
      workspaceId: input.workspaceId,
      assetId: row.id,
      userId: input.userId,
      subjectType: 'asset',
      recordId: row.id,
      type: 'asset_purged',
      data: { reason: input.reason, name: row.name, file_location: row.file_location, file_name: row.file_name },
    });
  }
  return deleteTrashedAssets(tx.db, { workspaceId: input.workspaceId, ids: input.rows.map((r) => r.id) });
}

/** DELETE /workspaces/trash/{id}: purges one trashed asset for good (a live asset is 409: trash it first). */
export async function purgeAsset(ctx: Ctx, id: string): Promise<number> {
  requirePermission(ctx.actor, 'trash.manage');
  const workspaceId = scopedWorkspaceId(ctx);
  return inTransaction(ctx, async (tx) => {
    const asset = await requireAsset(tx, id);
    if (asset.is_active === 1) {
      throw errors.conflict('asset_not_in_trash', 'Only assets in the trash can be purged; delete it first.');
    }
    return purgeRows(tx, { accountId: ctx.actor.accountId, workspaceId, userId: ctx.actor.userId, rows: [asset], reason: 'manual' });
  });
}

/**
 * Purges trashed assets of one workspace deleted before `deletedBefore` (all when undefined), batch by batch, and
 * the workspace's trashed versions under the same rule. Answers the number of assets purged.
 */
export async function purgeTrash(
  deps: Deps,
  input: { accountId: string | null; workspaceId: string; userId: string | null; deletedBefore?: string | undefined; reason: 'manual' | 'retention' },
): Promise<number> {
  await purgeTrashedVersions(deps, input);
  let purged = 0;
  for (;;) {
    const n = await inTransaction(deps, async (tx) => {
      const rows = await listTrashedIds(tx.db, { workspaceId: input.workspaceId, deletedBefore: input.deletedBefore, limit: PURGE_BATCH });
      return purgeRows(tx, { ...input, rows });
    });
    purged += n;
    if (n < PURGE_BATCH) {
      return purged;
    }
  }
}

/** POST /workspaces/trash/empty: purges everything in the workspace's trash. */
export async function emptyTrash(ctx: Ctx): Promise<number> {
  requirePermission(ctx.actor, 'trash.manage');
  return purgeTrash(ctx, { accountId: ctx.actor.accountId, workspaceId: scopedWorkspaceId(ctx), userId: ctx.actor.userId, reason: 'manual' });
}
