import type { Config } from '../../config/config.js';
import type { DB, InviteRow, NotificationRow } from '../../db/schema.js';
import type { Kysely } from 'kysely';
import type { Clock } from '../../lib/clock.js';
import type { AnyJobDefinition } from '../../jobs/define.js';
import { enqueue, registers, type Jobs } from '../../jobs/queue.js';
import { emailSendJob } from './email-send.job.js';
import { inviteEmailJob } from './invite-email.job.js';
import { approvalEmailJob, type ApprovalEmailKind } from './approval-email.job.js';

type EmailDeps = { db: Kysely<DB>; clock: Clock; config?: Config; jobs?: Jobs };

/** Whether `job` is to be queued: SMTP is configured and this process runs the job. */
const emailing = (deps: EmailDeps, job: AnyJobDefinition): deps is EmailDeps & { jobs: Jobs } =>
  Boolean(deps.config?.email.smtpUrl && deps.jobs && registers(deps.jobs, job));

/**
 * Queues one `email.send` job per stored notification, in the caller's transaction, when SMTP is configured (and the
 * process runs the job). Without SMTP_URL nothing is queued: e-mail is off.
 */
export async function requestNotificationEmails(deps: EmailDeps, rows: readonly NotificationRow[]): Promise<void> {
  if (!emailing(deps, emailSendJob)) {
    return;
  }
  const ctx = { db: deps.db, clock: deps.clock, jobs: deps.jobs };
  for (const row of rows) {
    await enqueue(ctx, emailSendJob, { account_id: row.account_id, notification_id: row.id });
  }
}

/**
 * Queues the `invite.email` job of a new invite, in the caller's transaction, when SMTP is configured. True when
 * queued: the token then goes only to the invitee's mailbox.
 */
export async function requestInviteEmail(deps: EmailDeps, invite: InviteRow): Promise<boolean> {
  if (!emailing(deps, inviteEmailJob)) {
    return false;
  }
  await enqueue({ db: deps.db, clock: deps.clock, jobs: deps.jobs }, inviteEmailJob, { account_id: invite.account_id, invite_id: invite.id });
  return true;
}

/**
 * Queues the `approval.email` job for an approver slot (a guest e-mail: they have no notifications), in the caller's
 * transaction, when SMTP is configured. True when queued.
 */
export async function requestApprovalEmail(
  deps: EmailDeps,
  input: { accountId: string; responseId: string; kind: ApprovalEmailKind; message: string },
): Promise<boolean> {
  if (!emailing(deps, approvalEmailJob)) {
    return false;
  }
  await enqueue({ db: deps.db, clock: deps.clock, jobs: deps.jobs }, approvalEmailJob, {
    account_id: input.accountId, response_id: input.responseId, kind: input.kind, message: input.message,
  });
  return true;
}
