import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.js';
import { newId } from '../../lib/ids.js';

/** The per-user marks on an asset: favourites and subscriptions share one shape. */
export type AssetMarkTable = 'favorites' | 'asset_subscriptions';

type MarkScope = { workspaceId: string; assetId: string; userId: string };

/** Whether the user has marked the asset. */
export async function hasAssetMark(db: Kysely<DB>, table: AssetMarkTable, scope: MarkScope): Promise<boolean> {
  const row = await db
    .selectFrom(table)
    .select('id')
    .where('workspace_id', '=', scope.workspaceId)
    .where('asset_id', '=', scope.assetId)
    .where('user_id', '=', scope.userId)
    .executeTakeFirst();
  return row !== undefined;
}

/** Marks the asset for the user; false when it already was (concurrent duplicates are absorbed by the unique key). */
export async function insertAssetMark(db: Kysely<DB>, table: AssetMarkTable, scope: MarkScope & { now: string }): Promise<boolean> {
  const row = await db
    .insertInto(table)
    .values({ id: newId(), workspace_id: scope.workspaceId, asset_id: scope.assetId, user_id: scope.userId, created_at: scope.now })
    .onConflict((oc) => oc.columns(['asset_id', 'user_id']).doNothing())
    .returning('id')
    .executeTakeFirst();
  return row !== undefined;
}

/** Unmarks the asset for the user; false when it was not marked. */
export async function deleteAssetMark(db: Kysely<DB>, table: AssetMarkTable, scope: MarkScope): Promise<boolean> {
  const r = await db
    .deleteFrom(table)
    .where('workspace_id', '=', scope.workspaceId)
    .where('asset_id', '=', scope.assetId)
    .where('user_id', '=', scope.userId)
    .executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}

/** Which of `assetIds` the user has marked (one query). */
export async function markedAssetIds(
  db: Kysely<DB>,
  table: AssetMarkTable,
  scope: { workspaceId: string; userId: string; assetIds: readonly string[] },
): Promise<Set<string>> {
  if (scope.assetIds.length === 0) {
    return new Set();
  }
  const rows = await db
    .selectFrom(table)
    .select('asset_id')
    .where('workspace_id', '=', scope.workspaceId)
    .where('user_id', '=', scope.userId)
    .where('asset_id', 'in', [...new Set(scope.assetIds)])
    .execute();
  return new Set(rows.map((r) => r.asset_id));
}
