import { runDerivativeJob } from '../../domain/media/derivatives.service.js';
import { choosePreview } from '../../domain/media/makers.js';
import { defineJob } from '../define.js';
import { DerivativePayload } from './derivative-payload.js';

/** A 1600 px WebP of an image (first frame of a GIF, first page of a TIFF). */
export const derivativePreviewJob = defineJob({
  name: 'derivative.preview',
  payload: DerivativePayload,
  retry: { maxAttempts: 3, backoff: { baseSeconds: 15 } },
  timeoutSeconds: 7200,
  priority: 60,
  // Its rows are read before a CPU slot is taken (runDerivativeJob), so claimed ahead they are ready when one frees.
  acquiresSlot: true,
  handler: (ctx, payload) => runDerivativeJob(ctx, payload, choosePreview),
});
