import { Type } from '@sinclair/typebox';
import { sendInviteEmail } from './email.service.js';
import { EMAIL_JOB_OPTIONS } from './email-jobs.js';
import { defineJob } from '../../jobs/define.js';

/** E-mails a new invite's token to the invitee over SMTP (queued by POST /accounts/invites when SMTP_URL is set). */
export const inviteEmailJob = defineJob({
  name: 'invite.email',
  payload: Type.Object({ account_id: Type.String(), invite_id: Type.String() }),
  ...EMAIL_JOB_OPTIONS,
  handler: (ctx, payload) => sendInviteEmail(ctx, { accountId: payload.account_id, inviteId: payload.invite_id }),
});
