import { runDerivativeJob } from './derivatives.service.js';
import { chooseWaveform } from './makers.js';
import { defineJob } from '../../jobs/define.js';
import { DERIVATIVE_JOB_OPTIONS, DerivativePayload } from './derivative-payload.js';

/** A 1600x240 PNG waveform of the audio. */
export const derivativeWaveformJob = defineJob({
  name: 'derivative.waveform',
  payload: DerivativePayload,
  ...DERIVATIVE_JOB_OPTIONS,
  timeoutSeconds: 7200,
  priority: 60,
  handler: (ctx, payload) => runDerivativeJob(ctx, payload, chooseWaveform),
});
