import { Type } from '@sinclair/typebox';
import { defineJob } from '../../jobs/define.js';
import { deleteSession, listExpiredSessions, listParts } from './upload-sessions.repo.js';

const HOUR = 3600;

/**
 * Deletes expired upload sessions (abandoned tus uploads, presigned URLs never committed, and finished sessions
 * whose idempotent-commit window is over) with their temp bytes. Then sweeps temp bytes older than any session can
 * live (crashed puts, chunks whose row was never written): no live upload can own them.
 */
export const uploadsExpireJob = defineJob({
  name: 'uploads.expire',
  payload: Type.Object({ batchSize: Type.Integer({ minimum: 1, maximum: 10_000 }) }),
  schedule: { everySeconds: 900, payload: { batchSize: 500 } },
  priority: 200,
  async handler(ctx, payload) {
    const now = ctx.clock.now();
    let sessions = 0;
    for (;;) {
      if (ctx.signal.aborted) {
        return;
      }
      const batch = await listExpiredSessions(ctx.db, { now: now.toISOString(), limit: payload.batchSize });
      // A commit in flight at the moment of expiry finishes first; its session is taken on the next run.
      const due = batch.filter((s) => s.state !== 'committing' || Date.parse(s.updated_at) < now.getTime() - HOUR * 1000);
      for (const s of due) {
        for (const part of await listParts(ctx.db, s.id)) {
          await ctx.blobs.deleteTemp(part.id);
        }
        await ctx.blobs.deleteTemp(s.id);
        await deleteSession(ctx.db, s.id);
      }
      sessions += due.length;
      if (batch.length < payload.batchSize || due.length === 0) {
        break;
      }
    }
    const { tusExpirySeconds, urlExpirySeconds } = ctx.config.uploads;
    const lifetime = Math.max(tusExpirySeconds, urlExpirySeconds) + HOUR;
    const swept = await ctx.blobs.sweepTemp(new Date(now.getTime() - lifetime * 1000));
    ctx.log.info({ sessions, swept }, 'expired uploads removed');
  },
});
