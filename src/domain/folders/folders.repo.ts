import { sql, type Kysely } from 'kysely';
import type { AssetRow, DB, FolderRow } from '../../db/schema.js';

type Scope = { workspaceId: string };

// Characters, not UTF-16 units: SQL substr/length count characters in both dialects.
const charLength = (s: string): number => [...s].length;

/*
 * Raw SQL here because the builder has no "starts with": `substr(col, 1, n) = prefix` runs as written on both
 * dialects, where LIKE would need escaping of `%` and `_` (common in folder names) and is case-insensitive on SQLite
 * while paths are case-sensitive.
 */
const startsWith = (column: string, prefix: string) => sql<boolean>`substr(${sql.ref(column)}, 1, ${charLength(prefix)}) = ${prefix}`;

// `to || substr(col, len(from) + 1)`: the path with its `from` prefix replaced; the cast types the parameter on PostgreSQL.
const withPrefix = (column: string, from: string, to: string) => sql<string>`cast(${to} as text) || substr(${sql.ref(column)}, ${charLength(from) + 1})`;

/** One folder of the workspace; another workspace's folder reads as absent. */
export function findFolder(db: Kysely<DB>, scope: Scope & { id: string }): Promise<FolderRow | undefined> {
  return db.selectFrom('folders').selectAll().where('workspace_id', '=', scope.workspaceId).where('id', '=', scope.id).executeTakeFirst();
}

/** The folder at a normalised path (`/a/b/`). */
export function findFolderByPath(db: Kysely<DB>, scope: Scope & { path: string }): Promise<FolderRow | undefined> {
  return db.selectFrom('folders').selectAll().where('workspace_id', '=', scope.workspaceId).where('path', '=', scope.path).executeTakeFirst();
}

/** Inserts a folder unless its path exists (a concurrent create wins quietly); undefined when it existed. */
export function insertFolderIfMissing(db: Kysely<DB>, row: Omit<FolderRow, 'sequence'>): Promise<FolderRow | undefined> {
  return db
    .insertInto('folders')
    .values(row)
    .onConflict((oc) => oc.columns(['workspace_id', 'path']).doNothing())
    .returningAll()
    .executeTakeFirst();
}

/** Updates one folder row of the workspace. */
export function updateFolderRow(
  db: Kysely<DB>,
  scope: Scope & { id: string },
  patch: { path?: string; name?: string; parent_id?: string | null; updated_at: string },
): Promise<FolderRow | undefined> {
  return db.updateTable('folders').set(patch).where('workspace_id', '=', scope.workspaceId).where('id', '=', scope.id).returningAll().executeTakeFirst();
}

export interface FolderWithCount {
  id: string;
  name: string;
  path: string;
  parent_id: string | null;
  asset_count: number;
}

/** Every folder of the workspace with its number of direct live assets, in ONE query (path order). */
export async function listFoldersWithCounts(db: Kysely<DB>, scope: Scope): Promise<FolderWithCount[]> {
  const rows = await db
    .selectFrom('folders as f')
    .leftJoin(
      (eb) =>
        eb
          .selectFrom('assets')
          .select(['file_location', (e) => e.fn.countAll().as('n')])
          .where('workspace_id', '=', scope.workspaceId)
          .where('is_active', '=', 1)
          .groupBy('file_location')
          .as('c'),
      (join) => join.onRef('c.file_location', '=', 'f.path'),
    )
    .select(['f.id', 'f.name', 'f.path', 'f.parent_id', 'c.n'])
    .where('f.workspace_id', '=', scope.workspaceId)
    .orderBy('f.path')
    .execute();
  // NOTE(postgres): count() is a bigint, which pg returns as a string.
  return rows.map((r) => ({ id: r.id, name: r.name, path: r.path, parent_id: r.parent_id, asset_count: Number(r.n ?? 0) }));
}

/** Number of direct subfolders of a folder (`parentId` null: the top level). */
export async function countSubfolders(db: Kysely<DB>, scope: Scope & { parentId: string | null }): Promise<number> {
  let q = db.selectFrom('folders').select((eb) => eb.fn.countAll().as('n')).where('workspace_id', '=', scope.workspaceId);
  q = scope.parentId === null ? q.where('parent_id', 'is', null) : q.where('parent_id', '=', scope.parentId);
  const r = await q.executeTakeFirstOrThrow();
  return Number(r.n);
}

/** Live assets in and below `path` (all of the workspace for `/`): counts and bytes of their current versions. */
export async function assetTotalsUnder(db: Kysely<DB>, scope: Scope & { path: string }): Promise<{ direct: number; total: number; size: number }> {
  let q = db
    .selectFrom('assets')
    .leftJoin('asset_versions', 'asset_versions.id', 'assets.current_version_id')
    .select((eb) => [
      eb.fn.countAll().as('total'),
      eb.fn.sum<number | string | null>('asset_versions.size').as('size'),
      eb.fn.sum<number | string | null>(eb.case().when('assets.file_location', '=', scope.path).then(1).else(0).end()).as('direct'),
    ])
    .where('assets.workspace_id', '=', scope.workspaceId)
    .where('assets.is_active', '=', 1);
  if (scope.path !== '/') {
    q = q.where(startsWith('assets.file_location', scope.path));
  }
  const r = await q.executeTakeFirstOrThrow();
  return { direct: Number(r.direct ?? 0), total: Number(r.total), size: Number(r.size ?? 0) };
}

/** The workspace's live assets directly in `path`, by file name. */
export function listAssetsInFolder(db: Kysely<DB>, scope: Scope & { path: string }): Promise<AssetRow[]> {
  return db
    .selectFrom('assets')
    .selectAll()
    .where('workspace_id', '=', scope.workspaceId)
    .where('file_location', '=', scope.path)
    .where('is_active', '=', 1)
    .orderBy('file_name')
    .orderBy('sequence')
    .execute();
}

/** Assets (live and trashed) in and below `path`, with what a move or delete must check. */
export function listAssetsUnder(
  db: Kysely<DB>,
  scope: Scope & { path: string },
): Promise<Array<Pick<AssetRow, 'id' | 'file_location' | 'locked_by_user_id' | 'is_active'>>> {
  return db
    .selectFrom('assets')
    .select(['id', 'file_location', 'locked_by_user_id', 'is_active'])
    .where('workspace_id', '=', scope.workspaceId)
    .where(startsWith('file_location', scope.path))
    .orderBy('sequence')
    .execute();
}

/** Folders in and below `path`. */
export function listFoldersUnder(db: Kysely<DB>, scope: Scope & { path: string }): Promise<FolderRow[]> {
  return db.selectFrom('folders').selectAll().where('workspace_id', '=', scope.workspaceId).where(startsWith('path', scope.path)).execute();
}

/** Rewrites the `from` prefix to `to` on every folder path and asset file_location in and below `from` (two UPDATEs). */
export async function rewritePrefix(db: Kysely<DB>, scope: Scope & { from: string; to: string; now: string }): Promise<void> {
  await db
    .updateTable('folders')
    .set({ path: withPrefix('path', scope.from, scope.to), updated_at: scope.now })
    .where('workspace_id', '=', scope.workspaceId)
    .where(startsWith('path', scope.from))
    .execute();
  await db
    .updateTable('assets')
    .set({ file_location: withPrefix('file_location', scope.from, scope.to), updated_at: scope.now })
    .where('workspace_id', '=', scope.workspaceId)
    .where(startsWith('file_location', scope.from))
    .execute();
}

/** Deletes the folder rows in and below `path` (assets are not touched). */
export async function deleteFoldersUnder(db: Kysely<DB>, scope: Scope & { path: string }): Promise<number> {
  const r = await db.deleteFrom('folders').where('workspace_id', '=', scope.workspaceId).where(startsWith('path', scope.path)).executeTakeFirst();
  return Number(r.numDeletedRows);
}
