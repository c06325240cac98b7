import type { AssetRow } from '../../db/schema.js';
import { isoNow } from '../../lib/clock.js';
import { newId } from '../../lib/ids.js';
import { findActiveAssetAtPath, insertAsset, updateAssetRow } from '../assets/assets.repo.js';
import type { Ctx } from '../context.js';
import { ensureFolderPath } from '../folders/folder-paths.js';
import { recordHistory } from '../history/history.service.js';
import { reindexAsset } from '../search/search-index.js';
import { defaultAssetStatusId } from '../settings/settings.service.js';

/*
 * The Atelier asset of a project asset's project file. When the file is already in the production (uploaded through
 * the core API into the bundle's folder), the project asset is that asset; otherwise an asset without a version is
 * made at the path, and the file's bytes become its first version when they are uploaded there (or copied there).
 */

/** The live asset at the project file's path, made (without a version) when missing; named `name`. */
export async function ensureProjectFileAsset(
  tx: Ctx,
  p: { workspaceId: string; fileLocation: string; fileName: string; name: string; description?: string | undefined },
): Promise<AssetRow> {
  const now = isoNow(tx.clock);
  await tx.dialect.lockKey(tx.db, `asset-path:${p.workspaceId}:${p.fileLocation}:${p.fileName}`);
  const existing = await findActiveAssetAtPath(tx.db, { workspaceId: p.workspaceId, fileLocation: p.fileLocation, fileName: p.fileName });
  if (existing) {
    const patch = { name: p.name, ...(p.description !== undefined ? { description: p.description } : {}) };
    if (existing.name === patch.name && (patch.description === undefined || patch.description === existing.description)) {
      return existing;
    }
    const updated = (await updateAssetRow(tx.db, { workspaceId: p.workspaceId, id: existing.id }, { ...patch, updated_at: now })) ?? existing;
    await reindexAsset(tx, { workspaceId: p.workspaceId, assetId: existing.id });
    await recordHistory(tx, {
      accountId: tx.actor.accountId,
      workspaceId: p.workspaceId,
      assetId: existing.id,
      userId: tx.actor.userId,
      subjectType: 'asset',
      recordId: existing.id,
      type: 'asset_updated',
      data: { name: { from: existing.name, to: updated.name } },
    });
    return updated;
  }
  const asset = await insertAsset(tx.db, {
    id: newId(),
    workspace_id: p.workspaceId,
    name: p.name,
    file_name: p.fileName,
    file_location: p.fileLocation,
    asset_type_id: 'project',
    status_id: await defaultAssetStatusId(tx.db, { workspaceId: p.workspaceId }),
    description: p.description ?? '',
    current_version_id: null,
    created_by_user_id: tx.actor.userId,
    locked_by_user_id: null,
    deleted_at: null,
    deleted_by_user_id: null,
    created_at: now,
    updated_at: now,
  });
  await ensureFolderPath(tx, p.workspaceId, p.fileLocation);
  await reindexAsset(tx, { workspaceId: p.workspaceId, assetId: asset.id });
  await recordHistory(tx, {
    accountId: tx.actor.accountId,
    workspaceId: p.workspaceId,
    assetId: asset.id,
    userId: tx.actor.userId,
    subjectType: 'asset',
    recordId: asset.id,
    type: 'asset_created',
    data: { name: asset.name, file_name: asset.file_name, file_location: asset.file_location, asset_type_id: 'project' },
  });
  return asset;
}

/** The first bytes of an asset's current version (for the NLE type of XML project files); undefined without one. */
export async function projectFileHead(tx: Ctx, asset: AssetRow): Promise<Buffer | undefined> {
  if (!asset.current_version_id) {
    return undefined;
  }
  const v = await tx.db
    .selectFrom('asset_versions')
    .select(['blob_key', 'size'])
    .where('workspace_id', '=', asset.workspace_id)
    .where('id', '=', asset.current_version_id)
    .executeTakeFirst();
  if (!v || Number(v.size) === 0) {
    return undefined;
  }
  const end = Math.min(Number(v.size), 4096) - 1;
  const stream = await tx.blobs.get(v.blob_key, { start: 0, end });
  const chunks: Buffer[] = [];
  for await (const c of stream) {
    chunks.push(Buffer.from(c as Uint8Array));
  }
  return Buffer.concat(chunks);
}
