import type { Readable } from 'node:stream';
import type { ByteRange } from '../../blobs/blob-store.js';
import type { AssetRow, AssetVersionRow } from '../../db/schema.js';
import { sanitizeFileName } from '../../lib/safe-path.js';
import { UniqueEntryNames, zipEntryName } from '../../lib/zip-names.js';
import { requirePermission } from '../access.js';
import { findAsset } from '../assets/assets.repo.js';
import { scopedWorkspaceId, type Ctx } from '../context.js';
import { errors } from '../errors.js';
import { findVersion } from '../versions/versions.repo.js';
import { findAssetsIn, findVersionsIn } from './downloads.repo.js';
import { buildZip, type ZipDownload, type ZipEntry } from './zip-stream.js';

/** Most assets one bulk download may contain. */
export const MAX_BULK_DOWNLOAD = 10_000;

/** Presigned download URLs live this long (S3 `?redirect=1`). */
export const PRESIGN_SECONDS = 300;

/*
 * Content types a browser may show inline (`?inline=1`). Anything that can run script in our origin (HTML, SVG,
 * XML) is always an attachment; so is everything not listed.
 */
const PREVIEWABLE = new Set([
  'image/png', 'image/jpeg', 'image/gif', 'image/webp', 'image/avif', 'image/bmp',
  'video/mp4', 'video/webm', 'video/quicktime', 'audio/mpeg', 'audio/wav', 'audio/x-wav', 'audio/wave',
  'audio/ogg', 'audio/flac', 'audio/x-flac', 'audio/mp4', 'audio/aac', 'application/pdf', 'text/plain',
]);

export const isPreviewable = (contentType: string): boolean => PREVIEWABLE.has(contentType.toLowerCase());

/** What a single-file download serves. */
export interface DownloadTarget {
  asset: AssetRow;
  version: AssetVersionRow;
  /** The asset's file name, made safe for Content-Disposition. */
  fileName: string;
}

/**
 * The version a download serves: the asset's current version, or `versionId` of it. A trashed asset reads as absent
 * unless `includeDeleted` (so the trash view can still fetch it); a soft-deleted version always does.
 */
export async function resolveDownload(
  ctx: Ctx,
  input: { assetId: string; versionId?: string | undefined; includeDeleted: boolean },
): Promise<DownloadTarget> {
  requirePermission(ctx.actor, 'asset.read');
  const workspaceId = scopedWorkspaceId(ctx);
  const asset = await findAsset(ctx.db, { workspaceId, id: input.assetId });
  if (!asset || (asset.is_active !== 1 && !input.includeDeleted)) {
    throw errors.notFound('asset', input.assetId);
  }
  const versionId = input.versionId ?? asset.current_version_id;
  const version = versionId ? await findVersion(ctx.db, { workspaceId, assetId: asset.id, id: versionId }) : undefined;
  if (!version || version.deleted_at !== null) {
    throw errors.notFound('version', input.versionId ?? versionId ?? undefined);
  }
  return { asset, version, fileName: sanitizeFileName(asset.file_name) ?? 'download' };
}

/** Opens the target's bytes (all, or one inclusive range already clamped to the size). */
export function openDownload(ctx: Ctx, target: DownloadTarget, range?: ByteRange): Promise<Readable> {
  return ctx.blobs.get(target.version.blob_key, range);
}

/** A short-lived URL straight to the object store (S3), or undefined when the store cannot presign (disk). */
export function presignDownload(ctx: Ctx, target: DownloadTarget): Promise<string | undefined> {
  return ctx.blobs.presignGet(target.version.blob_key, {
    expiresInSeconds: PRESIGN_SECONDS,
    fileName: target.fileName,
    contentType: target.version.content_type,
  });
}

/**
 * POST /workspaces/assets/download: validates every id first (a missing, foreign or trashed one is 404 before any
 * byte is sent), then streams a ZIP of the assets' current versions followed by the named versions.
 */
export async function bulkDownload(
  ctx: Ctx,
  input: { assetIds: readonly string[]; versionIds: readonly string[] },
): Promise<ZipDownload> {
  requirePermission(ctx.actor, 'asset.read');
  const workspaceId = scopedWorkspaceId(ctx);
  const assetIds = [...new Set(input.assetIds)];
  const versionIds = [...new Set(input.versionIds)];
  if (assetIds.length + versionIds.length === 0) {
    throw errors.invalidField('body', 'ids', 'name at least one asset');
  }
  if (assetIds.length + versionIds.length > MAX_BULK_DOWNLOAD) {
    throw errors.invalidField('body', 'ids', `at most ${MAX_BULK_DOWNLOAD} assets per download`);
  }
  const versions = await findVersionsIn(ctx.db, { workspaceId, ids: versionIds });
  const versionById = new Map(versions.map((v) => [v.id, v]));
  const missingVersion = versionIds.find((id) => !versionById.has(id));
  if (missingVersion) {
    throw errors.notFound('version', missingVersion);
  }
  const assets = await findAssetsIn(ctx.db, { workspaceId, ids: [...assetIds, ...versions.map((v) => v.asset_id)] });
  const assetById = new Map(assets.map((a) => [a.id, a]));
  const missingAsset = assetIds.find((id) => assetById.get(id)?.is_active !== 1);
  if (missingAsset) {
    throw errors.notFound('asset', missingAsset);
  }
  const current = await findVersionsIn(ctx.db, {
    workspaceId,
    ids: assetIds.flatMap((id) => assetById.get(id)?.current_version_id ?? []),
  });
  const currentById = new Map(current.map((v) => [v.id, v]));
  const names = new UniqueEntryNames();
  const entries: ZipEntry[] = [];
  const add = (asset: AssetRow | undefined, version: AssetVersionRow | undefined, id: string): void => {
    if (!asset || asset.is_active !== 1 || !version) {
      throw errors.notFound('asset', id);
    }
    entries.push({
      name: names.take(zipEntryName(asset.file_location, asset.file_name)),
      blobKey: version.blob_key,
      size: Number(version.size),
      mtime: new Date(version.created_at),
    });
  };
  for (const id of assetIds) {
    const asset = assetById.get(id);
    add(asset, asset?.current_version_id ? currentById.get(asset.current_version_id) : undefined, id);
  }
  for (const id of versionIds) {
    const version = versionById.get(id);
    add(version ? assetById.get(version.asset_id) : undefined, version, id);
  }
  return buildZip(ctx.blobs, entries, ctx.log);
}
