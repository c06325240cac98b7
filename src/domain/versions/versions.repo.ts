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
