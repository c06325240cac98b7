import { Type } from '@sinclair/typebox';
import { defineJob } from '../../jobs/define.js';
import { detectShots } from './shots.service.js';

/** Cuts a video version into shots at its hard cuts when its device has `autoshot_detection` (shots.service.ts). */
export const shotsDetectJob = defineJob({
  name: 'shots.detect',
  payload: Type.Object({ workspace_id: Type.String(), version_id: Type.String() }),
  retry: { maxAttempts: 3, backoff: { baseSeconds: 30 } },
  timeoutSeconds: 7200,
  priority: 60,
  handler: (ctx, payload) => detectShots(ctx, payload),
});
