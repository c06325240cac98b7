import type { Readable } from 'node:stream';
import type { BlobStore } from '../../blobs/blob-store.js';
import { isDomainError, errors } from '../errors.js';
import { throughSharp, webpResizer } from '../../media/images.js';

/** Uploaded thumbnails (accounts, workspaces, libraries, versions) are at most this large before re-encoding. */
export const THUMBNAIL_MAX_INPUT_BYTES = 25 * 1024 * 1024;
const THUMBNAIL_SIZE = 512;

/**
 * Stores an uploaded image as a 512 px WebP thumbnail and returns its blob key. The bytes are re-encoded, never
 * kept as sent: a file that is not an image is refused with `unsupported_media`.
 */
export async function storeThumbnail(deps: { blobs: BlobStore }, input: Readable): Promise<string> {
  let received = 0;
  input.on('data', (chunk: Buffer) => {
    received += chunk.length;
    if (received > THUMBNAIL_MAX_INPUT_BYTES) {
      input.destroy(errors.tooLarge(`Thumbnails may be at most ${THUMBNAIL_MAX_INPUT_BYTES} bytes.`));
    }
  });
  try {
    const put = await deps.blobs.put(throughSharp(input, webpResizer(THUMBNAIL_SIZE)));
    return put.key;
  } catch (err) {
    if (isDomainError(err)) {
      throw err;
    }
    throw errors.unsupportedMedia('The thumbnail must be an image (JPEG, PNG, WebP, GIF, TIFF or AVIF).');
  }
}

/** Content type of every stored thumbnail. */
export const THUMBNAIL_CONTENT_TYPE = 'image/webp';
