/*
 * The e-mail jobs' names and policy. A module of its own, importing nothing: the job handlers import it while the
 * job registry loads, and request-email.ts (which imports the queue, and so the registry) would be a cycle.
 */

/** The notification e-mail job's name (src/jobs/handlers/email-send.job.ts). */
export const EMAIL_JOB = 'email.send';
/** The invite e-mail job's name (src/jobs/handlers/invite-email.job.ts). */
export const INVITE_EMAIL_JOB = 'invite.email';

/** Both e-mail jobs: retried for about a day while the SMTP server is unreachable; a send takes under a minute. */
export const EMAIL_JOB_OPTIONS = { retry: { maxAttempts: 6, backoff: { baseSeconds: 60, maxSeconds: 3600 } }, timeoutSeconds: 60 };
