import { Type } from '@sinclair/typebox';

/** The payload schema of every `derivative.<kind>` job (DerivativeJobPayload in domain/versions/derivatives.ts). */
export const DerivativePayload = Type.Object({
  workspace_id: Type.String(),
  version_id: Type.String(),
  derivative_id: Type.String(),
});

/**
 * What every `derivative.<kind>` job definition shares: three attempts, and `acquiresSlot`: its rows are read before
 * a CPU slot is taken (runDerivativeJob), so claimed ahead it is ready when one frees.
 */
export const DERIVATIVE_JOB_OPTIONS = { retry: { maxAttempts: 3, backoff: { baseSeconds: 15 } }, acquiresSlot: true };
