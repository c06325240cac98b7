import { runDerivativeJob } from './derivatives.service.js';
import { chooseProxy } from './makers.js';
import { defineJob } from '../../jobs/define.js';
import { DERIVATIVE_JOB_OPTIONS, DerivativePayload } from './derivative-payload.js';

/** A 720p H.264/AAC MP4 (never upscaled, faststart) for playback in browsers. */
export const derivativeProxyJob = defineJob({
  name: 'derivative.proxy',
  payload: DerivativePayload,
  ...DERIVATIVE_JOB_OPTIONS,
  timeoutSeconds: 14400,
  priority: 150,
  handler: (ctx, payload) => runDerivativeJob(ctx, payload, chooseProxy),
});
