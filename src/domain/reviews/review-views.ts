import type { Kysely } from 'kysely';
import type { AssetRow, DB, ReviewRequestRow, ReviewRow, UserRow } from '../../db/schema.js';
import type { VersionView } from '../assets/asset-relations.js';
import { findAssetsByIds } from '../assets/assets.repo.js';
import { viewAttachments, type AttachmentView } from '../attachments/attachment-views.js';
import { listAttachmentsOf } from '../attachments/attachments.repo.js';
import { findUsersByIds } from '../users/users.repo.js';
import { findReviewsByIds } from './reviews.repo.js';
import { listRequestsOfAssets } from './review-requests.repo.js';
import { loadVersionViews } from './version-views.repo.js';

/*
 * What surfaces show of reviews and review requests, loaded for many rows in a fixed number of queries.
 * Only repositories are imported here: the asset relations loader uses this module.
 */

export interface ReviewView {
  review: ReviewRow;
  user: UserRow | undefined;
  assignee: UserRow | undefined;
  version: VersionView | undefined;
  attachments: AttachmentView[];
}

export interface ReviewRequestView {
  request: ReviewRequestRow;
  user: UserRow | undefined;
  requestor: UserRow | undefined;
  asset: AssetRow | undefined;
  version: VersionView | undefined;
  review: ReviewView | undefined;
}

const present = (id: string | null): id is string => id !== null;

/** Reviews with author, assignee, version and attachments (six queries whatever the number of reviews). */
export async function viewReviews(db: Kysely<DB>, workspaceId: string, rows: readonly ReviewRow[]): Promise<ReviewView[]> {
  const [users, versions, attachmentRows] = await Promise.all([
    findUsersByIds(db, rows.flatMap((r) => [r.user_id, r.assigned_user_id]).filter(present)),
    loadVersionViews(db, { workspaceId, ids: rows.map((r) => r.asset_version_id).filter(present) }),
    listAttachmentsOf(db, { workspaceId, column: 'review_id', ids: rows.map((r) => r.id) }),
  ]);
  const attachments = await viewAttachments(db, attachmentRows);
  return rows.map((review) => ({
    review,
    user: review.user_id ? users.get(review.user_id) : undefined,
    assignee: review.assigned_user_id ? users.get(review.assigned_user_id) : undefined,
    version: review.asset_version_id ? versions.get(review.asset_version_id) : undefined,
    attachments: attachments.filter((a) => a.attachment.review_id === review.id),
  }));
}

/** Review requests with reviewer, requestor, asset, version and review, in a fixed number of queries. */
export async function viewReviewRequests(db: Kysely<DB>, workspaceId: string, rows: readonly ReviewRequestRow[]): Promise<ReviewRequestView[]> {
  if (rows.length === 0) {
    return [];
  }
  const [users, assets, versions, reviewRows] = await Promise.all([
    findUsersByIds(db, rows.flatMap((r) => [r.user_id, r.requestor_id]).filter(present)),
    findAssetsByIds(db, { workspaceId, ids: rows.map((r) => r.asset_id) }),
    loadVersionViews(db, { workspaceId, ids: rows.map((r) => r.asset_version_id).filter(present) }),
    findReviewsByIds(db, { workspaceId, ids: rows.map((r) => r.review_id).filter(present) }),
  ]);
  const reviews = new Map((await viewReviews(db, workspaceId, reviewRows)).map((v) => [v.review.id, v]));
  const assetById = new Map(assets.map((a) => [a.id, a]));
  return rows.map((request) => ({
    request,
    user: users.get(request.user_id),
    requestor: request.requestor_id ? users.get(request.requestor_id) : undefined,
    asset: assetById.get(request.asset_id),
    version: request.asset_version_id ? versions.get(request.asset_version_id) : undefined,
    review: request.review_id ? reviews.get(request.review_id) : undefined,
  }));
}

/**
 * Every review request of many assets (open, completed and cancelled), oldest first, grouped by asset: the Asset's
 * `reviewRequests` (seed 001 nests the answering `review`, which only a completed request has).
 */
export async function loadReviewRequestsOfAssets(
  db: Kysely<DB>,
  scope: { workspaceId: string; assetIds: readonly string[] },
): Promise<Map<string, ReviewRequestView[]>> {
  const rows = await listRequestsOfAssets(db, scope);
  const out = new Map<string, ReviewRequestView[]>();
  for (const view of await viewReviewRequests(db, scope.workspaceId, rows)) {
    out.set(view.request.asset_id, [...(out.get(view.request.asset_id) ?? []), view]);
  }
  return out;
}
