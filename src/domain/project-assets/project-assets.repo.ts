import type { Kysely } from 'kysely';
import type { AssetRow, DB, ProjectAssetCopyFileRow, ProjectAssetLinkRow, ProjectAssetRow } from '../../db/schema.js';
import type { Insertable, Updateable } from 'kysely';
import type { ProjectAssetsTable } from '../../db/tables/project-assets.js';

/* Queries of project assets, their links and their copy lists. Every query is scoped by account or workspace. */

/** One project asset of the account (deleting ones included); undefined when absent or another account's. */
export function findProjectAsset(db: Kysely<DB>, scope: { accountId: string; id: string }): Promise<ProjectAssetRow | undefined> {
  return db.selectFrom('project_assets').selectAll().where('account_id', '=', scope.accountId).where('id', '=', scope.id).executeTakeFirst();
}

/** One project asset by its integer id inside the account. */
export function findProjectAssetBySequence(db: Kysely<DB>, scope: { accountId: string; sequence: number }): Promise<ProjectAssetRow | undefined> {
  return db
    .selectFrom('project_assets')
    .selectAll()
    .where('account_id', '=', scope.accountId)
    .where('sequence', '=', scope.sequence)
    .executeTakeFirst();
}

export interface ProjectAssetFilter {
  workspaceIds: readonly string[];
  bundleRoot?: string | undefined;
  limit: number;
  offset: number;
}

/** The visible (not being deleted) project assets of the given workspaces, oldest first, and their total. */
export async function listProjectAssets(db: Kysely<DB>, f: ProjectAssetFilter): Promise<{ rows: ProjectAssetRow[]; total: number }> {
  if (f.workspaceIds.length === 0) {
    return { rows: [], total: 0 };
  }
  let q = db.selectFrom('project_assets').where('workspace_id', 'in', [...f.workspaceIds]).where('deleting_at', 'is', null);
  if (f.bundleRoot !== undefined) {
    q = q.where('bundle_root', '=', f.bundleRoot);
  }
  const total = await q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  const rows = await q.selectAll().orderBy('sequence').limit(f.limit).offset(f.offset).execute();
  return { rows, total: Number(total.n) };
}

export function insertProjectAsset(db: Kysely<DB>, row: Insertable<ProjectAssetsTable>): Promise<ProjectAssetRow> {
  return db.insertInto('project_assets').values(row).returningAll().executeTakeFirstOrThrow();
}

export function updateProjectAsset(
  db: Kysely<DB>,
  scope: { workspaceId: string; id: string },
  patch: Updateable<ProjectAssetsTable>,
): Promise<ProjectAssetRow | undefined> {
  return db.updateTable('project_assets').set(patch).where('workspace_id', '=', scope.workspaceId).where('id', '=', scope.id).returningAll().executeTakeFirst();
}

export async function deleteProjectAssetRow(db: Kysely<DB>, scope: { workspaceId: string; id: string }): Promise<void> {
  await db.deleteFrom('project_assets').where('workspace_id', '=', scope.workspaceId).where('id', '=', scope.id).execute();
}

/** The project-file assets of project assets (their names and descriptions are the project assets'). */
export function findProjectFileAssets(db: Kysely<DB>, rows: readonly ProjectAssetRow[]): Promise<AssetRow[]> {
  if (rows.length === 0) {
    return Promise.resolve([]);
  }
  return db
    .selectFrom('assets')
    .selectAll()
    .where((eb) => eb.or(rows.map((r) => eb.and([eb('id', '=', r.asset_id), eb('workspace_id', '=', r.workspace_id)]))))
    .execute();
}

/** The links of project assets, oldest first. */
export function listLinks(db: Kysely<DB>, scope: { projectAssetIds: readonly string[] }): Promise<ProjectAssetLinkRow[]> {
  if (scope.projectAssetIds.length === 0) {
    return Promise.resolve([]);
  }
  return db.selectFrom('project_asset_links').selectAll().where('project_asset_id', 'in', [...scope.projectAssetIds]).orderBy('sequence').execute();
}

/** Adds a link unless it exists; true when it was added. */
export async function insertLinkIfMissing(
  db: Kysely<DB>,
  row: { id: string; workspace_id: string; project_asset_id: string; asset_id: string; asset_workspace_id: string; media_type: string; created_by_user_id: string | null; created_at: string },
): Promise<boolean> {
  const r = await db
    .insertInto('project_asset_links')
    .values(row)
    .onConflict((oc) => oc.columns(['project_asset_id', 'asset_id']).doNothing())
    .executeTakeFirst();
  return Number(r.numInsertedOrUpdatedRows ?? 0n) > 0;
}

/** Files of a copy still to make, in a stable order. */
export function listPendingCopyFiles(db: Kysely<DB>, scope: { workspaceId: string; projectAssetId: string }): Promise<ProjectAssetCopyFileRow[]> {
  return db
    .selectFrom('project_asset_copy_files')
    .selectAll()
    .where('workspace_id', '=', scope.workspaceId)
    .where('project_asset_id', '=', scope.projectAssetId)
    .where('copied_version_id', 'is', null)
    .orderBy('sequence')
    .execute();
}

/** Marks one file of a copy as made, unless a concurrent run did; true when this call marked it. */
export async function markCopyFileDone(db: Kysely<DB>, scope: { workspaceId: string; id: string }, versionId: string): Promise<boolean> {
  const r = await db
    .updateTable('project_asset_copy_files')
    .set({ copied_version_id: versionId })
    .where('workspace_id', '=', scope.workspaceId)
    .where('id', '=', scope.id)
    .where('copied_version_id', 'is', null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

/** Forgets a finished (or failed) copy's list, which also releases its hold on the source blobs. */
export async function deleteCopyFiles(db: Kysely<DB>, scope: { workspaceId: string; projectAssetId: string }): Promise<void> {
  await db.deleteFrom('project_asset_copy_files').where('workspace_id', '=', scope.workspaceId).where('project_asset_id', '=', scope.projectAssetId).execute();
}

/** Integer ids of the visible project assets (of the account) linking each asset (a media asset's `projects`). */
export async function linkingProjectAssets(db: Kysely<DB>, scope: { accountId: string; assetIds: readonly string[] }): Promise<Map<string, number[]>> {
  const out = new Map<string, number[]>();
  if (scope.assetIds.length === 0) {
    return out;
  }
  const rows = await db
    .selectFrom('project_asset_links as l')
    .innerJoin('project_assets as p', 'p.id', 'l.project_asset_id')
    .select(['l.asset_id', 'p.sequence'])
    .where('p.account_id', '=', scope.accountId)
    .where('p.deleting_at', 'is', null)
    .where('l.asset_id', 'in', [...new Set(scope.assetIds)])
    .orderBy('p.sequence')
    .execute();
  for (const r of rows) {
    out.set(r.asset_id, [...(out.get(r.asset_id) ?? []), Number(r.sequence)]);
  }
  return out;
}
