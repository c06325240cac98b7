import type { Kysely } from 'kysely';

// Frozen: never import app code here.

/*
 * Indexes that bench/web (a workspace of 100,000 assets, SQLite) showed missing:
 * - (workspace_id, asset_id, version_number): every asset view loads its versions with `workspace_id = ? AND asset_id
 *   IN (…)`; with only the unique (asset_id, version_number) and (workspace_id, blob_key) indexes, SQLite's planner
 *   took the workspace one and walked every version of the workspace: 280 ms for one page of 200 search results,
 *   10 ms with this index.
 * - (workspace_id, blob_key, size): the storage figure of a workspace's usage (domain/workspaces/usage.ts, read by
 *   GET /users/accounts on every app load) sums distinct (blob_key, size); covered by the index it no longer reads
 *   the table or sorts: 0.8 s to 1.5 s before, 60 ms to 80 ms after. It makes (workspace_id, blob_key) redundant; that
 *   one stays, as a later migration may drop it.
 * - assets (workspace_id, is_active, file_location): the folder tree's asset counts (GET /workspaces/folders/hierarchy,
 *   on every browse page) group the live assets by folder; (workspace_id, file_location, file_name) made SQLite read
 *   every asset row for is_active: 0.3 s to 0.4 s, blocking the thumbnails behind it; covered, 15 ms.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createIndex('asset_versions_workspace_asset_idx').on('asset_versions').columns(['workspace_id', 'asset_id', 'version_number']).execute();
  await db.schema.createIndex('asset_versions_workspace_blob_size_idx').on('asset_versions').columns(['workspace_id', 'blob_key', 'size']).execute();
  await db.schema.createIndex('assets_workspace_active_location_idx').on('assets').columns(['workspace_id', 'is_active', 'file_location']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('assets_workspace_active_location_idx').execute();
  await db.schema.dropIndex('asset_versions_workspace_blob_size_idx').execute();
  await db.schema.dropIndex('asset_versions_workspace_asset_idx').execute();
}
