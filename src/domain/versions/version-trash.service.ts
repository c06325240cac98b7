import { requireWritable } from '../assets/writable.js';
import type { AssetRow, AssetVersionRow } from '../../db/schema.js';
import { isoNow } from '../../lib/clock.js';
import { requirePermission } from '../access.js';
import type { VersionView } from '../assets/asset-relations.js';
import { updateAssetRow } from '../assets/assets.repo.js';
import { requireAsset } from '../assets/assets.service.js';
import { inTransaction, scopedWorkspaceId, type Ctx, type Deps } from '../context.js';
import { errors } from '../errors.js';
import { recordHistory } from '../history/history.service.js';
import { recordVersionEvent } from './version-history.js';
import { loadVersionViews } from '../reviews/version-views.repo.js';
import {
  countLiveVersions,
  deleteTrashedVersionRows,
  findVersion,
  listExpiredTrashedVersions,
  listTrashedVersions,
  setVersionDeletedAt,
} from './versions.repo.js';

/*
 * Mudstack's "Trashed Versions" (product docs, version control: delete a version, Show Trashed, Restore version).
 * A deleted version is soft-deleted (deleted_at set): it leaves the asset's version list, downloads and reviews, and
 * comes back with restore. Trashed versions are purged for good with the workspace's trash retention; their blobs
 * are then removed by the orphan sweep, never here.
 */

/** Versions purged per transaction by the retention purge. */
const PURGE_BATCH = 500;

async function viewOf(ctx: Ctx, version: AssetVersionRow): Promise<VersionView> {
  const view = (await loadVersionViews(ctx.db, { workspaceId: version.workspace_id, ids: [version.id] })).get(version.id);
  if (!view) {
    throw errors.notFound('version', version.id);
  }
  return view;
}

/** An asset of the caller's workspace and one of its versions, live or trashed; a foreign or unknown id is 404. */
async function requireAssetVersion(ctx: Ctx, assetId: string, versionId: string): Promise<{ asset: AssetRow; version: AssetVersionRow }> {
  const asset = await requireAsset(ctx, assetId);
  const version = await findVersion(ctx.db, { workspaceId: scopedWorkspaceId(ctx), assetId, id: versionId });
  if (!version) {
    throw errors.notFound('version', versionId);
  }
  return { asset, version };
}

/**
 * DELETE /workspaces/assets/{id}/versions/{version_id}: moves the version to the asset's trashed versions.
 * The current version is refused (409 `version_is_current`: set another one current first), and so is the only
 * version. Idempotent for a version already trashed.
 */
export async function trashVersion(ctx: Ctx, assetId: string, versionId: string): Promise<VersionView> {
  requirePermission(ctx.actor, 'asset.delete');
  const workspaceId = scopedWorkspaceId(ctx);
  const row = await inTransaction(ctx, async (tx) => {
    const { asset, version } = await requireAssetVersion(tx, assetId, versionId);
    if (version.deleted_at !== null) {
      return version;
    }
    await requireWritable(tx, asset);
    if ((await countLiveVersions(tx.db, { workspaceId, assetId })) <= 1) {
      throw errors.conflict('version_is_only', 'This is the only version of the asset; delete the asset instead.');
    }
    if (asset.current_version_id === version.id) {
      throw errors.conflict(
        'version_is_current',
        'This is the current version; make another version current first (POST .../versions/{version_id}/current).',
      );
    }
    const now = isoNow(tx.clock);
    const after = await setVersionDeletedAt(tx.db, { workspaceId, assetId, id: versionId }, now);
    await updateAssetRow(tx.db, { workspaceId, id: assetId }, { updated_at: now });
    await recordVersionEvent(tx, { assetId, versionId: versionId, type: 'version_deleted', data: { version_number: version.version_number, name: version.name } });
    return after ?? version;
  });
  return viewOf(ctx, row);
}

/**
 * PATCH /workspaces/assets/{id}/versions/{version_id}/restore: brings a trashed version back into the version list
 * under its own number. It does not become current (that is POST .../current). Idempotent for a live version.
 */
export async function restoreVersion(ctx: Ctx, assetId: string, versionId: string): Promise<VersionView> {
  requirePermission(ctx.actor, 'asset.delete');
  const workspaceId = scopedWorkspaceId(ctx);
  const row = await inTransaction(ctx, async (tx) => {
    const { asset, version } = await requireAssetVersion(tx, assetId, versionId);
    if (version.deleted_at === null) {
      return version;
    }
    await requireWritable(tx, asset);
    const now = isoNow(tx.clock);
    const after = await setVersionDeletedAt(tx.db, { workspaceId, assetId, id: versionId }, null);
    await updateAssetRow(tx.db, { workspaceId, id: assetId }, { updated_at: now });
    await recordVersionEvent(tx, { assetId, versionId: versionId, type: 'version_undeleted', data: { version_number: version.version_number, name: version.name, deleted_at: version.deleted_at } });
    return after ?? version;
  });
  return viewOf(ctx, row);
}

/** GET /workspaces/assets/{id}/versions?trashed=true: the asset's trashed versions, newest deletion first. */
export async function listTrashedVersionsOf(ctx: Ctx, assetId: string): Promise<VersionView[]> {
  requirePermission(ctx.actor, 'asset.read');
  await requireAsset(ctx, assetId);
  const rows = await listTrashedVersions(ctx.db, { workspaceId: scopedWorkspaceId(ctx), assetId });
  const views = await loadVersionViews(ctx.db, { workspaceId: scopedWorkspaceId(ctx), ids: rows.map((r) => r.id) });
  return rows.flatMap((r) => {
    const v = views.get(r.id);
    return v ? [v] : [];
  });
}

/**
 * Purges trashed versions of one workspace deleted before `deletedBefore` (all when undefined), batch by batch, with
 * a `version_purged` history event each. Used by the trash retention purge.
 */
export async function purgeTrashedVersions(
  deps: Deps,
  input: { accountId: string | null; workspaceId: string; userId: string | null; deletedBefore?: string | undefined; reason: 'manual' | 'retention' },
): Promise<number> {
  let purged = 0;
  for (;;) {
    const n = await inTransaction(deps, async (tx) => {
      const rows = await listExpiredTrashedVersions(tx.db, { workspaceId: input.workspaceId, deletedBefore: input.deletedBefore, limit: PURGE_BATCH });
      for (const row of rows) {
        await recordHistory(tx, {
          accountId: input.accountId,
          workspaceId: input.workspaceId,
          assetId: row.asset_id,
          userId: input.userId,
          subjectType: 'version',
          recordId: row.id,
          type: 'version_purged',
          data: { reason: input.reason, version_number: row.version_number, deleted_at: row.deleted_at },
        });
      }
      return deleteTrashedVersionRows(tx.db, { workspaceId: input.workspaceId, ids: rows.map((r) => r.id) });
    });
    purged += n;
    if (n < PURGE_BATCH) {
      return purged;
    }
  }
}
