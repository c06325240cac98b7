import { runDerivativeJob } from '../../domain/media/derivatives.service.js';
import { chooseWaveform } from '../../domain/media/makers.js';
import { defineJob } from '../define.js';
import { DerivativePayload } from './derivative-payload.js';

/** A 1600x240 PNG waveform of the audio. */
export const derivativeWaveformJob = defineJob({
  name: 'derivative.waveform',
  payload: DerivativePayload,
  retry: { maxAttempts: 3, backoff: { baseSeconds: 15 } },
  timeoutSeconds: 7200,
  priority: 60,
  // Its rows are read before a CPU slot is taken (runDerivativeJob), so claimed ahead they are ready when one frees.
  acquiresSlot: true,
  handler: (ctx, payload) => runDerivativeJob(ctx, payload, chooseWaveform),
});
