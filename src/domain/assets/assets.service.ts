import { crashPoint } from '../../lib/crash-points.js';
import type { AssetRow, AssetUpdate } from '../../db/schema.js';
import { isoNow } from '../../lib/clock.js';
import { requirePermission } from '../access.js';
import { scopedAccountId, scopedWorkspaceId, inTransaction, type Ctx } from '../context.js';
import { errors } from '../errors.js';
import { ensureFolderPath } from '../folders/folder-paths.js';
import { recordHistory } from '../history/history.service.js';
import { reindexAsset } from '../search/search-index.js';
import { requireStatusId } from '../statuses/status-ref.js';
import { notifySubscribers } from '../subscriptions/notify-subscribers.js';
import { commitReceived, readUpload } from '../uploads/receive.js';
import type { UploadSource } from '../uploads/upload-source.js';
import { emptyAssetRelated, loadAssetRelations, type AssetRelated } from './asset-relations.js';
import { ASSET_TYPES, type AssetType } from './asset-types.js';
import { findActiveAssetAtPath, findAsset, findAssetsByIds, updateAssetRow } from './assets.repo.js';
import { cleanDescription, cleanFileName, cleanFolder, cleanName } from './assets.rules.js';
import { requireWritable } from './writable.js';

export interface AssetView {
  asset: AssetRow;
  related: AssetRelated;
}

/** Assets with their related data, in the order of `rows`. */
export async function viewAssets(ctx: Ctx, rows: readonly AssetRow[]): Promise<AssetView[]> {
  const workspaceId = scopedWorkspaceId(ctx);
  const related = await loadAssetRelations(ctx.db, workspaceId, rows.map((r) => r.id), ctx.actor.userId);
  return rows.map((asset) => ({
    asset,
    related: related.get(asset.id) ?? emptyAssetRelated(),
  }));
}

async function viewAsset(ctx: Ctx, asset: AssetRow): Promise<AssetView> {
  const [view] = await viewAssets(ctx, [asset]);
  if (!view) {
    throw errors.notFound('asset', asset.id);
  }
  return view;
}

/** The asset in the request's workspace, or `not_found`. */
export async function requireAsset(ctx: Ctx, id: string): Promise<AssetRow> {
  const asset = await findAsset(ctx.db, { workspaceId: scopedWorkspaceId(ctx), id });
  if (!asset) {
    throw errors.notFound('asset', id);
  }
  return asset;
}

/**
 * POST /workspaces/assets: streams the file into the blob store, then commits it as a new asset, as a new version
 * of `asset_id`, or as a new version of the live asset already at the same folder + file name.
 */
export async function uploadAsset(ctx: Ctx, source: UploadSource): Promise<AssetView> {
  requirePermission(ctx.actor, 'asset.write');
  const workspaceId = scopedWorkspaceId(ctx);
  const { file, fields } = await readUpload(ctx, source);
  if (!file) {
    throw errors.invalidField(source.fieldsIn === 'query' ? 'body' : source.fieldsIn, 'file', 'is required');
  }
  const result = await commitReceived(ctx, file, {
    workspaceId,
    originalFileName: fields.fileName ?? file.originalFileName,
    declared: { sha256: fields.checksum, size: fields.size },
    target: fields.assetId
      ? { assetId: fields.assetId }
      : { newAsset: { name: fields.name, fileLocation: fields.fileLocation, description: fields.description } },
    versionName: fields.versionName,
    description: fields.versionDescription,
    fieldsIn: source.fieldsIn,
  });
  crashPoint('upload.stream.after-commit');
  return viewAsset(ctx, result.asset);
}

/** GET /workspaces/assets/{id}: trashed assets included (isActive false). */
export async function getAsset(ctx: Ctx, id: string): Promise<AssetView> {
  requirePermission(ctx.actor, 'asset.read');
  return viewAsset(ctx, await requireAsset(ctx, id));
}

/** GET /workspaces/assets/getByIds: in request order; unknown and other workspaces' ids are left out. */
export async function getAssetsByIds(ctx: Ctx, ids: readonly string[]): Promise<AssetView[]> {
  requirePermission(ctx.actor, 'asset.read');
  const rows = await findAssetsByIds(ctx.db, { workspaceId: scopedWorkspaceId(ctx), ids });
  const byId = new Map(rows.map((r) => [r.id, r]));
  const seen = new Set<string>();
  const ordered: AssetRow[] = [];
  for (const id of ids) {
    const row = byId.get(id);
    if (row && !seen.has(id)) {
      seen.add(id);
      ordered.push(row);
    }
  }
  return viewAssets(ctx, ordered);
}

export interface AssetPatch {
  name?: string | undefined;
  description?: string | undefined;
  fileLocation?: string | undefined;
  fileName?: string | undefined;
  statusId?: string | null | undefined;
  /** The body field `name` and `fileName` came in, when not `name` and `file_name` (a rename sends one for both). */
  nameField?: string | undefined;
}

/** PATCH /workspaces/assets/{id} and /rename: metadata only; moving or renaming onto a live asset's path is 409. */
export async function updateAsset(ctx: Ctx, id: string, patch: AssetPatch): Promise<AssetView> {
  requirePermission(ctx.actor, 'asset.write');
  const workspaceId = scopedWorkspaceId(ctx);
  const asset = await inTransaction(ctx, async (tx) => {
    const before = await requireAsset(tx, id);
    await requireWritable(tx, before);
    const set: AssetUpdate = {};
    if (patch.name !== undefined) {
      set.name = cleanName(patch.name, patch.nameField ?? 'name', 'body');
    }
    if (patch.description !== undefined) {
      set.description = cleanDescription(patch.description, 'description', 'body');
    }
    if (patch.fileName !== undefined) {
      set.file_name = cleanFileName(patch.fileName, patch.nameField ?? 'file_name', 'body');
    }
    if (patch.fileLocation !== undefined) {
      set.file_location = cleanFolder(patch.fileLocation, 'file_location', 'body');
    }
    if (patch.statusId !== undefined) {
      set.status_id = patch.statusId === null ? null : await requireStatusId(tx.db, { workspaceId, statusId: patch.statusId });
    }
    const location = set.file_location ?? before.file_location;
    const fileName = set.file_name ?? before.file_name;
    if (location !== before.file_location || fileName !== before.file_name) {
      const clash = await findActiveAssetAtPath(tx.db, { workspaceId, fileLocation: location, fileName });
      if (clash && clash.id !== before.id) {
        throw errors.conflict('asset_path_taken', `Another asset is already at ${location}${fileName}.`);
      }
    }
    const changes = Object.fromEntries(
      Object.entries(set).filter(([k, v]) => before[k as keyof AssetRow] !== v),
    );
    if (Object.keys(changes).length === 0) {
      return before;
    }
    const onlyStatus = Object.keys(changes).every((k) => k === 'status_id');
    if (set.file_location !== undefined && set.file_location !== before.file_location) {
      await ensureFolderPath(tx, workspaceId, set.file_location);
    }
    const after = await updateAssetRow(tx.db, { workspaceId, id }, { ...set, updated_at: isoNow(tx.clock) });
    await reindexAsset(tx, { workspaceId, assetId: id });
    if (!after) {
      throw errors.notFound('asset', id);
    }
    await recordHistory(tx, {
      accountId: ctx.actor.accountId,
      workspaceId,
      assetId: id,
      userId: ctx.actor.userId,
      subjectType: 'asset',
      recordId: id,
      type: set.file_name !== undefined || set.name !== undefined ? 'asset_renamed' : onlyStatus ? 'asset_status_changed' : 'asset_updated',
      data: {
        before: Object.fromEntries(Object.keys(changes).map((k) => [k, before[k as keyof AssetRow]])),
        after: changes,
      },
    });
    if ('status_id' in changes) {
      const data = { before: { status_id: before.status_id }, after: { status_id: after.status_id } };
      const actorUserId = ctx.actor.userId;
      await notifySubscribers(tx, { workspaceId, accountId: scopedAccountId(tx), assetId: id, actorUserId, type: 'asset_status_changed', data });
    }
    return after;
  });
  return viewAsset(ctx, asset);
}

/**
 * PATCH /workspaces/assets/{id}/rename: renames the asset and its file name together (the extension is the caller's
 * choice). `field` is the body field the name came in (`name` or `file_name`), so a bad one is reported there.
 */
export function renameAsset(ctx: Ctx, id: string, name: string, field: 'name' | 'file_name'): Promise<AssetView> {
  return updateAsset(ctx, id, { name, fileName: name, nameField: field });
}

/** GET /workspaces/assetTypes: the static catalogue. */
export function listAssetTypes(ctx: Ctx): readonly AssetType[] {
  requirePermission(ctx.actor, 'asset.read');
  return ASSET_TYPES;
}
