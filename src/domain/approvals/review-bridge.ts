import type { ApprovalRow, AssetRow, AssetVersionRow, ReviewRequestRow } from '../../db/schema.js';
import { isoNow } from '../../lib/clock.js';
import { newId } from '../../lib/ids.js';
import type { Ctx } from '../context.js';
import { applyAnswer } from './approval-answers.service.js';
import { keyHash, responseKey, viewKey } from './approval-keys.js';
import { stageSettings } from './approval-settings.js';
import { APPROVAL_STATUS, RESPONSE, type AnswerValue } from './approvals.rules.js';
import { findApproval, insertApproval, insertResponse } from './approvals.repo.js';

/*
 * Core review requests run on the approval engine (DESIGN.md: "a Mudstack review request and a Workstream approval run
 * on the same approval engine"; docs/approvals.md "Core review requests"). A version's review requests are the slots of
 * one ad-hoc approval of that version (all required); each review_requests row points at its slot. The core API keeps
 * its own shapes and notifications; the engine holds the state both surfaces see: a review answers the slot
 * (approved 2, changes requested 4), a Workstream answer completes the review request, a cancelled request leaves the
 * approval (which is cancelled when no approver is left).
 */

/** The slot of `userId` in the version's pending ad-hoc approval (made when missing), pending again; its id. */
export async function openReviewSlot(
  tx: Ctx,
  input: { asset: AssetRow; version: AssetVersionRow; userId: string; message: string },
): Promise<string> {
  const workspaceId = input.asset.workspace_id;
  const now = isoNow(tx.clock);
  let approval: ApprovalRow | undefined = await tx.db
    .selectFrom('approvals')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('asset_version_id', '=', input.version.id)
    .where('template_id', 'is', null)
    .where('status', '=', APPROVAL_STATUS.pending)
    .orderBy('sequence', 'desc')
    .executeTakeFirst();
  if (!approval) {
    const id = newId();
    approval = await insertApproval(tx.db, {
      id, account_id: tx.actor.accountId ?? '', workspace_id: workspaceId, asset_id: input.asset.id, asset_version_id: input.version.id,
      object_version: input.version.version_number, owner_id: tx.actor.userId, template_id: null, current_stage: 0, stage_count: 1,
      status: APPROVAL_STATUS.pending, comments: input.message.slice(0, 3000), due_date: null, view_key_hash: keyHash(viewKey(tx.tokenKey, id)),
      created_at: now, updated_at: now, completed_at: null, cancelled_at: null,
    });
    const settings = stageSettings({ style: 'all', viewComments: true, canProof: true }, input.message.slice(0, 3000));
    await tx.db
      .insertInto('approval_settings')
      .values([...settings.entries()].map(([type, value]) => ({ id: newId(), workspace_id: workspaceId, approval_id: id, stage: 0, type, value, created_at: now, updated_at: now })))
      .execute();
  }
  const existing = await tx.db
    .selectFrom('approval_responses')
    .selectAll()
    .where('approval_id', '=', approval.id)
    .where('workspace_id', '=', workspaceId)
    .where('user_id', '=', input.userId)
    .executeTakeFirst();
  if (existing) {
    await tx.db.updateTable('approval_responses').set({ response: RESPONSE.pending, responder_id: null, updated_at: now }).where('id', '=', existing.id).execute();
    return existing.id;
  }
  const user = await tx.db.selectFrom('users').select('email').where('id', '=', input.userId).executeTakeFirstOrThrow();
  const rid = newId();
  await insertResponse(tx.db, {
    id: rid, workspace_id: workspaceId, approval_id: approval.id, stage: 0, user_id: input.userId, team_id: null, email: user.email, responder_id: null,
    response: RESPONSE.pending, key_hash: keyHash(responseKey(tx.tokenKey, rid)), created_at: now, updated_at: now,
  });
  return rid;
}

const ANSWER_OF_REVIEW: Record<string, AnswerValue | undefined> = { approved: RESPONSE.approved, changes_requested: RESPONSE.approvedWithChanges };

/**
 * A review answered these requests: their slots get the review's answer (a plain comment is no decision and leaves
 * them pending). Slots of approvals no longer pending are left as they are.
 */
export async function answerReviewSlots(tx: Ctx, requests: readonly ReviewRequestRow[], reviewStatus: string, message: string): Promise<void> {
  const answer = ANSWER_OF_REVIEW[reviewStatus];
  if (answer === undefined) {
    return;
  }
  for (const request of requests) {
    const slot = request.approval_response_id
      ? await tx.db.selectFrom('approval_responses').selectAll().where('id', '=', request.approval_response_id).where('workspace_id', '=', request.workspace_id).executeTakeFirst()
      : undefined;
    const approval = slot ? await findApproval(tx.db, { workspaceId: request.workspace_id, id: slot.approval_id }) : undefined;
    if (slot && approval && approval.status === APPROVAL_STATUS.pending && slot.stage === approval.current_stage) {
      await applyAnswer(tx, { approval, slot, responderId: tx.actor.userId, response: answer, message: message.slice(0, 3000), notifyOwner: false });
    }
  }
}

/** A cancelled review request leaves its approval; an approval with no approver left is cancelled. */
export async function closeReviewSlot(tx: Ctx, request: ReviewRequestRow): Promise<void> {
  if (!request.approval_response_id) {
    return;
  }
  const slot = await tx.db.selectFrom('approval_responses').selectAll().where('id', '=', request.approval_response_id).where('workspace_id', '=', request.workspace_id).executeTakeFirst();
  if (!slot) {
    return;
  }
  await tx.db.updateTable('review_requests').set({ approval_response_id: null }).where('approval_response_id', '=', slot.id).where('workspace_id', '=', request.workspace_id).execute();
  await tx.db.deleteFrom('approval_responses').where('id', '=', slot.id).execute();
  const left = await tx.db.selectFrom('approval_responses').select('id').where('approval_id', '=', slot.approval_id).executeTakeFirst();
  if (!left) {
    const now = isoNow(tx.clock);
    await tx.db
      .updateTable('approvals')
      .set({ status: APPROVAL_STATUS.cancelled, cancelled_at: now, updated_at: now })
      .where('id', '=', slot.approval_id)
      .where('status', '=', APPROVAL_STATUS.pending)
      .execute();
  }
}
