import type { ApprovalResponseRow, ApprovalRow } from '../../db/schema.js';
import { isoNow } from '../../lib/clock.js';
import { newId } from '../../lib/ids.js';
import { inTransaction, scopedWorkspaceId, type Ctx, type Deps } from '../context.js';
import { errors } from '../errors.js';
import { recordHistory } from '../history/history.service.js';
import { notify } from '../notifications/notifications.service.js';
import { holdsSlot, manages, openByKey, type Keyed } from './approval-access.js';
import { noticeSlots } from './approval-notify.js';
import { SETTING, styleOf } from './approval-settings.js';
import { advance, APPROVAL_STATUS, RESPONSE, stageMet, type AnswerValue } from './approvals.rules.js';
import { findApproval, findResponse, listResponses, settingValue } from './approvals.repo.js';

/*
 * Answering, resubmitting, reminding and cancelling (Workstream A5-A8, the approval page; spec §1.4.1, §1.5 items 4-7).
 */

export const MAX_MESSAGE = 3000;

const requirePending = (approval: ApprovalRow): void => {
  if (approval.status !== APPROVAL_STATUS.pending) {
    throw errors.conflict('approval_not_pending', 'Only a pending approval can be changed or answered.');
  }
};

/** The approval row locked for this change (re-read inside the transaction). */
async function reread(tx: Deps, approval: ApprovalRow): Promise<ApprovalRow> {
  const row = await findApproval(tx.db, { workspaceId: approval.workspace_id, id: approval.id });
  if (!row) {
    throw errors.notFound('approval');
  }
  return row;
}

/**
 * Records one answer on a slot of the current stage and moves the approval on when the stage's condition is met
 * (approvals.rules.ts): the next stage's approvers are told, or the approval becomes approved (2). A rejection or an
 * approval with changes leaves it pending on the stage. `responderId` is who answered (null for a guest).
 */
export async function applyAnswer(
  deps: Deps,
  input: {
    approval: ApprovalRow;
    slot: ApprovalResponseRow;
    responderId: string | null;
    response: AnswerValue;
    message: string;
    /** False when the caller tells the owner itself (core reviews notify `review_submitted`). */
    notifyOwner?: boolean;
  },
): Promise<ApprovalRow> {
  const notifyOwner = input.notifyOwner ?? true;
  if (input.message.length > MAX_MESSAGE) {
    throw errors.invalidField('body', 'message', `must be at most ${MAX_MESSAGE} characters`);
  }
  return inTransaction(deps, async (tx) => {
    const approval = await reread(tx, input.approval);
    requirePending(approval);
    if (input.slot.stage !== approval.current_stage) {
      throw errors.forbidden('approval_stage_not_current', 'This approver is not on the approval\'s current stage.');
    }
    const workspaceId = approval.workspace_id;
    const now = isoNow(tx.clock);
    if (input.response === RESPONSE.approvedWithChanges && (await settingValue(tx.db, { workspaceId, approvalId: approval.id, stage: approval.current_stage, type: SETTING.allowChanges })) === '0') {
      throw errors.invalidField('body', 'response', 'this stage does not allow "approve with changes" (4)');
    }
    await tx.db
      .updateTable('approval_responses')
      .set({ response: input.response, responder_id: input.slot.team_id ? input.responderId : input.slot.user_id, updated_at: now })
      .where('id', '=', input.slot.id)
      .where('workspace_id', '=', workspaceId)
      .execute();
    // A core review request on this slot is answered too (approvals/review-bridge.ts).
    await tx.db
      .updateTable('review_requests')
      .set({ state: 'completed', completed_at: now, updated_at: now })
      .where('approval_response_id', '=', input.slot.id)
      .where('workspace_id', '=', workspaceId)
      .where('state', '=', 'open')
      .execute();
    const responderEmail = input.responderId
      ? ((await tx.db.selectFrom('users').select('email').where('id', '=', input.responderId).executeTakeFirst())?.email ?? '')
      : input.slot.email;
    if (input.message !== '') {
      await tx.db
        .insertInto('approval_comments')
        .values({ id: newId(), workspace_id: workspaceId, approval_id: approval.id, stage: approval.current_stage, user_id: input.responderId, user_email: responderEmail, response: input.response, value: input.message, created_at: now })
        .execute();
    }
    const all = await listResponses(tx.db, { workspaceId, approvalIds: [approval.id] });
    const style = styleOf(await settingValue(tx.db, { workspaceId, approvalId: approval.id, stage: approval.current_stage, type: SETTING.approverStyle }));
    let next = { stage: approval.current_stage, status: approval.status };
    if (stageMet(style, all.filter((r) => r.stage === approval.current_stage).map((r) => r.response))) {
      next = advance(approval.current_stage, [...new Set(all.map((r) => r.stage))]);
    }
    const after = await tx.db
      .updateTable('approvals')
      .set({ current_stage: next.stage, status: next.status, updated_at: now, completed_at: next.status === APPROVAL_STATUS.approved ? now : null })
      .where('id', '=', approval.id)
      .where('workspace_id', '=', workspaceId)
      .returningAll()
      .executeTakeFirstOrThrow();
    const base = { accountId: approval.account_id, workspaceId, assetId: approval.asset_id, userId: input.responderId, subjectType: 'approval', recordId: approval.id };
    await recordHistory(tx, {
      ...base, type: 'approval_answered',
      data: { approval_response_id: input.slot.id, stage: approval.current_stage, response: input.response, message: input.message, guest_email: input.responderId ? null : input.slot.email },
    });
    if (notifyOwner && approval.owner_id && approval.owner_id !== input.responderId) {
      await notify(tx, {
        accountId: approval.account_id, workspaceId, userIds: [approval.owner_id], type: 'approval_answered',
        data: { asset_id: approval.asset_id, approval_id: approval.id, by_user_id: input.responderId, response: input.response, message: input.message },
      });
    }
    if (after.status === APPROVAL_STATUS.approved) {
      await recordHistory(tx, { ...base, type: 'approval_completed', data: { before: { status: approval.status }, after: { status: after.status } } });
      if (notifyOwner && approval.owner_id) {
        await notify(tx, { accountId: approval.account_id, workspaceId, userIds: [approval.owner_id], type: 'approval_completed', data: { asset_id: approval.asset_id, approval_id: approval.id } });
      }
    } else if (after.current_stage !== approval.current_stage) {
      await recordHistory(tx, { ...base, type: 'approval_stage_started', data: { before: { stage: approval.current_stage }, after: { stage: after.current_stage } } });
      if ((await settingValue(tx.db, { workspaceId, approvalId: approval.id, stage: after.current_stage, type: SETTING.emailApprovers })) !== '0') {
        const message = (await settingValue(tx.db, { workspaceId, approvalId: approval.id, stage: after.current_stage, type: SETTING.message })) ?? '';
        await noticeSlots(tx, { approval: after, slots: all.filter((r) => r.stage === after.current_stage), type: 'approval_requested', message, byUserId: null });
      }
    }
    return after;
  });
}

/**
 * A7: answers through a key. Without `approvalResponseId` the key's own approver answers (the caller must hold the
 * slot: their own or their team's); with it, the owner or an admin answers for that approver (§1.5 item 4).
 */
export async function answerApproval(ctx: Ctx, key: string, input: { response: AnswerValue; message: string; approvalResponseId?: string | undefined }): Promise<Keyed> {
  const keyed = await openByKey(ctx, key);
  const { approval, caller } = keyed;
  let slot = keyed.slot;
  if (input.approvalResponseId !== undefined) {
    if (!manages(approval, caller)) {
      throw errors.forbidden('not_approval_owner', 'Only the approval\'s owner or an admin may answer for another approver.');
    }
    slot = await findResponse(ctx.db, { workspaceId: scopedWorkspaceId(ctx), approvalId: approval.id, id: input.approvalResponseId });
    if (!slot) {
      throw errors.invalidField('body', 'approval_response_id', 'must be the id of one of this approval\'s responses');
    }
  } else if (!slot || !holdsSlot(slot, caller)) {
    throw errors.forbidden('not_an_approver', 'This key is not one of your approver keys; name the approval_response_id to answer for an approver.');
  }
  const after = await applyAnswer(ctx, { approval, slot, responderId: ctx.actor.userId, response: input.response, message: input.message });
  return { ...keyed, approval: after };
}

function requireManager(keyed: Keyed): void {
  if (!manages(keyed.approval, keyed.caller)) {
    throw errors.forbidden('not_approval_owner', 'Only the approval\'s owner or an admin may do this.');
  }
}

/**
 * A6: puts one response back to pending (exactly that one; §1.5 item 6), optionally reminding its approver(s). The
 * message, if any, joins the activity feed of the response's stage.
 */
export async function resubmitResponse(ctx: Ctx, key: string, responseId: string, input: { sendReminder: boolean; message: string }): Promise<Keyed> {
  const keyed = await openByKey(ctx, key);
  requireManager(keyed);
  const after = await inTransaction(ctx, async (tx) => {
    const approval = await reread(tx, keyed.approval);
    requirePending(approval);
    const slot = await findResponse(tx.db, { workspaceId: approval.workspace_id, approvalId: approval.id, id: responseId });
    if (!slot) {
      throw errors.notFound('approval_response', responseId);
    }
    const now = isoNow(tx.clock);
    await tx.db
      .updateTable('approval_responses')
      .set({ response: RESPONSE.pending, responder_id: null, updated_at: now })
      .where('id', '=', slot.id)
      .where('workspace_id', '=', approval.workspace_id)
      .execute();
    if (input.message !== '') {
      const me = await tx.db.selectFrom('users').select('email').where('id', '=', tx.actor.userId).executeTakeFirst();
      await tx.db
        .insertInto('approval_comments')
        .values({ id: newId(), workspace_id: approval.workspace_id, approval_id: approval.id, stage: slot.stage, user_id: tx.actor.userId, user_email: me?.email ?? '', response: RESPONSE.pending, value: input.message, created_at: now })
        .execute();
    }
    const row = await tx.db.updateTable('approvals').set({ updated_at: now }).where('id', '=', approval.id).returningAll().executeTakeFirstOrThrow();
    await recordHistory(tx, {
      accountId: approval.account_id, workspaceId: approval.workspace_id, assetId: approval.asset_id, userId: tx.actor.userId, subjectType: 'approval', recordId: approval.id,
      type: 'approval_resubmitted', data: { approval_response_id: slot.id, before: { response: slot.response }, after: { response: RESPONSE.pending }, send_reminder: input.sendReminder },
    });
    if (input.sendReminder) {
      await noticeSlots(tx, { approval: row, slots: [{ ...slot, response: RESPONSE.pending }], type: 'approval_reminder', message: input.message, byUserId: tx.actor.userId });
    }
    return row;
  });
  return { ...keyed, approval: after };
}

export const REMIND_TYPES = { approver: 3, user: 4, pendingApprovers: 5 } as const;

/**
 * A5: reminds an approver slot (3), a user (4: any user of the account), or every approver who has not answered on
 * the current stage (5; every approver of an ad-hoc approval, as Webdam says). Owner or admin; pending approvals only.
 */
export async function remindApproval(
  ctx: Ctx,
  key: string,
  input: { recipientType: 3 | 4 | 5; recipientId?: string | undefined; message: string },
): Promise<Keyed & { reminded: number }> {
  const keyed = await openByKey(ctx, key);
  requireManager(keyed);
  requirePending(keyed.approval);
  const approval = keyed.approval;
  const workspaceId = approval.workspace_id;
  return inTransaction(ctx, async (tx) => {
    let reminded = 0;
    if (input.recipientType === REMIND_TYPES.user) {
      if (input.recipientId === undefined) {
        throw errors.invalidField('body', 'recipient_id', 'is required for recipient_type 4 (a user id)');
      }
      await notify(tx, {
        accountId: approval.account_id, workspaceId, userIds: [input.recipientId], type: 'approval_reminder',
        data: { asset_id: approval.asset_id, approval_id: approval.id, by_user_id: tx.actor.userId, message: input.message, due_date: approval.due_date },
      });
      reminded = 1;
    } else {
      const all = await listResponses(tx.db, { workspaceId, approvalIds: [approval.id] });
      let slots: ApprovalResponseRow[];
      if (input.recipientType === REMIND_TYPES.approver) {
        const slot = all.find((r) => r.id === input.recipientId);
        if (input.recipientId === undefined || !slot) {
          throw errors.invalidField('body', 'recipient_id', 'must be the id of one of this approval\'s responses (recipient_type 3)');
        }
        slots = [slot];
      } else {
        slots = approval.template_id === null ? all : all.filter((r) => r.stage === approval.current_stage && r.response === RESPONSE.pending);
      }
      reminded = await noticeSlots(tx, { approval, slots, type: 'approval_reminder', message: input.message, byUserId: tx.actor.userId });
    }
    await recordHistory(tx, {
      accountId: approval.account_id, workspaceId, assetId: approval.asset_id, userId: tx.actor.userId, subjectType: 'approval', recordId: approval.id,
      type: 'approval_reminded', data: { recipient_type: input.recipientType, recipients: reminded },
    });
    return { ...keyed, reminded };
  });
}

/** A8: cancels (status -1). Sends no notification and no e-mail (§1.5 item 5); the history event still reaches webhooks. */
export async function cancelApproval(ctx: Ctx, key: string): Promise<Keyed> {
  const keyed = await openByKey(ctx, key);
  requireManager(keyed);
  const after = await inTransaction(ctx, async (tx) => {
    const approval = await reread(tx, keyed.approval);
    if (approval.status === APPROVAL_STATUS.cancelled) {
      return approval;
    }
    if (approval.status === APPROVAL_STATUS.approved) {
      throw errors.conflict('approval_not_pending', 'An approved approval cannot be cancelled.');
    }
    const now = isoNow(tx.clock);
    const row = await tx.db
      .updateTable('approvals')
      .set({ status: APPROVAL_STATUS.cancelled, cancelled_at: now, updated_at: now })
      .where('id', '=', approval.id)
      .where('workspace_id', '=', approval.workspace_id)
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordHistory(tx, {
      accountId: approval.account_id, workspaceId: approval.workspace_id, assetId: approval.asset_id, userId: tx.actor.userId, subjectType: 'approval', recordId: approval.id,
      type: 'approval_cancelled', data: { before: { status: approval.status }, after: { status: row.status } },
    });
    return row;
  });
  return { ...keyed, approval: after };
}
