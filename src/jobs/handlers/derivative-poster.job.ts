import { runDerivativeJob } from '../../domain/media/derivatives.service.js';
import { choosePoster } from '../../domain/media/makers.js';
import { defineJob } from '../define.js';
import { DerivativePayload } from './derivative-payload.js';

/** A video frame at 10% of the duration (1 s if unknown) as a WebP of at most 1920 px. */
export const derivativePosterJob = defineJob({
  name: 'derivative.poster',
  payload: DerivativePayload,
  retry: { maxAttempts: 3, backoff: { baseSeconds: 15 } },
  timeoutSeconds: 7200,
  priority: 60,
  // Its rows are read before a CPU slot is taken (runDerivativeJob), so claimed ahead they are ready when one frees.
  acquiresSlot: true,
  handler: (ctx, payload) => runDerivativeJob(ctx, payload, choosePoster),
});
