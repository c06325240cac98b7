import { runDerivativeJob } from '../../domain/media/derivatives.service.js';
import { chooseThumbnail } from '../../domain/media/makers.js';
import { defineJob } from '../define.js';
import { DerivativePayload } from './derivative-payload.js';

/** A 256 px WebP: images via sharp, videos from the poster frame, PDFs from the first page. */
export const derivativeThumbnailJob = defineJob({
  name: 'derivative.thumbnail',
  payload: DerivativePayload,
  retry: { maxAttempts: 3, backoff: { baseSeconds: 15 } },
  timeoutSeconds: 7200,
  priority: 50,
  // Its rows are read before a CPU slot is taken (runDerivativeJob), so claimed ahead they are ready when one frees.
  acquiresSlot: true,
  handler: (ctx, payload) => runDerivativeJob(ctx, payload, chooseThumbnail),
});
