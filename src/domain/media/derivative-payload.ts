import { Type } from '@sinclair/typebox';
import { failDeadDerivative } from '../../domain/media/derivatives.service.js';

/** The payload schema of every `derivative.<kind>` job (DerivativeJobPayload in domain/versions/derivatives.ts). */
export const DerivativePayload = Type.Object({
  workspace_id: Type.String(),
  version_id: Type.String(),
  derivative_id: Type.String(),
});

/**
 * What every `derivative.<kind>` job definition shares: three attempts; `acquiresSlot`: its rows are read before a
 * CPU slot is taken (runDerivativeJob), so claimed ahead it is ready when one frees; and `onDead`: a dead job's
 * derivative is marked failed rather than left pending.
 */
export const DERIVATIVE_JOB_OPTIONS = {
  retry: { maxAttempts: 3, backoff: { baseSeconds: 15 } },
  acquiresSlot: true,
  onDead: failDeadDerivative,
};
