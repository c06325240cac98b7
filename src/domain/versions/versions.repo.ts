import type { Kysely } from 'kysely';
import type { AssetVersionRow, DB, NewAssetVersionRow } from '../../db/schema.js';

/** One version of one asset of the workspace. */
export function findVersion(
  db: Kysely<DB>,
  scope: { workspaceId: string; assetId: string; id: string },
): Promise<AssetVersionRow | undefined> {
  return db
    .selectFrom('asset_versions')
    .selectAll()
    .where('id', '=', scope.id)
    .where('asset_id', '=', scope.assetId)
    .where('workspace_id', '=', scope.workspaceId)
    .executeTakeFirst();
}

/** The versions of several assets of the workspace, newest first (soft-deleted versions left out). */
export async function listVersionsOfAssets(
  db: Kysely<DB>,
  scope: { workspaceId: string; assetIds: readonly string[] },
): Promise<AssetVersionRow[]> {
  if (scope.assetIds.length === 0) {
    return [];
  }
  return db
    .selectFrom('asset_versions')
    .selectAll()
    .where('workspace_id', '=', scope.workspaceId)
    .where('asset_id', 'in', [...new Set(scope.assetIds)])
    .where('deleted_at', 'is', null)
    .orderBy('asset_id')
    .orderBy('version_number', 'desc')
    .execute();
}

/** Highest version number of an asset (0 when it has none yet). */
export async function maxVersionNumber(db: Kysely<DB>, scope: { workspaceId: string; assetId: string }): Promise<number> {
  const row = await db
    .selectFrom('asset_versions')
    .select((eb) => eb.fn.max('version_number').as('n'))
    .where('asset_id', '=', scope.assetId)
    .where('workspace_id', '=', scope.workspaceId)
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}

export function insertVersion(db: Kysely<DB>, row: NewAssetVersionRow): Promise<AssetVersionRow> {
  return db.insertInto('asset_versions').values(row).returningAll().executeTakeFirstOrThrow();
}

/** Updates a version's editable fields (name, description, thumbnail); undefined when absent. */
export function updateVersionRow(
  db: Kysely<DB>,
  scope: { workspaceId: string; assetId: string; id: string },
  patch: { name?: string; description?: string; thumbnail_blob_key?: string | null },
): Promise<AssetVersionRow | undefined> {
  return db
    .updateTable('asset_versions')
    .set(patch)
    .where('id', '=', scope.id)
    .where('asset_id', '=', scope.assetId)
    .where('workspace_id', '=', scope.workspaceId)
    .returningAll()
    .executeTakeFirst();
}

/** Live (not soft-deleted) versions of one asset of the workspace. */
export async function countLiveVersions(db: Kysely<DB>, scope: { workspaceId: string; assetId: string }): Promise<number> {
  const row = await db
    .selectFrom('asset_versions')
    .select((eb) => eb.fn.countAll().as('n'))
    .where('asset_id', '=', scope.assetId)
    .where('workspace_id', '=', scope.workspaceId)
    .where('deleted_at', 'is', null)
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}

/** Moves a version in or out of its asset's trashed versions (deleted_at set or cleared). */
export function setVersionDeletedAt(
  db: Kysely<DB>,
  scope: { workspaceId: string; assetId: string; id: string },
  deletedAt: string | null,
): Promise<AssetVersionRow | undefined> {
  return db
    .updateTable('asset_versions')
    .set({ deleted_at: deletedAt })
    .where('id', '=', scope.id)
    .where('asset_id', '=', scope.assetId)
    .where('workspace_id', '=', scope.workspaceId)
    .returningAll()
    .executeTakeFirst();
}

/** An asset's trashed versions, newest deletion first. */
export function listTrashedVersions(db: Kysely<DB>, scope: { workspaceId: string; assetId: string }): Promise<AssetVersionRow[]> {
  return db
    .selectFrom('asset_versions')
    .selectAll()
    .where('workspace_id', '=', scope.workspaceId)
    .where('asset_id', '=', scope.assetId)
    .where('deleted_at', 'is not', null)
    .orderBy('deleted_at', 'desc')
    .orderBy('version_number', 'desc')
    .execute();
}

/** Trashed versions of the workspace deleted before `before` (all when undefined), oldest deletion first. */
export function listExpiredTrashedVersions(
  db: Kysely<DB>,
  scope: { workspaceId: string; deletedBefore?: string | undefined; limit: number },
): Promise<Array<{ id: string; asset_id: string; version_number: number; deleted_at: string | null }>> {
  let q = db
    .selectFrom('asset_versions')
    .select(['id', 'asset_id', 'version_number', 'deleted_at'])
    .where('workspace_id', '=', scope.workspaceId)
    .where('deleted_at', 'is not', null);
  if (scope.deletedBefore !== undefined) {
    q = q.where('deleted_at', '<', scope.deletedBefore);
  }
  return q.orderBy('deleted_at').orderBy('sequence').limit(scope.limit).execute();
}

/**
 * Deletes trashed versions of the workspace for good; their derivatives go by ON DELETE CASCADE, and reviews,
 * comments and review requests keep their rows with the version reference set to null. Blobs are left to the
 * orphan sweep (another version may share them through dedup).
 */
export async function deleteTrashedVersionRows(db: Kysely<DB>, scope: { workspaceId: string; ids: readonly string[] }): Promise<number> {
  if (scope.ids.length === 0) {
    return 0;
  }
  const r = await db
    .deleteFrom('asset_versions')
    .where('workspace_id', '=', scope.workspaceId)
    .where('deleted_at', 'is not', null)
    .where('id', 'in', [...scope.ids])
    .executeTakeFirst();
  return Number(r.numDeletedRows);
}
