import { Type } from '@sinclair/typebox';
import { sendNotificationEmail } from '../../domain/email/email.service.js';
import { EMAIL_JOB_OPTIONS } from '../../domain/email/email-jobs.js';
import { defineJob } from '../define.js';

/** E-mails one stored notification over SMTP (queued by notify() when SMTP_URL is set). */
export const emailSendJob = defineJob({
  name: 'email.send',
  payload: Type.Object({ account_id: Type.String(), notification_id: Type.String() }),
  ...EMAIL_JOB_OPTIONS,
  handler: (ctx, payload) => sendNotificationEmail(ctx, { accountId: payload.account_id, notificationId: payload.notification_id }),
});
