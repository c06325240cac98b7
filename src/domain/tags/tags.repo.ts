import type { Kysely } from 'kysely';
import type { DB, TagRow } from '../../db/schema.js';

type Scope = { workspaceId: string };

/** One tag of the workspace; another workspace's tag reads as absent. */
export function findTag(db: Kysely<DB>, scope: Scope & { id: string }): Promise<TagRow | undefined> {
  return db.selectFrom('tags').selectAll().where('workspace_id', '=', scope.workspaceId).where('id', '=', scope.id).executeTakeFirst();
}

/** The workspace's tags among `ids` (unknown and foreign ids are missing from the result). */
export async function findTagsByIds(db: Kysely<DB>, scope: Scope & { ids: readonly string[] }): Promise<TagRow[]> {
  if (scope.ids.length === 0) {
    return [];
  }
  return db.selectFrom('tags').selectAll().where('workspace_id', '=', scope.workspaceId).where('id', 'in', [...new Set(scope.ids)]).execute();
}

/** The workspace's tags whose lower-cased names are among `keys`. */
export async function findTagsByNameKeys(db: Kysely<DB>, scope: Scope & { keys: readonly string[] }): Promise<TagRow[]> {
  if (scope.keys.length === 0) {
    return [];
  }
  return db.selectFrom('tags').selectAll().where('workspace_id', '=', scope.workspaceId).where('name_key', 'in', [...new Set(scope.keys)]).execute();
}

/** All tags of the workspace, by name. */
export function listTagRows(db: Kysely<DB>, scope: Scope): Promise<TagRow[]> {
  return db.selectFrom('tags').selectAll().where('workspace_id', '=', scope.workspaceId).orderBy('name_key').orderBy('sequence').execute();
}

/** Tags attached to each of `assetIds` (one query), in the order they were attached. */
export async function listTagsOfAssets(
  db: Kysely<DB>,
  scope: Scope & { assetIds: readonly string[] },
): Promise<Array<{ assetId: string; tag: TagRow }>> {
  if (scope.assetIds.length === 0) {
    return [];
  }
  const rows = await db
    .selectFrom('asset_tags')
    .innerJoin('tags', 'tags.id', 'asset_tags.tag_id')
    .selectAll('tags')
    .select('asset_tags.asset_id as link_asset_id')
    .where('asset_tags.workspace_id', '=', scope.workspaceId)
    .where('asset_tags.asset_id', 'in', [...new Set(scope.assetIds)])
    .orderBy('asset_tags.sequence')
    .execute();
  return rows.map(({ link_asset_id, ...tag }) => ({ assetId: link_asset_id, tag }));
}

/** Ids of the assets a tag is attached to. */
export async function assetIdsWithTag(db: Kysely<DB>, scope: Scope & { tagId: string }): Promise<string[]> {
  const rows = await db
    .selectFrom('asset_tags')
    .select('asset_id')
    .where('workspace_id', '=', scope.workspaceId)
    .where('tag_id', '=', scope.tagId)
    .orderBy('sequence')
    .execute();
  return rows.map((r) => r.asset_id);
}

/** Removes one tag from one asset; true when it was attached. */
export async function deleteAssetTag(db: Kysely<DB>, scope: Scope & { assetId: string; tagId: string }): Promise<boolean> {
  const r = await db
    .deleteFrom('asset_tags')
    .where('workspace_id', '=', scope.workspaceId)
    .where('asset_id', '=', scope.assetId)
    .where('tag_id', '=', scope.tagId)
    .executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}
