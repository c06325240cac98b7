import type { ReviewRequestRow } from '../../db/schema.js';
import { isoNow } from '../../lib/clock.js';
import { newId } from '../../lib/ids.js';
import { can, requirePermission } from '../access.js';
import { requireAsset } from '../assets/assets.service.js';
import { assertDiscussable, resolveMentions } from '../comments/discussion.rules.js';
import { findWorkspaceUserIds } from '../comments/participants.repo.js';
import { inTransaction, scopedAccountId, scopedWorkspaceId, type Ctx } from '../context.js';
import { errors, type FieldProblem } from '../errors.js';
import { recordHistory } from '../history/history.service.js';
import { notify } from '../notifications/notifications.service.js';
import { findVersion } from '../versions/versions.repo.js';
import { closeReviewSlot, openReviewSlot } from '../approvals/review-bridge.js';
import {
  cancelOpenRequest,
  findOpenRequest,
  findReviewRequest,
  insertReviewRequest,
  listRequestsForUser,
  listRequestsOfAssets,
  REVIEW_REQUEST_STATES,
  type ReviewRequestState,
} from './review-requests.repo.js';
import { viewReviewRequests, type ReviewRequestView } from './review-views.js';

/** Most reviewers one request may name. */
export const MAX_REVIEWERS = 100;

export interface ReviewRequestInput {
  userIds: readonly string[];
  assetVersionId?: string | undefined;
  message?: string | undefined;
  part: FieldProblem['in'];
}

const snapshot = (r: ReviewRequestRow) => ({ state: r.state, user_id: r.user_id, asset_version_id: r.asset_version_id, review_id: r.review_id, message: r.message });

export function parseRequestState(value: string | undefined): ReviewRequestState | undefined {
  if (value === undefined || value === 'all') {
    return undefined;
  }
  if (!(REVIEW_REQUEST_STATES as readonly string[]).includes(value)) {
    throw errors.invalidField('query', 'state', `must be one of ${REVIEW_REQUEST_STATES.join(', ')} or all`);
  }
  return value as ReviewRequestState;
}

/**
 * POST /workspaces/assets/{id}/reviewRequests: asks each user to review a version (default: the current one).
 * Every user must be a person of the workspace (else 404, nothing written). Idempotent per reviewer and version:
 * an open request that already exists is returned as it is (no second notification).
 * The message's `@[user id]` tokens are read like a comment's (discussion.rules.ts: members only, else 400): the
 * mentioned get one `mention` notification per call that opened a request, unless they are its reviewers (their
 * `review_requested` carries the message) or the requestor.
 */
export async function requestReviews(ctx: Ctx, assetId: string, input: ReviewRequestInput): Promise<ReviewRequestView[]> {
  requirePermission(ctx.actor, 'asset.write');
  const workspaceId = scopedWorkspaceId(ctx);
  const accountId = scopedAccountId(ctx);
  const userIds = [...new Set(input.userIds.map((id) => id.trim().toLowerCase()).filter((id) => id !== ''))];
  if (userIds.length === 0) {
    throw errors.invalidField(input.part, 'user_ids', 'name at least one user');
  }
  if (userIds.length > MAX_REVIEWERS) {
    throw errors.invalidField(input.part, 'user_ids', `at most ${MAX_REVIEWERS} users`);
  }
  const message = (input.message ?? '').slice(0, 10_000);
  const rows = await inTransaction(ctx, async (tx) => {
    const asset = await requireAsset(tx, assetId);
    assertDiscussable(asset);
    const versionId = input.assetVersionId ?? asset.current_version_id;
    const version = versionId ? await findVersion(tx.db, { workspaceId, assetId, id: versionId }) : undefined;
    if (!version || version.deleted_at !== null) {
      throw errors.notFound('version', versionId ?? undefined);
    }
    const people = await findWorkspaceUserIds(tx.db, { accountId, workspaceId, userIds });
    const stranger = userIds.find((id) => !people.has(id));
    if (stranger !== undefined) {
      throw errors.notFound('user', stranger);
    }
    const mentioned = await resolveMentions(tx, { explicit: undefined, content: message, part: input.part });
    const opened: ReviewRequestRow[] = [];
    const out: ReviewRequestRow[] = [];
    const now = isoNow(tx.clock);
    for (const userId of userIds) {
      const existing = await findOpenRequest(tx.db, { workspaceId, versionId: version.id, userId });
      if (existing) {
        out.push(existing);
        continue;
      }
      // The request is a slot of the version's approval on the engine (approvals/review-bridge.ts).
      const slotId = await openReviewSlot(tx, { asset, version, userId, message });
      const row = await insertReviewRequest(tx.db, {
        id: newId(), workspace_id: workspaceId, asset_id: assetId, asset_version_id: version.id, requestor_id: tx.actor.userId,
        user_id: userId, review_id: null, state: 'open', message, created_at: now, updated_at: now, completed_at: null, cancelled_at: null,
        approval_response_id: slotId,
      });
      opened.push(row);
      await recordHistory(tx, {
        accountId, workspaceId, assetId, userId: tx.actor.userId, subjectType: 'review_request', recordId: row.id,
        type: 'review_requested', data: { before: null, after: snapshot(row) },
      });
      if (userId !== tx.actor.userId) {
        await notify(tx, {
          accountId, workspaceId, userIds: [userId], type: 'review_requested',
          data: { asset_id: assetId, asset_version_id: version.id, review_request_id: row.id, by_user_id: tx.actor.userId, message },
        });
      }
      out.push(row);
    }
    const first = opened[0];
    if (first) {
      await notify(tx, {
        accountId, workspaceId, userIds: mentioned.filter((id) => id !== tx.actor.userId && !userIds.includes(id)), type: 'mention',
        data: { asset_id: assetId, asset_version_id: version.id, review_request_id: first.id, by_user_id: tx.actor.userId, subject: 'review_request' },
      });
    }
    return out;
  });
  return viewReviewRequests(ctx.db, workspaceId, rows);
}

/** GET /workspaces/assets/{id}/reviewRequests: every request of the asset (or those in `state`), oldest first. */
export async function listAssetReviewRequests(ctx: Ctx, assetId: string, state: ReviewRequestState | undefined): Promise<ReviewRequestView[]> {
  requirePermission(ctx.actor, 'asset.read');
  await requireAsset(ctx, assetId);
  const workspaceId = scopedWorkspaceId(ctx);
  return viewReviewRequests(ctx.db, workspaceId, await listRequestsOfAssets(ctx.db, { workspaceId, assetIds: [assetId], state }));
}

/** GET /workspaces/reviewRequests?assigned=me: requests addressed to the caller in this workspace (default: open). */
export async function listMyReviewRequests(ctx: Ctx, state: ReviewRequestState | undefined): Promise<ReviewRequestView[]> {
  requirePermission(ctx.actor, 'asset.read');
  const workspaceId = scopedWorkspaceId(ctx);
  return viewReviewRequests(ctx.db, workspaceId, await listRequestsForUser(ctx.db, { workspaceId, userId: ctx.actor.userId, state }));
}

/**
 * DELETE /workspaces/assets/{id}/reviewRequests/{request_id}: the requestor or a workspace admin cancels an open
 * request. Cancelling a cancelled one changes nothing; a completed one is 409.
 */
export async function cancelReviewRequest(ctx: Ctx, assetId: string, requestId: string): Promise<ReviewRequestView> {
  requirePermission(ctx.actor, 'asset.read');
  const workspaceId = scopedWorkspaceId(ctx);
  const row = await inTransaction(ctx, async (tx) => {
    await requireAsset(tx, assetId);
    const before = await findReviewRequest(tx.db, { workspaceId, assetId, id: requestId });
    if (!before) {
      throw errors.notFound('review_request', requestId);
    }
    if (before.requestor_id !== tx.actor.userId && !can(tx.actor, 'discussion.moderate')) {
      throw errors.forbidden('review_request_not_yours', 'Only the requestor or a workspace admin can cancel a review request.');
    }
    if (before.state === 'cancelled') {
      return before;
    }
    if (before.state === 'completed') {
      throw errors.conflict('review_request_completed', 'The review request was already answered.');
    }
    const after = await cancelOpenRequest(tx.db, { workspaceId, id: before.id }, isoNow(tx.clock));
    if (!after) {
      throw errors.conflict('review_request_completed', 'The review request was already answered.');
    }
    await closeReviewSlot(tx, before);
    await recordHistory(tx, {
      accountId: scopedAccountId(tx), workspaceId, assetId, userId: tx.actor.userId, subjectType: 'review_request', recordId: after.id,
      type: 'review_request_cancelled', data: { before: snapshot(before), after: snapshot(after) },
    });
    return after;
  });
  const [view] = await viewReviewRequests(ctx.db, workspaceId, [row]);
  if (!view) {
    throw errors.notFound('review_request', requestId);
  }
  return view;
}
