import type { Kysely } from 'kysely';
import type { AssetRow, DB } from '../../db/schema.js';

/** A position in the trash listing: newest deletion first, ties by sequence. */
export interface TrashCursor {
  deletedAt: string;
  sequence: number;
}

/** One page of the workspace's trashed assets, newest deletion first (keyset on deleted_at, sequence). */
export function listTrashedAssets(
  db: Kysely<DB>,
  scope: { workspaceId: string; limit: number; after?: TrashCursor | undefined },
): Promise<AssetRow[]> {
  let q = db
    .selectFrom('assets')
    .selectAll()
    .where('workspace_id', '=', scope.workspaceId)
    .where('is_active', '=', 0);
  const after = scope.after;
  if (after) {
    q = q.where((eb) =>
      eb.or([
        eb('deleted_at', '<', after.deletedAt),
        eb.and([eb('deleted_at', '=', after.deletedAt), eb('sequence', '<', after.sequence)]),
      ]),
    );
  }
  return q.orderBy('deleted_at', 'desc').orderBy('sequence', 'desc').limit(scope.limit).execute();
}

/** Ids of trashed assets of the workspace deleted before `before` (all when undefined), oldest first. */
export function listTrashedIds(
  db: Kysely<DB>,
  scope: { workspaceId: string; deletedBefore?: string | undefined; limit: number },
): Promise<Array<{ id: string; file_location: string; file_name: string; name: string; deleted_at: string | null }>> {
  let q = db
    .selectFrom('assets')
    .select(['id', 'file_location', 'file_name', 'name', 'deleted_at'])
    .where('workspace_id', '=', scope.workspaceId)
    .where('is_active', '=', 0);
  if (scope.deletedBefore !== undefined) {
    q = q.where('deleted_at', '<', scope.deletedBefore);
  }
  return q.orderBy('deleted_at').orderBy('sequence').limit(scope.limit).execute();
}

/**
 * Deletes trashed assets of the workspace; their versions and derivatives go by ON DELETE CASCADE. Blobs are left:
 * the orphan sweep removes the ones no row references any more (they may be shared through dedup).
 */
export async function deleteTrashedAssets(db: Kysely<DB>, scope: { workspaceId: string; ids: readonly string[] }): Promise<number> {
  if (scope.ids.length === 0) {
    return 0;
  }
  const r = await db
    .deleteFrom('assets')
    .where('workspace_id', '=', scope.workspaceId)
    .where('is_active', '=', 0)
    .where('id', 'in', [...scope.ids])
    .executeTakeFirst();
  return Number(r.numDeletedRows);
}

/** Workspaces (with their account) that have something in the trash (an asset or a version) deleted before `before`. */
export async function workspacesWithExpiredTrash(db: Kysely<DB>, before: string): Promise<Array<{ workspaceId: string; accountId: string }>> {
  const [assets, versions] = await Promise.all([
    db
      .selectFrom('assets')
      .innerJoin('workspaces', 'workspaces.id', 'assets.workspace_id')
      .select(['assets.workspace_id as workspaceId', 'workspaces.account_id as accountId'])
      .distinct()
      .where('assets.is_active', '=', 0)
      .where('assets.deleted_at', '<', before)
      .execute(),
    db
      .selectFrom('asset_versions')
      .innerJoin('workspaces', 'workspaces.id', 'asset_versions.workspace_id')
      .select(['asset_versions.workspace_id as workspaceId', 'workspaces.account_id as accountId'])
      .distinct()
      .where('asset_versions.deleted_at', '<', before)
      .execute(),
  ]);
  const byWorkspace = new Map([...assets, ...versions].map((w) => [w.workspaceId, w]));
  return [...byWorkspace.values()];
}
