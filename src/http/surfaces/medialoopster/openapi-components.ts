import { MlCustomMetadata } from './custom-metadata.routes.js';
import { MlAudioAsset, MlImageAsset, MlVideoAsset } from './media-assets.present.js';
import { MlDevice, MlProduction } from './productions.present.js';
import { MedialoopsterError } from './schemas.js';
import { MlSequence, MlShot } from './shots.routes.js';

/**
 * Names of this surface's objects in `/openapi.json` (plugins/openapi.ts), prefixed so they cannot clash with the
 * core API's (`Asset`...). `MedialoopsterError` is every error body of `/api/` (both DRF forms, docs/medialoopster.md).
 */
export const medialoopsterComponents: Record<string, unknown> = {
  MedialoopsterError,
  MedialoopsterProduction: MlProduction,
  MedialoopsterDevice: MlDevice,
  MedialoopsterAudioAsset: MlAudioAsset,
  MedialoopsterImageAsset: MlImageAsset,
  MedialoopsterVideoAsset: MlVideoAsset,
  MedialoopsterCustomMetadata: MlCustomMetadata,
  MedialoopsterShot: MlShot,
  MedialoopsterSequence: MlSequence,
};
