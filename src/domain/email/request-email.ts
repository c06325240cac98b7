import type { Config } from '../../config/config.js';
import type { DB, InviteRow, NotificationRow } from '../../db/schema.js';
import type { Kysely } from 'kysely';
import type { Clock } from '../../lib/clock.js';
import { enqueueJob, type Jobs } from '../../jobs/queue.js';

import { EMAIL_JOB, INVITE_EMAIL_JOB } from './email-jobs.js';

type EmailDeps = { db: Kysely<DB>; clock: Clock; config?: Config; jobs?: Jobs };

/** Whether `job` is to be queued: SMTP is configured and this process runs the job. */
const emailing = (deps: EmailDeps, job: string): deps is EmailDeps & { jobs: Jobs } => Boolean(deps.config?.email.smtpUrl && deps.jobs?.registry.get(job));

/**
 * Queues one `email.send` job per stored notification, in the caller's transaction, when SMTP is configured (and the
 * process runs the job). Without SMTP_URL nothing is queued: e-mail is off.
 */
export async function requestNotificationEmails(deps: EmailDeps, rows: readonly NotificationRow[]): Promise<void> {
  if (!emailing(deps, EMAIL_JOB)) {
    return;
  }
  const ctx = { db: deps.db, clock: deps.clock, jobs: deps.jobs };
  for (const row of rows) {
    await enqueueJob(ctx, EMAIL_JOB, { account_id: row.account_id, notification_id: row.id });
  }
}

/** Queues the `invite.email` job of a new invite, in the caller's transaction, when SMTP is configured. */
export async function requestInviteEmail(deps: EmailDeps, invite: InviteRow): Promise<void> {
  if (emailing(deps, INVITE_EMAIL_JOB)) {
    await enqueueJob({ db: deps.db, clock: deps.clock, jobs: deps.jobs }, INVITE_EMAIL_JOB, { account_id: invite.account_id, invite_id: invite.id });
  }
}
