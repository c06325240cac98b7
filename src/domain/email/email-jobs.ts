/**
 * Both e-mail jobs (email-send.job.ts, invite-email.job.ts): retried for about a day while the SMTP server is
 * unreachable; a send takes under a minute.
 */
export const EMAIL_JOB_OPTIONS = { retry: { maxAttempts: 6, backoff: { baseSeconds: 60, maxSeconds: 3600 } }, timeoutSeconds: 60 };
