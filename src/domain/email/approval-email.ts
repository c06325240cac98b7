import type { JobCtx } from '../../jobs/define.js';
import { responseKey } from '../approvals/approval-keys.js';
import { deliver } from './email.service.js';
import { displayName } from './notification-email.js';

/** The approval page of a key (served by the Workstream surface; docs/approvals.md "The approval page"). */
export const approvalPagePath = (key: string): string => `/workstream/approval-page/${key}`;

/**
 * Sends a guest approver's request or reminder e-mail (job `approval.email`) with the link to their approval page.
 * Skips quietly when SMTP was switched off, or the approval is gone or no longer pending.
 */
export async function sendApprovalEmail(ctx: JobCtx, p: { accountId: string; responseId: string; kind: 'request' | 'reminder'; message: string }): Promise<void> {
  const smtpUrl = ctx.config.email.smtpUrl;
  if (!smtpUrl) {
    return;
  }
  const row = await ctx.db
    .selectFrom('approval_responses as r')
    .innerJoin('approvals as a', 'a.id', 'r.approval_id')
    .innerJoin('assets as s', 's.id', 'a.asset_id')
    .select(['r.id', 'r.email', 'a.status', 'a.owner_id', 'a.due_date', 's.name as asset_name'])
    .where('r.id', '=', p.responseId)
    .where('a.account_id', '=', p.accountId)
    .executeTakeFirst();
  if (!row || row.status !== 1 || row.email === '') {
    return;
  }
  const owner = row.owner_id
    ? await ctx.db.selectFrom('users').select(['first_name', 'last_name', 'username', 'email']).where('id', '=', row.owner_id).executeTakeFirst()
    : undefined;
  const who = owner ? displayName(owner) : 'Someone';
  const link = `${ctx.config.uploads.publicUrl ?? ''}${approvalPagePath(responseKey(ctx.tokenKey, row.id))}`;
  const summary = p.kind === 'request' ? `${who} asks for your approval of ${row.asset_name}` : `Reminder: ${who} is waiting for your approval of ${row.asset_name}`;
  const lines = [`${summary}.`, ''];
  if (p.message !== '') {
    lines.push(`Message: ${p.message}`, '');
  }
  if (row.due_date) {
    lines.push(`Due: ${row.due_date}`, '');
  }
  lines.push('See the file and answer here (no account needed):', link, '', `Approval response ${row.id}`);
  await deliver(smtpUrl, ctx.config.email.from, {
    to: row.email,
    subject: `[Atelier] ${summary}`,
    text: `${lines.join('\n')}\n`,
    messageId: `<approval-${ctx.job.id}@atelier>`,
    headers: { 'X-Atelier-Approval-Response': row.id },
  });
}
