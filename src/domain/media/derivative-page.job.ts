import { runDerivativeJob } from './derivatives.service.js';
import { choosePage } from './makers.js';
import { defineJob } from '../../jobs/define.js';
import { DERIVATIVE_JOB_OPTIONS, DerivativePayload } from './derivative-payload.js';

/** The first page of a PDF as a PNG whose longest side is 1600 px. */
export const derivativePageJob = defineJob({
  name: 'derivative.page',
  payload: DerivativePayload,
  ...DERIVATIVE_JOB_OPTIONS,
  timeoutSeconds: 7200,
  priority: 60,
  handler: (ctx, payload) => runDerivativeJob(ctx, payload, choosePage),
});
