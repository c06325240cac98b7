import { Type } from '@sinclair/typebox';
import { sweepOrphanBlobs } from './blob-sweep.service.js';
import { reclaimCrashLeftovers } from './crash-reclaim.service.js';
import { defineJob } from '../../jobs/define.js';

/**
 * Hourly: deletes blobs no row references once they are older than BLOB_SWEEP_GRACE_SECONDS, and stale upload temp
 * files. This is the only place blobs are deleted (purges and failed commits leave them to it). Idempotent.
 */
export const blobsSweepJob = defineJob({
  name: 'blobs.sweep',
  payload: Type.Object({}),
  schedule: { everySeconds: 3600, payload: {} },
  priority: 250,
  timeoutSeconds: 3 * 3600,
  retry: { maxAttempts: 3 },
  async handler(ctx) {
    // Processes that died since this one started (another API process on this host) left theirs meanwhile.
    const reclaimed = await reclaimCrashLeftovers(ctx);
    const report = await sweepOrphanBlobs(ctx, { graceSeconds: ctx.config.blobSweep.graceSeconds, signal: ctx.signal });
    ctx.log.info({ ...report, reclaimed }, 'swept orphan blobs');
  },
});
