import { Type } from '@sinclair/typebox';
import { sendApprovalEmail } from './approval-email.js';
import { EMAIL_JOB_OPTIONS } from './email-jobs.js';
import { defineJob } from '../../jobs/define.js';

export const APPROVAL_EMAIL_KINDS = ['request', 'reminder'] as const;
export type ApprovalEmailKind = (typeof APPROVAL_EMAIL_KINDS)[number];

/** E-mails a guest approver their approval request or a reminder, with their key's page link (SMTP_URL set). */
export const approvalEmailJob = defineJob({
  name: 'approval.email',
  payload: Type.Object({
    account_id: Type.String(),
    response_id: Type.String(),
    kind: Type.Union(APPROVAL_EMAIL_KINDS.map((k) => Type.Literal(k))),
    message: Type.String(),
  }),
  ...EMAIL_JOB_OPTIONS,
  handler: (ctx, p) => sendApprovalEmail(ctx, { accountId: p.account_id, responseId: p.response_id, kind: p.kind, message: p.message }),
});
