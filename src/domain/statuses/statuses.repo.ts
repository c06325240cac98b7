import type { Kysely } from 'kysely';
import type { AssetStatusRow, DB } from '../../db/schema.js';

type Scope = { workspaceId: string };

/** One status of the workspace; another workspace's status reads as absent. */
export function findStatus(db: Kysely<DB>, scope: Scope & { id: string }): Promise<AssetStatusRow | undefined> {
  return db
    .selectFrom('asset_statuses')
    .selectAll()
    .where('workspace_id', '=', scope.workspaceId)
    .where('id', '=', scope.id)
    .executeTakeFirst();
}

/** The workspace's status with this lower-cased name. */
export function findStatusByNameKey(db: Kysely<DB>, scope: Scope & { key: string }): Promise<AssetStatusRow | undefined> {
  return db
    .selectFrom('asset_statuses')
    .selectAll()
    .where('workspace_id', '=', scope.workspaceId)
    .where('name_key', '=', scope.key)
    .executeTakeFirst();
}

/** All statuses of the workspace in rank order. */
export function listStatusRows(db: Kysely<DB>, scope: Scope): Promise<AssetStatusRow[]> {
  return db.selectFrom('asset_statuses').selectAll().where('workspace_id', '=', scope.workspaceId).orderBy('rank').orderBy('sequence').execute();
}

/** The highest rank in use, or undefined in a workspace without statuses. */
export async function maxRank(db: Kysely<DB>, scope: Scope): Promise<string | undefined> {
  const row = await db
    .selectFrom('asset_statuses')
    .select('rank')
    .where('workspace_id', '=', scope.workspaceId)
    .orderBy('rank', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row?.rank;
}

/** The status of each asset among `assetIds` that has one (one query). */
export async function listStatusesOfAssets(
  db: Kysely<DB>,
  scope: Scope & { assetIds: readonly string[] },
): Promise<Array<{ assetId: string; status: AssetStatusRow }>> {
  if (scope.assetIds.length === 0) {
    return [];
  }
  const rows = await db
    .selectFrom('assets')
    .innerJoin('asset_statuses', (j) =>
      j.onRef('asset_statuses.id', '=', 'assets.status_id').onRef('asset_statuses.workspace_id', '=', 'assets.workspace_id'),
    )
    .selectAll('asset_statuses')
    .select('assets.id as link_asset_id')
    .where('assets.workspace_id', '=', scope.workspaceId)
    .where('assets.id', 'in', [...new Set(scope.assetIds)])
    .execute();
  return rows.map(({ link_asset_id, ...status }) => ({ assetId: link_asset_id, status }));
}
