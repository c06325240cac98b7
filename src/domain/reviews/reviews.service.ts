import type { AssetRow, ReviewRow } from '../../db/schema.js';
import { isoNow } from '../../lib/clock.js';
import { newId } from '../../lib/ids.js';
import { requirePermission } from '../access.js';
import { requireAsset } from '../assets/assets.service.js';
import { listAttachmentsOf } from '../attachments/attachments.repo.js';
import { assertAuthorOrModerator, linkAttachments, removeAttachments } from '../attachments/attachments.service.js';
import { assertDiscussable, cleanContent, parseViewerMetadata, readIdList, readJsonObject, resolveMentions } from '../comments/discussion.rules.js';
import { findWorkspaceUserIds } from '../comments/participants.repo.js';
import { inTransaction, scopedAccountId, scopedWorkspaceId, type Ctx } from '../context.js';
import { errors, type FieldProblem } from '../errors.js';
import { recordHistory } from '../history/history.service.js';
import { notify } from '../notifications/notifications.service.js';
import { notifySubscribers } from '../subscriptions/notify-subscribers.js';
import { findVersion } from '../versions/versions.repo.js';
import { completeOpenRequests } from './review-requests.repo.js';
import { answerReviewSlots } from '../approvals/review-bridge.js';
import { viewReviews, type ReviewView } from './review-views.js';
import { deleteReviewRow, findReview, insertReview, listAssetReviews, updateReviewRow } from './reviews.repo.js';

export const REVIEW_STATUSES = ['approved', 'changes_requested', 'commented'] as const;
export type ReviewStatus = (typeof REVIEW_STATUSES)[number];

/** The review fields a request sent; `part` says where (query or JSON body), for error pointers. */
export interface ReviewInput {
  content?: string | undefined;
  assetVersionId?: string | undefined;
  assignedUserId?: string | null | undefined;
  status?: string | undefined;
  mentions?: readonly string[] | undefined;
  files?: readonly string[] | undefined;
  viewerMetadata?: unknown;
  part: FieldProblem['in'];
}

/** A status as sent: `rejected` (seen in Mudstack's docs) is an alias of `changes_requested`. */
export function normalizeReviewStatus(value: string, part: FieldProblem['in']): ReviewStatus {
  const v = value.trim().toLowerCase();
  const status = v === 'rejected' ? 'changes_requested' : v;
  if (!(REVIEW_STATUSES as readonly string[]).includes(status)) {
    throw errors.invalidField(part, 'status', `must be one of ${REVIEW_STATUSES.join(', ')} (or rejected)`);
  }
  return status as ReviewStatus;
}

const snapshot = (r: ReviewRow) => ({
  status: r.status, content: r.content, assigned_user_id: r.assigned_user_id, asset_version_id: r.asset_version_id,
  mentions: readIdList(r.mentions), viewer_metadata: readJsonObject(r.viewer_metadata),
});

async function viewOne(ctx: Ctx, row: ReviewRow): Promise<ReviewView> {
  const [view] = await viewReviews(ctx.db, scopedWorkspaceId(ctx), [row]);
  if (!view) {
    throw errors.notFound('review', row.id);
  }
  return view;
}

/** An assignee must be a person of the workspace; anyone else (another tenant's user) reads as absent. */
async function requireAssignee(ctx: Ctx, userId: string): Promise<string> {
  const ok = await findWorkspaceUserIds(ctx.db, { accountId: scopedAccountId(ctx), workspaceId: scopedWorkspaceId(ctx), userIds: [userId] });
  if (!ok.has(userId)) {
    throw errors.notFound('user', userId);
  }
  return userId;
}

/** The reviewed version: the one named (of this asset, else 404), or the asset's current version. */
async function resolveVersion(ctx: Ctx, asset: AssetRow, versionId: string | undefined): Promise<string | null> {
  if (versionId === undefined || versionId === '') {
    return asset.current_version_id;
  }
  const version = await findVersion(ctx.db, { workspaceId: asset.workspace_id, assetId: asset.id, id: versionId });
  if (!version || version.deleted_at !== null) {
    throw errors.notFound('version', versionId);
  }
  return version.id;
}

/** Notifications of a new or changed review: new mentions, and the assignee of a change request. Never the author. */
async function notifyReviewPeople(
  tx: Ctx,
  review: ReviewRow,
  change: { newMentions: readonly string[]; notifyAssignee: boolean },
): Promise<void> {
  const base = { accountId: scopedAccountId(tx), workspaceId: review.workspace_id };
  const data = { asset_id: review.asset_id, asset_version_id: review.asset_version_id, review_id: review.id, status: review.status, by_user_id: tx.actor.userId };
  await notify(tx, { ...base, userIds: change.newMentions.filter((id) => id !== tx.actor.userId), type: 'mention', data: { ...data, subject: 'review' } });
  if (change.notifyAssignee && review.assigned_user_id && review.assigned_user_id !== tx.actor.userId) {
    await notify(tx, { ...base, userIds: [review.assigned_user_id], type: 'changes_requested', data });
  }
}

/** GET /workspaces/assets/{id}/reviews: oldest first. */
export async function listReviews(ctx: Ctx, assetId: string): Promise<ReviewView[]> {
  requirePermission(ctx.actor, 'asset.read');
  await requireAsset(ctx, assetId);
  const workspaceId = scopedWorkspaceId(ctx);
  return viewReviews(ctx.db, workspaceId, await listAssetReviews(ctx.db, { workspaceId, assetId }));
}

/**
 * POST /workspaces/assets/{id}/reviews (Mudstack §5.5). The review answers the reviewer's open review requests
 * for that version (they become `completed` and their requestors are notified); a change request with an
 * assignee notifies the assignee; mentions notify the mentioned.
 */
export async function createReview(ctx: Ctx, assetId: string, input: ReviewInput): Promise<ReviewView> {
  requirePermission(ctx.actor, 'asset.review');
  const workspaceId = scopedWorkspaceId(ctx);
  const row = await inTransaction(ctx, async (tx) => {
    const asset = await requireAsset(tx, assetId);
    assertDiscussable(asset);
    if (input.content === undefined) {
      throw errors.invalidField(input.part, 'content', 'is required');
    }
    const content = cleanContent(input.content, input.part);
    const status = normalizeReviewStatus(input.status ?? 'commented', input.part);
    const viewer = parseViewerMetadata(input.viewerMetadata ?? {}, input.part);
    const versionId = await resolveVersion(tx, asset, input.assetVersionId);
    const assigned = input.assignedUserId ? await requireAssignee(tx, input.assignedUserId) : null;
    const mentions = await resolveMentions(tx, { explicit: input.mentions, content, part: input.part });
    const now = isoNow(tx.clock);
    const review = await insertReview(tx.db, {
      id: newId(), workspace_id: workspaceId, asset_id: asset.id, asset_version_id: versionId, user_id: tx.actor.userId,
      assigned_user_id: assigned, status, content, mentions: JSON.stringify(mentions), viewer_metadata: JSON.stringify(viewer),
      created_at: now, updated_at: now,
    });
    await linkAttachments(tx, { assetId, ids: input.files ?? [], target: { review_id: review.id }, part: input.part });
    const history = { accountId: scopedAccountId(tx), workspaceId, assetId, userId: tx.actor.userId };
    await recordHistory(tx, { ...history, subjectType: 'review', recordId: review.id, type: 'review_created', data: { before: null, after: snapshot(review) } });
    if (versionId !== null) {
      const answered = await completeOpenRequests(tx.db, { workspaceId, versionId, userId: tx.actor.userId }, { reviewId: review.id, at: now });
      await answerReviewSlots(tx, answered, status, content);
      for (const request of answered) {
        await recordHistory(tx, {
          ...history, subjectType: 'review_request', recordId: request.id, type: 'review_request_completed',
          data: { before: { state: 'open', review_id: null }, after: { state: 'completed', review_id: review.id } },
        });
        if (request.requestor_id && request.requestor_id !== tx.actor.userId) {
          await notify(tx, {
            accountId: history.accountId, workspaceId, userIds: [request.requestor_id], type: 'review_submitted',
            data: { asset_id: assetId, asset_version_id: versionId, review_id: review.id, review_request_id: request.id, status, by_user_id: tx.actor.userId },
          });
        }
      }
    }
    await notifyReviewPeople(tx, review, { newMentions: mentions, notifyAssignee: status === 'changes_requested' });
    await notifySubscribers(tx, {
      workspaceId, accountId: history.accountId, assetId, actorUserId: tx.actor.userId, type: 'review_created', data: { review_id: review.id, status },
    });
    return review;
  });
  return viewOne(ctx, row);
}

/** PUT /workspaces/assets/{id}/reviews/{review_id}: the author only. Newly mentioned users are notified. */
export async function updateReview(ctx: Ctx, assetId: string, reviewId: string, input: ReviewInput): Promise<ReviewView> {
  requirePermission(ctx.actor, 'asset.review');
  const workspaceId = scopedWorkspaceId(ctx);
  const row = await inTransaction(ctx, async (tx) => {
    const asset = await requireAsset(tx, assetId);
    const before = await findReview(tx.db, { workspaceId, assetId, id: reviewId });
    if (!before) {
      throw errors.notFound('review', reviewId);
    }
    if (before.user_id !== tx.actor.userId) {
      throw errors.forbidden('review_not_yours', 'Only the author can edit a review.');
    }
    assertDiscussable(asset);
    if (input.assetVersionId !== undefined) {
      throw errors.invalidField(input.part, 'asset_version_id', 'cannot be changed; post a new review for another version');
    }
    const content = input.content !== undefined ? cleanContent(input.content, input.part) : before.content;
    const status = input.status !== undefined ? normalizeReviewStatus(input.status, input.part) : before.status;
    const viewer = input.viewerMetadata !== undefined ? parseViewerMetadata(input.viewerMetadata, input.part) : readJsonObject(before.viewer_metadata);
    let assigned = before.assigned_user_id;
    if (input.assignedUserId !== undefined) {
      assigned = input.assignedUserId ? await requireAssignee(tx, input.assignedUserId) : null;
    }
    const oldMentions = readIdList(before.mentions);
    const mentions = input.mentions !== undefined || input.content !== undefined
      ? await resolveMentions(tx, { explicit: input.mentions ?? oldMentions, content, part: input.part })
      : oldMentions;
    const after = await updateReviewRow(tx.db, { workspaceId, id: before.id }, {
      content, status, assigned_user_id: assigned, mentions: JSON.stringify(mentions), viewer_metadata: JSON.stringify(viewer), updated_at: isoNow(tx.clock),
    });
    if (!after) {
      throw errors.notFound('review', reviewId);
    }
    await linkAttachments(tx, { assetId, ids: input.files ?? [], target: { review_id: after.id }, part: input.part });
    await recordHistory(tx, {
      accountId: scopedAccountId(tx), workspaceId, assetId, userId: tx.actor.userId, subjectType: 'review', recordId: after.id,
      type: 'review_updated', data: { before: snapshot(before), after: snapshot(after) },
    });
    const assigneeNews = status === 'changes_requested' && (before.status !== status || before.assigned_user_id !== assigned);
    await notifyReviewPeople(tx, after, { newMentions: mentions.filter((id) => !oldMentions.includes(id)), notifyAssignee: assigneeNews });
    return after;
  });
  return viewOne(ctx, row);
}

/** DELETE /workspaces/assets/{id}/reviews/{review_id}: the author or a workspace admin; its attachments go too. */
export async function deleteReview(ctx: Ctx, assetId: string, reviewId: string): Promise<void> {
  requirePermission(ctx.actor, 'asset.review');
  const workspaceId = scopedWorkspaceId(ctx);
  await inTransaction(ctx, async (tx) => {
    await requireAsset(tx, assetId);
    const before = await findReview(tx.db, { workspaceId, assetId, id: reviewId });
    if (!before) {
      throw errors.notFound('review', reviewId);
    }
    assertAuthorOrModerator(tx, before.user_id, 'review');
    await removeAttachments(tx, await listAttachmentsOf(tx.db, { workspaceId, column: 'review_id', ids: [before.id] }));
    await deleteReviewRow(tx.db, { workspaceId, id: before.id });
    await recordHistory(tx, {
      accountId: scopedAccountId(tx), workspaceId, assetId, userId: tx.actor.userId, subjectType: 'review', recordId: before.id,
      type: 'review_deleted', data: { before: snapshot(before), after: null },
    });
  });
}
