import { Type } from '@sinclair/typebox';
import { BATCH_MAX_FILES } from '../../../domain/assets/asset-batch.service.js';

/* The `manifest` field of POST /workspaces/assets/batch (docs/api-core.md, "Batch upload"). */

const Sha256 = Type.String({ pattern: '^[0-9a-fA-F]{64}$' });

/** One file of a batch: the single upload's fields (`asset_id` aside). */
const BatchManifestEntry = Type.Object(
  {
    file_name: Type.String({ minLength: 1, maxLength: 4096 }),
    file_location: Type.Optional(Type.String({ maxLength: 4096 })),
    name: Type.Optional(Type.String({ maxLength: 1000 })),
    description: Type.Optional(Type.String({ maxLength: 10000 })),
    version_name: Type.Optional(Type.String({ maxLength: 1000 })),
    version_description: Type.Optional(Type.String({ maxLength: 10000 })),
    checksum: Type.Optional(Sha256),
    size: Type.Optional(Type.Integer({ minimum: 0 })),
  },
  { additionalProperties: false },
);
export const BatchManifest = Type.Array(BatchManifestEntry, { minItems: 1, maxItems: BATCH_MAX_FILES });
