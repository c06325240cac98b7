import { lazyModule } from '../../lib/lazy-module.js';
import type { JobCtx } from '../../jobs/define.js';
import { namesFor, renderNotificationEmail } from './notification-email.js';

const nodemailer = lazyModule<typeof import('nodemailer')>('nodemailer');

/**
 * Sends the e-mail of one stored notification (job `email.send`) over SMTP_URL. A failure throws, so the queue
 * retries; the notification itself is already stored. Skips quietly when SMTP was switched off, the notification
 * is gone, or its recipient is inactive.
 */
export async function sendNotificationEmail(ctx: JobCtx, scope: { accountId: string; notificationId: string }): Promise<void> {
  const smtpUrl = ctx.config.email.smtpUrl;
  if (!smtpUrl) {
    return;
  }
  const n = await ctx.db
    .selectFrom('notifications')
    .selectAll()
    .where('account_id', '=', scope.accountId)
    .where('id', '=', scope.notificationId)
    .executeTakeFirst();
  if (!n) {
    return;
  }
  const user = await ctx.db.selectFrom('users').select(['email', 'is_active']).where('id', '=', n.user_id).executeTakeFirst();
  if (!user || user.is_active !== 1) {
    return;
  }
  const data = JSON.parse(n.data) as Record<string, unknown>;
  const content = renderNotificationEmail(n, data, await namesFor(ctx.db, n, data));
  const transport = nodemailer().createTransport(smtpUrl);
  try {
    await transport.sendMail({
      from: ctx.config.email.from,
      to: user.email,
      subject: content.subject,
      text: content.text,
      // A stable Message-ID: a retried send after a lost acknowledgement is recognisable as the same message.
      messageId: `<${n.id}@atelier>`,
      headers: { 'X-Atelier-Notification-Type': n.type },
    });
  } finally {
    transport.close();
  }
}
