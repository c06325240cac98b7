import type { Kysely } from 'kysely';
import type { AssetRow, AssetVersionRow, DB, DerivativeRow, FolderRow, UserRow } from '../../db/schema.js';

/*
 * Everything the integer-id surfaces need to show an asset the way Webdam does (its current version, derivatives,
 * uploader, folder, tags, comment count, whether the viewer watches it), read in a fixed number of queries for any
 * number of assets. Every query is scoped to the workspace.
 */

/** One live asset with what its Workstream shapes show. */
export interface AssetShapeData {
  asset: AssetRow;
  /** The current version (undefined only for an asset whose upload never committed). */
  version: AssetVersionRow | undefined;
  /** The current version's derivatives by kind (any state). */
  derivatives: Map<string, DerivativeRow>;
  uploader: UserRow | undefined;
  /** The folder row; undefined at the workspace root (which has no row). */
  folder: FolderRow | undefined;
  workspaceName: string;
  tags: string[];
  commentCount: number;
  /** Whether the viewer subscribes to the asset (Atelier's asset subscriptions). */
  watched: boolean;
}

/** One version of an asset with its derivatives, for the version shape. */
export interface VersionShapeData {
  version: AssetVersionRow;
  derivatives: Map<string, DerivativeRow>;
}

const byKind = (rows: readonly DerivativeRow[], versionId: string): Map<string, DerivativeRow> =>
  new Map(rows.filter((d) => d.version_id === versionId).map((d) => [d.kind, d]));

/**
 * The live (not trashed) assets of `assetIds` in the workspace, in the order of `assetIds`; ids that are absent,
 * trashed or another workspace's are left out.
 */
export async function loadAssetShapes(
  db: Kysely<DB>,
  scope: { workspaceId: string; viewerId: string | null; assetIds: readonly string[] },
): Promise<AssetShapeData[]> {
  const ids = [...new Set(scope.assetIds)];
  if (ids.length === 0) {
    return [];
  }
  const ws = scope.workspaceId;
  const assets = await db.selectFrom('assets').selectAll().where('workspace_id', '=', ws).where('id', 'in', ids).where('deleted_at', 'is', null).execute();
  if (assets.length === 0) {
    return [];
  }
  const liveIds = assets.map((a) => a.id);
  const versionIds = assets.map((a) => a.current_version_id).filter((v): v is string => v !== null);
  const versions = versionIds.length === 0 ? [] : await db.selectFrom('asset_versions').selectAll().where('workspace_id', '=', ws).where('id', 'in', versionIds).execute();
  const derivatives = versionIds.length === 0 ? [] : await db.selectFrom('derivatives').selectAll().where('workspace_id', '=', ws).where('version_id', 'in', versionIds).execute();
  const userIds = [...new Set(assets.map((a) => a.created_by_user_id).filter((u): u is string => u !== null))];
  const users = userIds.length === 0 ? [] : await db.selectFrom('users').selectAll().where('id', 'in', userIds).execute();
  const paths = [...new Set(assets.map((a) => a.file_location).filter((p) => p !== '/'))];
  const folders = paths.length === 0 ? [] : await db.selectFrom('folders').selectAll().where('workspace_id', '=', ws).where('path', 'in', paths).execute();
  const workspace = await db.selectFrom('workspaces').select('name').where('id', '=', ws).executeTakeFirst();
  const tags = await db
    .selectFrom('asset_tags')
    .innerJoin('tags', 'tags.id', 'asset_tags.tag_id')
    .select(['asset_tags.asset_id', 'tags.name'])
    .where('asset_tags.workspace_id', '=', ws)
    .where('asset_tags.asset_id', 'in', liveIds)
    .orderBy('tags.name')
    .execute();
  const comments = await db
    .selectFrom('comments')
    .select(['asset_id', db.fn.countAll<number>().as('n')])
    .where('workspace_id', '=', ws)
    .where('asset_id', 'in', liveIds)
    .where('deleted_at', 'is', null)
    .groupBy('asset_id')
    .execute();
  const watched =
    scope.viewerId === null
      ? []
      : await db
          .selectFrom('asset_subscriptions')
          .select('asset_id')
          .where('workspace_id', '=', ws)
          .where('user_id', '=', scope.viewerId)
          .where('asset_id', 'in', liveIds)
          .execute();
  const versionById = new Map(versions.map((v) => [v.id, v]));
  const userById = new Map(users.map((u) => [u.id, u]));
  const folderByPath = new Map(folders.map((f) => [f.path, f]));
  const commentsByAsset = new Map(comments.map((c) => [c.asset_id, Number(c.n)]));
  const watchedSet = new Set(watched.map((w) => w.asset_id));
  const assetById = new Map(assets.map((a) => [a.id, a]));
  return ids.flatMap((id) => {
    const asset = assetById.get(id);
    if (!asset) {
      return [];
    }
    const versionId = asset.current_version_id;
    return [
      {
        asset,
        version: versionId === null ? undefined : versionById.get(versionId),
        derivatives: versionId === null ? new Map() : byKind(derivatives, versionId),
        uploader: asset.created_by_user_id === null ? undefined : userById.get(asset.created_by_user_id),
        folder: folderByPath.get(asset.file_location),
        workspaceName: workspace?.name ?? '',
        tags: tags.filter((t) => t.asset_id === id).map((t) => t.name),
        commentCount: commentsByAsset.get(id) ?? 0,
        watched: watchedSet.has(id),
      },
    ];
  });
}

/** The asset's live versions, newest first, with their derivatives. */
export async function loadVersionShapes(db: Kysely<DB>, scope: { workspaceId: string; assetId: string }): Promise<VersionShapeData[]> {
  const versions = await db
    .selectFrom('asset_versions')
    .selectAll()
    .where('workspace_id', '=', scope.workspaceId)
    .where('asset_id', '=', scope.assetId)
    .where('deleted_at', 'is', null)
    .orderBy('version_number', 'desc')
    .execute();
  const ids = versions.map((v) => v.id);
  const derivatives = ids.length === 0 ? [] : await db.selectFrom('derivatives').selectAll().where('workspace_id', '=', scope.workspaceId).where('version_id', 'in', ids).execute();
  return versions.map((version) => ({ version, derivatives: byKind(derivatives, version.id) }));
}

/** A ready derivative by id inside its workspace (the signed media URLs of the integer-id surfaces). */
export function findDerivativeById(db: Kysely<DB>, scope: { workspaceId: string; id: string }): Promise<DerivativeRow | undefined> {
  return db.selectFrom('derivatives').selectAll().where('workspace_id', '=', scope.workspaceId).where('id', '=', scope.id).executeTakeFirst();
}
