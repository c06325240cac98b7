import type { Kysely } from 'kysely';
import type { AssetRow, DB, LibraryRow } from '../../db/schema.js';

type Scope = { workspaceId: string };

/** One library of the workspace; another workspace's library reads as absent. */
export function findLibrary(db: Kysely<DB>, scope: Scope & { id: string }): Promise<LibraryRow | undefined> {
  return db.selectFrom('libraries').selectAll().where('workspace_id', '=', scope.workspaceId).where('id', '=', scope.id).executeTakeFirst();
}

/** All libraries of the workspace, oldest first. */
export function listLibraryRows(db: Kysely<DB>, scope: Scope): Promise<LibraryRow[]> {
  return db.selectFrom('libraries').selectAll().where('workspace_id', '=', scope.workspaceId).orderBy('sequence').execute();
}

/** Libraries holding each of `assetIds` (one query), in the order the asset was added. */
export async function listLibrariesOfAssets(
  db: Kysely<DB>,
  scope: Scope & { assetIds: readonly string[] },
): Promise<Array<{ assetId: string; library: LibraryRow }>> {
  if (scope.assetIds.length === 0) {
    return [];
  }
  const rows = await db
    .selectFrom('library_assets')
    .innerJoin('libraries', 'libraries.id', 'library_assets.library_id')
    .selectAll('libraries')
    .select('library_assets.asset_id as link_asset_id')
    .where('library_assets.workspace_id', '=', scope.workspaceId)
    .where('library_assets.asset_id', 'in', [...new Set(scope.assetIds)])
    .orderBy('library_assets.sequence')
    .execute();
  return rows.map(({ link_asset_id, ...library }) => ({ assetId: link_asset_id, library }));
}

/** A page of the library's live assets, most recently added first (keyset on the membership's sequence). */
export async function listLibraryAssetRows(
  db: Kysely<DB>,
  scope: Scope & { libraryId: string; limit: number; cursor?: number | undefined },
): Promise<{ rows: AssetRow[]; nextCursor: number | null }> {
  let q = db
    .selectFrom('library_assets')
    .innerJoin('assets', 'assets.id', 'library_assets.asset_id')
    .selectAll('assets')
    .select('library_assets.sequence as link_sequence')
    .where('library_assets.workspace_id', '=', scope.workspaceId)
    .where('library_assets.library_id', '=', scope.libraryId)
    .where('assets.is_active', '=', 1);
  if (scope.cursor !== undefined) {
    q = q.where('library_assets.sequence', '<', scope.cursor);
  }
  const found = await q.orderBy('library_assets.sequence', 'desc').limit(scope.limit + 1).execute();
  const page = found.slice(0, scope.limit);
  const last = page[page.length - 1];
  return {
    rows: page.map(({ link_sequence: _s, ...asset }) => asset),
    nextCursor: found.length > scope.limit && last ? last.link_sequence : null,
  };
}

/** Ids of every asset in the library (trashed ones too). */
export async function assetIdsInLibrary(db: Kysely<DB>, scope: Scope & { libraryId: string }): Promise<string[]> {
  const rows = await db
    .selectFrom('library_assets')
    .select('asset_id')
    .where('workspace_id', '=', scope.workspaceId)
    .where('library_id', '=', scope.libraryId)
    .orderBy('sequence')
    .execute();
  return rows.map((r) => r.asset_id);
}
