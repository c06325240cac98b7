import type { Insertable, Kysely, Updateable } from 'kysely';
import type { CommentRow, CommentsTable, DB } from '../../db/schema.js';

/** One comment of one asset of the workspace (soft-deleted ones included); anything else reads as absent. */
export function findComment(db: Kysely<DB>, scope: { workspaceId: string; assetId: string; id: string }): Promise<CommentRow | undefined> {
  return db
    .selectFrom('comments')
    .selectAll()
    .where('id', '=', scope.id)
    .where('asset_id', '=', scope.assetId)
    .where('workspace_id', '=', scope.workspaceId)
    .executeTakeFirst();
}

/** The asset's comments, oldest first, optionally only those on one version. */
export function listAssetComments(
  db: Kysely<DB>,
  scope: { workspaceId: string; assetId: string; versionId?: string | undefined },
): Promise<CommentRow[]> {
  let q = db.selectFrom('comments').selectAll().where('workspace_id', '=', scope.workspaceId).where('asset_id', '=', scope.assetId);
  if (scope.versionId !== undefined) {
    q = q.where('asset_version_id', '=', scope.versionId);
  }
  return q.orderBy('sequence').execute();
}

/** Number of replies (deleted ones included) of each of `ids`. */
export async function countReplies(db: Kysely<DB>, scope: { workspaceId: string; ids: readonly string[] }): Promise<Map<string, number>> {
  if (scope.ids.length === 0) {
    return new Map();
  }
  const rows = await db
    .selectFrom('comments')
    .select((eb) => ['parent_id', eb.fn.countAll<number>().as('n')])
    .where('workspace_id', '=', scope.workspaceId)
    .where('parent_id', 'in', [...new Set(scope.ids)])
    .groupBy('parent_id')
    .execute();
  return new Map(rows.flatMap((r) => (r.parent_id ? [[r.parent_id, Number(r.n)] as const] : [])));
}

export function insertComment(db: Kysely<DB>, row: Insertable<CommentsTable>): Promise<CommentRow> {
  return db.insertInto('comments').values(row).returningAll().executeTakeFirstOrThrow();
}

export function updateCommentRow(
  db: Kysely<DB>,
  scope: { workspaceId: string; id: string },
  patch: Updateable<CommentsTable>,
): Promise<CommentRow | undefined> {
  return db.updateTable('comments').set(patch).where('id', '=', scope.id).where('workspace_id', '=', scope.workspaceId).returningAll().executeTakeFirst();
}
