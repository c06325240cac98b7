import { MEDIA_KINDS, type MediaKind } from '../media-assets/media-assets.repo.js';

/** Whether an asset type id is one of the medialoopster media kinds (audio, image, video). */
export const isMediaKind = (v: string): v is MediaKind => (MEDIA_KINDS as readonly string[]).includes(v);
