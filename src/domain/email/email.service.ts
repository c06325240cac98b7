import { lazyModule } from '../../lib/lazy-module.js';
import type { JobCtx } from '../../jobs/define.js';
import { isoNow } from '../../lib/clock.js';
import { sha256Hex } from '../../lib/secrets.js';
import { inviteToken } from '../invites/invite-token.js';
import { findInvite } from '../invites/invites.repo.js';
import { renderInviteEmail } from './invite-email.js';
import { displayName, namesFor, renderNotificationEmail } from './notification-email.js';

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
  await deliver(smtpUrl, ctx.config.email.from, { to: user.email, ...content, messageId: `<${n.id}@atelier>`, headers: { 'X-Atelier-Notification-Type': n.type } });
}

/**
 * Sends an invite's e-mail (job `invite.email`) with its token, made again from the token-signing key, and stamps
 * `sent_at`. Skips quietly when SMTP was switched off or the invite is gone, answered, revoked or expired.
 */
export async function sendInviteEmail(ctx: JobCtx, scope: { accountId: string; inviteId: string }): Promise<void> {
  const smtpUrl = ctx.config.email.smtpUrl;
  if (!smtpUrl) {
    return;
  }
  const invite = await findInvite(ctx.db, { accountId: scope.accountId, id: scope.inviteId });
  const now = isoNow(ctx.clock);
  if (!invite || invite.accepted_at || invite.rejected_at || invite.revoked_at || invite.expires_at <= now) {
    return;
  }
  const account = await ctx.db.selectFrom('accounts').select('name').where('id', '=', invite.account_id).executeTakeFirst();
  const inviter = invite.invited_by_user_id
    ? await ctx.db.selectFrom('users').select(['first_name', 'last_name', 'username', 'email']).where('id', '=', invite.invited_by_user_id).executeTakeFirst()
    : undefined;
  const token = inviteToken(ctx.tokenKey, invite.id);
  if (sha256Hex(token) !== invite.token_hash) {
    // Made under another key (a process without the same TOKEN_SECRET), or a random token of before: do not mail a
    // token that would not work. Retried, so a corrected configuration sends it.
    throw new Error(`Invite ${invite.id}: its token was made under another token-signing key; give every process the same TOKEN_SECRET.`);
  }
  const content = renderInviteEmail(invite, {
    account: account?.name ?? 'an account',
    inviter: inviter ? displayName(inviter) : undefined,
    token,
    publicUrl: ctx.config.uploads.publicUrl,
  });
  await deliver(smtpUrl, ctx.config.email.from, { to: invite.email, ...content, messageId: `<invite-${invite.id}@atelier>`, headers: { 'X-Atelier-Invite': invite.id } });
  await ctx.db.updateTable('invites').set({ sent_at: now }).where('id', '=', invite.id).where('sent_at', 'is', null).execute();
}

export interface Mail {
  to: string;
  subject: string;
  text: string;
  /** Stable per message: a retried send after a lost acknowledgement is recognisable as the same message. */
  messageId: string;
  headers: Record<string, string>;
}

/** One message over SMTP; a failure throws (the job is retried). */
export async function deliver(smtpUrl: string, from: string, mail: Mail): Promise<void> {
  const transport = nodemailer().createTransport(smtpUrl);
  try {
    await transport.sendMail({ from, ...mail });
  } finally {
    transport.close();
  }
}
