import { runDerivativeJob } from '../../domain/media/derivatives.service.js';
import { choosePage } from '../../domain/media/makers.js';
import { defineJob } from '../define.js';
import { DerivativePayload } from './derivative-payload.js';

/** The first page of a PDF as a PNG whose longest side is 1600 px. */
export const derivativePageJob = defineJob({
  name: 'derivative.page',
  payload: DerivativePayload,
  retry: { maxAttempts: 3, backoff: { baseSeconds: 15 } },
  timeoutSeconds: 7200,
  priority: 60,
  // Its rows are read before a CPU slot is taken (runDerivativeJob), so claimed ahead they are ready when one frees.
  acquiresSlot: true,
  handler: (ctx, payload) => runDerivativeJob(ctx, payload, choosePage),
});
