import { runDerivativeJob } from './derivatives.service.js';
import { choosePoster } from './makers.js';
import { defineJob } from '../../jobs/define.js';
import { DERIVATIVE_JOB_OPTIONS, DerivativePayload } from './derivative-payload.js';

/** A video frame at 10% of the duration (1 s if unknown) as a WebP of at most 1920 px. */
export const derivativePosterJob = defineJob({
  name: 'derivative.poster',
  payload: DerivativePayload,
  ...DERIVATIVE_JOB_OPTIONS,
  timeoutSeconds: 7200,
  priority: 60,
  handler: (ctx, payload) => runDerivativeJob(ctx, payload, choosePoster),
});
