import type { Kysely } from 'kysely';
import type { DB, ProcessingItemRow } from '../../db/schema.js';

/* Queries of the processing catalog; every one is scoped by workspace. */

export function findItem(db: Kysely<DB>, p: { workspaceId: string; key: string }): Promise<ProcessingItemRow | undefined> {
  return db.selectFrom('processing_items').selectAll().where('workspace_id', '=', p.workspaceId).where('item_key', '=', p.key).executeTakeFirst();
}

export function findItemById(db: Kysely<DB>, p: { workspaceId: string; id: string }): Promise<ProcessingItemRow | undefined> {
  return db.selectFrom('processing_items').selectAll().where('workspace_id', '=', p.workspaceId).where('id', '=', p.id).executeTakeFirst();
}

export function listItems(db: Kysely<DB>, p: { workspaceId: string; offset: number; limit: number; allowDeleted: boolean }): Promise<ProcessingItemRow[]> {
  let q = db.selectFrom('processing_items').selectAll().where('workspace_id', '=', p.workspaceId);
  if (!p.allowDeleted) {
    q = q.where('deleted_at', 'is', null);
  }
  return q.orderBy('sequence').offset(p.offset).limit(p.limit).execute();
}

/** Live items whose parent is one of `keys` (the seasons of a series, the episodes of a season or series). */
export function listChildren(db: Kysely<DB>, p: { workspaceId: string; keys: readonly string[] }): Promise<ProcessingItemRow[]> {
  if (p.keys.length === 0) {
    return Promise.resolve([]);
  }
  return db
    .selectFrom('processing_items')
    .selectAll()
    .where('workspace_id', '=', p.workspaceId)
    .where('parent_key', 'in', [...p.keys])
    .where('deleted_at', 'is', null)
    .execute();
}

/** The live items of the workspace that show this asset (to re-run their tasks when it gets a new version). */
export function listItemsOfAsset(db: Kysely<DB>, p: { workspaceId: string; assetId: string }): Promise<ProcessingItemRow[]> {
  return db
    .selectFrom('processing_items')
    .selectAll()
    .where('workspace_id', '=', p.workspaceId)
    .where('asset_id', '=', p.assetId)
    .where('deleted_at', 'is', null)
    .execute();
}
