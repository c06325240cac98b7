import type { Kysely } from 'kysely';
import type { AssetRow, AssetUpdate, DB, NewAssetRow } from '../../db/schema.js';

/** One asset of the workspace, trashed or not; another workspace's asset reads as absent. */
export function findAsset(db: Kysely<DB>, scope: { workspaceId: string; id: string }): Promise<AssetRow | undefined> {
  return db.selectFrom('assets').selectAll().where('id', '=', scope.id).where('workspace_id', '=', scope.workspaceId).executeTakeFirst();
}

/** The workspace's assets among `ids` (unknown and foreign ids are simply missing from the result). */
export async function findAssetsByIds(db: Kysely<DB>, scope: { workspaceId: string; ids: readonly string[] }): Promise<AssetRow[]> {
  if (scope.ids.length === 0) {
    return [];
  }
  return db.selectFrom('assets').selectAll().where('workspace_id', '=', scope.workspaceId).where('id', 'in', [...new Set(scope.ids)]).execute();
}

/** The live (not trashed) asset at a folder + file name, the identity "create or update" matches on. */
export function findActiveAssetAtPath(
  db: Kysely<DB>,
  scope: { workspaceId: string; fileLocation: string; fileName: string },
): Promise<AssetRow | undefined> {
  return db
    .selectFrom('assets')
    .selectAll()
    .where('workspace_id', '=', scope.workspaceId)
    .where('file_location', '=', scope.fileLocation)
    .where('file_name', '=', scope.fileName)
    .where('is_active', '=', 1)
    .orderBy('sequence')
    .executeTakeFirst();
}

export async function insertAsset(db: Kysely<DB>, row: NewAssetRow): Promise<AssetRow> {
  return db.insertInto('assets').values(row).returningAll().executeTakeFirstOrThrow();
}

/** Updates one asset of the workspace; undefined when it is not there. */
export function updateAssetRow(
  db: Kysely<DB>,
  scope: { workspaceId: string; id: string },
  patch: AssetUpdate,
): Promise<AssetRow | undefined> {
  return db
    .updateTable('assets')
    .set(patch)
    .where('id', '=', scope.id)
    .where('workspace_id', '=', scope.workspaceId)
    .returningAll()
    .executeTakeFirst();
}
