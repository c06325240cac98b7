import { Type } from '@sinclair/typebox';

/** The payload schema of every `derivative.<kind>` job (DerivativeJobPayload in domain/versions/derivatives.ts). */
export const DerivativePayload = Type.Object({
  workspace_id: Type.String(),
  version_id: Type.String(),
  derivative_id: Type.String(),
});
