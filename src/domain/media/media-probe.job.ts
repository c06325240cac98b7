import { Type } from '@sinclair/typebox';
import { probeVersion } from './probe.service.js';
import { defineJob } from '../../jobs/define.js';

/** Sniffs the real type, reads dimensions/duration/codecs/pages and EXIF/XMP/IPTC into asset_versions.metadata. */
export const mediaProbeJob = defineJob({
  name: 'media.probe',
  payload: Type.Object({ workspace_id: Type.String(), version_id: Type.String() }),
  retry: { maxAttempts: 3, backoff: { baseSeconds: 15 } },
  timeoutSeconds: 7200,
  priority: 40,
  handler: (ctx, payload) => probeVersion(ctx, payload),
});
