import type { ApprovalResponseRow, ApprovalRow } from '../../db/schema.js';
import type { Deps } from '../context.js';
import { requestApprovalEmail } from '../email/request-email.js';
import { notify } from '../notifications/notifications.service.js';
import { teamMemberIds } from '../teams/teams.repo.js';

/*
 * Telling approvers (spec §1.4.1; §1.5 items 5-7): users and team members get a stored notification (e-mailed by
 * `email.send` when SMTP is configured); guests have no account, so they get the `approval.email` job with their
 * key's page link. Cancelling calls none of this.
 */

export type ApproverNotice = 'approval_requested' | 'approval_reminder';

/** Notifies the people behind `slots`; returns how many slots were reached. `byUserId` is left out of user recipients. */
export async function noticeSlots(
  tx: Deps,
  input: { approval: ApprovalRow; slots: readonly ApprovalResponseRow[]; type: ApproverNotice; message: string; byUserId: string | null },
): Promise<number> {
  const { approval } = input;
  const teams = await teamMemberIds(tx.db, { accountId: approval.account_id, teamIds: input.slots.flatMap((s) => (s.team_id ? [s.team_id] : [])) });
  const userIds = new Set<string>();
  for (const slot of input.slots) {
    if (slot.user_id) {
      userIds.add(slot.user_id);
    } else if (slot.team_id) {
      for (const u of teams.get(slot.team_id) ?? []) {
        userIds.add(u);
      }
    } else if (slot.email !== '') {
      await requestApprovalEmail(tx, {
        accountId: approval.account_id, responseId: slot.id, kind: input.type === 'approval_requested' ? 'request' : 'reminder', message: input.message,
      });
    }
  }
  if (input.byUserId !== null && input.type === 'approval_requested') {
    userIds.delete(input.byUserId);
  }
  await notify(tx, {
    accountId: approval.account_id, workspaceId: approval.workspace_id, userIds: [...userIds], type: input.type,
    data: { asset_id: approval.asset_id, approval_id: approval.id, by_user_id: input.byUserId, message: input.message, due_date: approval.due_date },
  });
  return input.slots.length;
}
