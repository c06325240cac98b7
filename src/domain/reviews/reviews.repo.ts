import type { Insertable, Kysely, Updateable } from 'kysely';
import type { DB, ReviewRow, ReviewsTable } from '../../db/schema.js';

/** One review of one asset of the workspace; anything else reads as absent. */
export function findReview(db: Kysely<DB>, scope: { workspaceId: string; assetId: string; id: string }): Promise<ReviewRow | undefined> {
  return db
    .selectFrom('reviews')
    .selectAll()
    .where('id', '=', scope.id)
    .where('asset_id', '=', scope.assetId)
    .where('workspace_id', '=', scope.workspaceId)
    .executeTakeFirst();
}

/** Reviews of the workspace by id (for nesting in review requests). */
export async function findReviewsByIds(db: Kysely<DB>, scope: { workspaceId: string; ids: readonly string[] }): Promise<ReviewRow[]> {
  if (scope.ids.length === 0) {
    return [];
  }
  return db.selectFrom('reviews').selectAll().where('workspace_id', '=', scope.workspaceId).where('id', 'in', [...new Set(scope.ids)]).execute();
}

/** The asset's reviews, oldest first. */
export function listAssetReviews(db: Kysely<DB>, scope: { workspaceId: string; assetId: string }): Promise<ReviewRow[]> {
  return db.selectFrom('reviews').selectAll().where('workspace_id', '=', scope.workspaceId).where('asset_id', '=', scope.assetId).orderBy('sequence').execute();
}

export function insertReview(db: Kysely<DB>, row: Insertable<ReviewsTable>): Promise<ReviewRow> {
  return db.insertInto('reviews').values(row).returningAll().executeTakeFirstOrThrow();
}

export function updateReviewRow(db: Kysely<DB>, scope: { workspaceId: string; id: string }, patch: Updateable<ReviewsTable>): Promise<ReviewRow | undefined> {
  return db.updateTable('reviews').set(patch).where('id', '=', scope.id).where('workspace_id', '=', scope.workspaceId).returningAll().executeTakeFirst();
}

export async function deleteReviewRow(db: Kysely<DB>, scope: { workspaceId: string; id: string }): Promise<void> {
  await db.deleteFrom('reviews').where('id', '=', scope.id).where('workspace_id', '=', scope.workspaceId).execute();
}
