import type { Config } from '../../config/config.js';
import type { DB, NotificationRow } from '../../db/schema.js';
import type { Kysely } from 'kysely';
import type { Clock } from '../../lib/clock.js';
import { enqueueJob, type Jobs } from '../../jobs/queue.js';

/** The e-mail job's name (src/jobs/handlers/email-send.job.ts). */
export const EMAIL_JOB = 'email.send';

/**
 * Queues one `email.send` job per stored notification, in the caller's transaction, when SMTP is configured (and the
 * process runs the job). Without SMTP_URL nothing is queued: e-mail is off.
 */
export async function requestNotificationEmails(
  deps: { db: Kysely<DB>; clock: Clock; config?: Config; jobs?: Jobs },
  rows: readonly NotificationRow[],
): Promise<void> {
  if (!deps.config?.email.smtpUrl || !deps.jobs?.registry.get(EMAIL_JOB)) {
    return;
  }
  const ctx = { db: deps.db, clock: deps.clock, jobs: deps.jobs };
  for (const row of rows) {
    await enqueueJob(ctx, EMAIL_JOB, { account_id: row.account_id, notification_id: row.id });
  }
}
