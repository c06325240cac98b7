import { Type } from '@sinclair/typebox';
import { defineJob } from '../../jobs/define.js';
import { failDeadProof, generateProofPages } from './proof-render.js';

/** Renders a proof's pages for one version of its asset (PDF pages via pdftoppm, images via sharp). */
export const proofGenerateJob = defineJob({
  name: 'proof.generate',
  payload: Type.Object({ workspace_id: Type.String(), proof_id: Type.String(), version_number: Type.Integer({ minimum: 1 }) }),
  retry: { maxAttempts: 3, backoff: { baseSeconds: 15 } },
  timeoutSeconds: 3600,
  priority: 70,
  handler: generateProofPages,
  onDead: failDeadProof,
});
