import { Type } from '@sinclair/typebox';
import { sendNotificationEmail } from '../../domain/email/email.service.js';
import { defineJob } from '../define.js';

/** E-mails one stored notification over SMTP (queued by notify() when SMTP_URL is set). */
export const emailSendJob = defineJob({
  name: 'email.send',
  payload: Type.Object({ account_id: Type.String(), notification_id: Type.String() }),
  retry: { maxAttempts: 6, backoff: { baseSeconds: 60, maxSeconds: 3600 } },
  timeoutSeconds: 60,
  async handler(ctx, payload) {
    await sendNotificationEmail(ctx, { accountId: payload.account_id, notificationId: payload.notification_id });
  },
});
