import { runDerivativeJob } from './derivatives.service.js';
import { choosePreview } from './makers.js';
import { defineJob } from '../../jobs/define.js';
import { DERIVATIVE_JOB_OPTIONS, DerivativePayload } from './derivative-payload.js';

/** A 1600 px WebP of an image (first frame of a GIF, first page of a TIFF). */
export const derivativePreviewJob = defineJob({
  name: 'derivative.preview',
  payload: DerivativePayload,
  ...DERIVATIVE_JOB_OPTIONS,
  timeoutSeconds: 7200,
  priority: 60,
  handler: (ctx, payload) => runDerivativeJob(ctx, payload, choosePreview),
});
