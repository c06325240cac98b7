import type { Readable } from 'node:stream';
import type { AssetVersionRow } from '../../db/schema.js';
import { isoNow } from '../../lib/clock.js';
import { newId } from '../../lib/ids.js';
import { requirePermission } from '../access.js';
import { loadAssetRelations, type VersionView } from '../assets/asset-relations.js';
import { cleanDescription, cleanName } from '../assets/assets.rules.js';
import { getAsset, requireAsset, type AssetView } from '../assets/assets.service.js';
import { updateAssetRow } from '../assets/assets.repo.js';
import { inTransaction, scopedWorkspaceId, type Ctx } from '../context.js';
import { errors } from '../errors.js';
import { recordHistory } from '../history/history.service.js';
import { recordVersionEvent } from './version-history.js';
import { reindexAsset } from '../search/search-index.js';
import { storeThumbnail, THUMBNAIL_CONTENT_TYPE } from '../thumbnails/thumbnails.service.js';
import { commitReceived, readUpload } from '../uploads/receive.js';
import type { UploadSource } from '../uploads/upload-source.js';
import { enqueueDerivativeJobs } from '../media/media-jobs.js';
import { copyReadyDerivatives, isDerivativeKind, insertPendingDerivatives, listDerivativesOfVersions } from './derivatives.js';
import { findVersion, insertVersion, maxVersionNumber, updateVersionRow } from './versions.repo.js';
import { requireWritable } from '../assets/writable.js';

async function viewVersion(ctx: Ctx, version: AssetVersionRow): Promise<VersionView> {
  const related = await loadAssetRelations(ctx.db, version.workspace_id, [version.asset_id], ctx.actor.userId);
  const view = related.get(version.asset_id)?.versions.find((v) => v.version.id === version.id);
  if (!view) {
    throw errors.notFound('version', version.id);
  }
  return view;
}

async function requireVersion(ctx: Ctx, assetId: string, versionId: string): Promise<AssetVersionRow> {
  const workspaceId = scopedWorkspaceId(ctx);
  await requireAsset(ctx, assetId);
  const version = await findVersion(ctx.db, { workspaceId, assetId, id: versionId });
  if (!version || version.deleted_at !== null) {
    throw errors.notFound('version', versionId);
  }
  return version;
}

/** GET /workspaces/assets/{id}/versions: newest first. */
export async function listVersions(ctx: Ctx, assetId: string): Promise<VersionView[]> {
  requirePermission(ctx.actor, 'asset.read');
  await requireAsset(ctx, assetId);
  const related = await loadAssetRelations(ctx.db, scopedWorkspaceId(ctx), [assetId], ctx.actor.userId);
  return related.get(assetId)?.versions ?? [];
}

/** GET /workspaces/assets/{id}/versions/{version_id}. */
export async function getVersion(ctx: Ctx, assetId: string, versionId: string): Promise<VersionView> {
  requirePermission(ctx.actor, 'asset.read');
  return viewVersion(ctx, await requireVersion(ctx, assetId, versionId));
}

/** POST /workspaces/assets/{id}/versions: a new version of this asset (the file name comes from the upload). */
export async function uploadVersion(ctx: Ctx, assetId: string, source: UploadSource): Promise<VersionView> {
  requirePermission(ctx.actor, 'asset.write');
  const workspaceId = scopedWorkspaceId(ctx);
  // Refuse before reading the body: a foreign, trashed or locked asset never gets bytes stored for it.
  await requireWritable(ctx, await requireAsset(ctx, assetId));
  const { file, fields } = await readUpload(ctx, source);
  if (!file) {
    throw errors.invalidField('body', 'file', 'is required');
  }
  const result = await commitReceived(ctx, file, {
    workspaceId,
    originalFileName: fields.fileName ?? file.originalFileName,
    declared: { sha256: fields.checksum, size: fields.size },
    target: { assetId },
    versionName: fields.versionName ?? fields.name,
    description: fields.versionDescription ?? fields.description,
    descriptionField: fields.versionDescription !== undefined ? 'version_description' : 'description',
    fieldsIn: source.fieldsIn,
  });
  return viewVersion(ctx, result.version);
}

/** PATCH /workspaces/assets/{id}/versions/{version_id}: title and description. */
export async function updateVersion(
  ctx: Ctx,
  assetId: string,
  versionId: string,
  patch: { name?: string | undefined; description?: string | undefined },
): Promise<VersionView> {
  requirePermission(ctx.actor, 'asset.write');
  const workspaceId = scopedWorkspaceId(ctx);
  const updated = await inTransaction(ctx, async (tx) => {
    const before = await requireVersion(tx, assetId, versionId);
    await requireWritable(tx, await requireAsset(tx, assetId));
    const set: { name?: string; description?: string } = {};
    if (patch.name !== undefined) {
      set.name = cleanName(patch.name, 'name', 'body');
    }
    if (patch.description !== undefined) {
      set.description = cleanDescription(patch.description, 'description', 'body');
    }
    if (Object.keys(set).length === 0) {
      return before;
    }
    const after = await updateVersionRow(tx.db, { workspaceId, assetId, id: versionId }, set);
    await recordVersionEvent(tx, { assetId, versionId: versionId, type: 'version_updated', data: { before: { name: before.name, description: before.description }, after: set } });
    return after ?? before;
  });
  return viewVersion(ctx, updated);
}

/**
 * POST /workspaces/assets/{id}/versions/{version_id}/current (Atelier extension): makes an older version current
 * by committing a NEW version that points at the same blob, so history is never rewritten.
 */
export async function makeVersionCurrent(ctx: Ctx, assetId: string, versionId: string): Promise<AssetView> {
  requirePermission(ctx.actor, 'asset.write');
  const workspaceId = scopedWorkspaceId(ctx);
  await inTransaction(ctx, async (tx) => {
    const source = await requireVersion(tx, assetId, versionId);
    const asset = await requireAsset(tx, assetId);
    await requireWritable(tx, asset);
    const now = isoNow(tx.clock);
    await updateAssetRow(tx.db, { workspaceId, id: assetId }, { updated_at: now });
    const number = (await maxVersionNumber(tx.db, { workspaceId, assetId })) + 1;
    const version = await insertVersion(tx.db, {
      id: newId(),
      asset_id: assetId,
      workspace_id: workspaceId,
      version_number: number,
      commit_parent_id: asset.current_version_id,
      name: source.name,
      description: source.description,
      blob_key: source.blob_key,
      size: source.size,
      checksum: source.checksum,
      content_type: source.content_type,
      original_file_name: source.original_file_name,
      thumbnail_blob_key: source.thumbnail_blob_key,
      metadata: source.metadata,
      created_by_user_id: ctx.actor.userId,
      created_at: now,
      deleted_at: null,
    });
    await updateAssetRow(tx.db, { workspaceId, id: assetId }, { current_version_id: version.id, updated_at: now });
    await reindexAsset(tx, { workspaceId, assetId });
    // Same bytes, same derivatives: ready ones are copied; the rest are made again.
    const sourceDerivatives = await listDerivativesOfVersions(tx.db, { workspaceId, versionIds: [source.id] });
    const copied = await copyReadyDerivatives(tx, { workspaceId, from: sourceDerivatives, toVersionId: version.id });
    const copiedKinds = new Set(copied.map((d) => d.kind));
    const missing = sourceDerivatives.filter((d) => !copiedKinds.has(d.kind)).map((d) => d.kind).filter(isDerivativeKind);
    await enqueueDerivativeJobs(tx, await insertPendingDerivatives(tx, { workspaceId, versionId: version.id, kinds: missing }));
    await recordVersionEvent(tx, { assetId, versionId: version.id, type: 'version_restored', data: { version_id: version.id, version_number: number, restored_from_version_id: source.id, restored_from_version_number: source.version_number } });
  });
  return getAsset(ctx, assetId);
}

/** POST /workspaces/assets/{id}/versions/{version_id}/thumbnail: a custom thumbnail, re-encoded to WebP. */
export async function setVersionThumbnail(
  ctx: Ctx,
  assetId: string,
  versionId: string,
  read: (store: (image: Readable) => Promise<string>) => Promise<string | undefined>,
): Promise<VersionView> {
  requirePermission(ctx.actor, 'asset.write');
  const workspaceId = scopedWorkspaceId(ctx);
  await requireVersion(ctx, assetId, versionId);
  await requireWritable(ctx, await requireAsset(ctx, assetId));
  const key = await read((image) => storeThumbnail(ctx, image));
  if (!key) {
    throw errors.invalidField('body', 'file', 'is required');
  }
  const updated = await inTransaction(ctx, async (tx) => {
    const after = await updateVersionRow(tx.db, { workspaceId, assetId, id: versionId }, { thumbnail_blob_key: key });
    if (!after) {
      throw errors.notFound('version', versionId);
    }
    await recordVersionEvent(tx, { assetId, versionId: versionId, type: 'version_thumbnail_updated', data: { thumbnail_file_id: key } });
    return after;
  });
  return viewVersion(ctx, updated);
}

/** GET /workspaces/assets/{id}/versions/{version_id}/thumbnail: the custom thumbnail, else the ready derivative. */
export async function getVersionThumbnail(
  ctx: Ctx,
  assetId: string,
  versionId: string,
): Promise<{ stream: Readable; contentType: string; key: string }> {
  requirePermission(ctx.actor, 'asset.read');
  const view = await viewVersion(ctx, await requireVersion(ctx, assetId, versionId));
  const thumb = thumbnailOf(view);
  if (!thumb) {
    throw errors.notFound('thumbnail');
  }
  return { stream: await ctx.blobs.get(thumb.key), contentType: thumb.contentType, key: thumb.key };
}

/** The thumbnail a version shows: an uploaded one wins over the generated derivative. */
export function thumbnailOf(view: VersionView): { key: string; contentType: string } | undefined {
  if (view.version.thumbnail_blob_key) {
    return { key: view.version.thumbnail_blob_key, contentType: THUMBNAIL_CONTENT_TYPE };
  }
  const d = view.derivatives.find((x) => x.kind === 'thumbnail' && x.state === 'ready' && x.blob_key);
  return d?.blob_key ? { key: d.blob_key, contentType: d.content_type ?? THUMBNAIL_CONTENT_TYPE } : undefined;
}
