import { runDerivativeJob } from './derivatives.service.js';
import { chooseThumbnail } from './makers.js';
import { defineJob } from '../../jobs/define.js';
import { DERIVATIVE_JOB_OPTIONS, DerivativePayload } from './derivative-payload.js';

/** A 256 px WebP: images via sharp, videos from the poster frame, PDFs from the first page. */
export const derivativeThumbnailJob = defineJob({
  name: 'derivative.thumbnail',
  payload: DerivativePayload,
  ...DERIVATIVE_JOB_OPTIONS,
  timeoutSeconds: 7200,
  priority: 50,
  handler: (ctx, payload) => runDerivativeJob(ctx, payload, chooseThumbnail),
});
