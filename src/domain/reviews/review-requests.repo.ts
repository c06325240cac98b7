import type { Insertable, Kysely } from 'kysely';
import type { DB, ReviewRequestRow, ReviewRequestsTable } from '../../db/schema.js';

export const REVIEW_REQUEST_STATES = ['open', 'completed', 'cancelled'] as const;
export type ReviewRequestState = (typeof REVIEW_REQUEST_STATES)[number];

/** One request of one asset of the workspace; anything else reads as absent. */
export function findReviewRequest(
  db: Kysely<DB>,
  scope: { workspaceId: string; assetId: string; id: string },
): Promise<ReviewRequestRow | undefined> {
  return db
    .selectFrom('review_requests')
    .selectAll()
    .where('id', '=', scope.id)
    .where('asset_id', '=', scope.assetId)
    .where('workspace_id', '=', scope.workspaceId)
    .executeTakeFirst();
}

/** The open request of a reviewer for a version, if any (at most one: a unique index holds it). */
export function findOpenRequest(
  db: Kysely<DB>,
  scope: { workspaceId: string; versionId: string; userId: string },
): Promise<ReviewRequestRow | undefined> {
  return db
    .selectFrom('review_requests')
    .selectAll()
    .where('workspace_id', '=', scope.workspaceId)
    .where('asset_version_id', '=', scope.versionId)
    .where('user_id', '=', scope.userId)
    .where('state', '=', 'open')
    .executeTakeFirst();
}

/** Requests of several assets of the workspace, oldest first, optionally in one state. */
export async function listRequestsOfAssets(
  db: Kysely<DB>,
  scope: { workspaceId: string; assetIds: readonly string[]; state?: ReviewRequestState | undefined },
): Promise<ReviewRequestRow[]> {
  if (scope.assetIds.length === 0) {
    return [];
  }
  let q = db.selectFrom('review_requests').selectAll().where('workspace_id', '=', scope.workspaceId).where('asset_id', 'in', [...new Set(scope.assetIds)]);
  if (scope.state !== undefined) {
    q = q.where('state', '=', scope.state);
  }
  return q.orderBy('sequence').execute();
}

/** Requests addressed to a user across the workspace, oldest first; trashed assets' requests are left out. */
export function listRequestsForUser(
  db: Kysely<DB>,
  scope: { workspaceId: string; userId: string; state?: ReviewRequestState | undefined },
): Promise<ReviewRequestRow[]> {
  let q = db
    .selectFrom('review_requests as r')
    .innerJoin('assets as a', 'a.id', 'r.asset_id')
    .selectAll('r')
    .where('r.workspace_id', '=', scope.workspaceId)
    .where('r.user_id', '=', scope.userId)
    .where('a.is_active', '=', 1);
  if (scope.state !== undefined) {
    q = q.where('r.state', '=', scope.state);
  }
  return q.orderBy('r.sequence').execute();
}

export function insertReviewRequest(db: Kysely<DB>, row: Insertable<ReviewRequestsTable>): Promise<ReviewRequestRow> {
  return db.insertInto('review_requests').values(row).returningAll().executeTakeFirstOrThrow();
}

/** Answers a reviewer's open requests for a version with a review; returns the requests it completed. */
export function completeOpenRequests(
  db: Kysely<DB>,
  scope: { workspaceId: string; versionId: string; userId: string },
  done: { reviewId: string; at: string },
): Promise<ReviewRequestRow[]> {
  return db
    .updateTable('review_requests')
    .set({ state: 'completed', review_id: done.reviewId, completed_at: done.at, updated_at: done.at })
    .where('workspace_id', '=', scope.workspaceId)
    .where('asset_version_id', '=', scope.versionId)
    .where('user_id', '=', scope.userId)
    .where('state', '=', 'open')
    .returningAll()
    .execute();
}

/** Cancels one open request; undefined when it is not open (any more). */
export function cancelOpenRequest(db: Kysely<DB>, scope: { workspaceId: string; id: string }, at: string): Promise<ReviewRequestRow | undefined> {
  return db
    .updateTable('review_requests')
    .set({ state: 'cancelled', cancelled_at: at, updated_at: at })
    .where('id', '=', scope.id)
    .where('workspace_id', '=', scope.workspaceId)
    .where('state', '=', 'open')
    .returningAll()
    .executeTakeFirst();
}
