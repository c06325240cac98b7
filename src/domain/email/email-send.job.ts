import { Type } from '@sinclair/typebox';
import { sendNotificationEmail } from './email.service.js';
import { EMAIL_JOB_OPTIONS } from './email-jobs.js';
import { defineJob } from '../../jobs/define.js';

/** E-mails one stored notification over SMTP (queued by notify() when SMTP_URL is set). */
export const emailSendJob = defineJob({
  name: 'email.send',
  payload: Type.Object({ account_id: Type.String(), notification_id: Type.String() }),
  ...EMAIL_JOB_OPTIONS,
  handler: (ctx, payload) => sendNotificationEmail(ctx, { accountId: payload.account_id, notificationId: payload.notification_id }),
});
