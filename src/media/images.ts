import type { Readable } from 'node:stream';
import sharp, { type Sharp } from 'sharp';

/** Pixel cap for any image we decode (about 268 megapixels, sharp's own default), against decompression bombs. */
export const MAX_INPUT_PIXELS = 268_402_689;

/**
 * A streaming transform that decodes any image sharp reads and re-encodes it as WebP, fitting inside `size`
 * pixels. Re-encoding strips metadata and anything that is not pixels.
 */
export function webpResizer(size: number): Sharp {
  return sharp({ limitInputPixels: MAX_INPUT_PIXELS, failOn: 'error' })
    .rotate()
    .resize(size, size, { fit: 'inside', withoutEnlargement: true })
    .webp({ quality: 82 });
}

/** Pipes `input` through a sharp transform, forwarding input errors (a client disconnect) to the output. */
export function throughSharp(input: Readable, transform: Sharp): Readable {
  input.on('error', (err) => transform.destroy(err));
  return input.pipe(transform);
}
