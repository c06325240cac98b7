import { runDerivativeJob } from '../../domain/media/derivatives.service.js';
import { chooseProxy } from '../../domain/media/makers.js';
import { defineJob } from '../define.js';
import { DerivativePayload } from './derivative-payload.js';

/** A 720p H.264/AAC MP4 (never upscaled, faststart) for playback in browsers. */
export const derivativeProxyJob = defineJob({
  name: 'derivative.proxy',
  payload: DerivativePayload,
  retry: { maxAttempts: 3, backoff: { baseSeconds: 15 } },
  timeoutSeconds: 14400,
  priority: 150,
  // Its rows are read before a CPU slot is taken (runDerivativeJob), so claimed ahead they are ready when one frees.
  acquiresSlot: true,
  handler: (ctx, payload) => runDerivativeJob(ctx, payload, chooseProxy),
});
