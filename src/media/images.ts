import type { Readable } from 'node:stream';
import type { Sharp } from 'sharp';
import { lazyModule } from '../lib/lazy-module.js';

// No libvips operation cache: a worker decodes each file once, so the cache (50 MB by default) only holds on to
// memory between jobs (bench/soak saw a worker's RSS climb by about that much).
const sharp = lazyModule<typeof import('sharp').default>('sharp', (m) => m.cache(false));

/** Pixel cap for any image we decode (about 268 megapixels, sharp's own default), against decompression bombs. */
export const MAX_INPUT_PIXELS = 268_402_689;

/**
 * A streaming transform that decodes any image sharp reads and re-encodes it as WebP, fitting inside `size`
 * pixels. Re-encoding strips metadata and anything that is not pixels.
 */
export function webpResizer(size: number): Sharp {
  return sharp()({ limitInputPixels: MAX_INPUT_PIXELS, failOn: 'error' })
    .rotate()
    .resize(size, size, { fit: 'inside', withoutEnlargement: true })
    .webp({ quality: 82 });
}

/** Pipes `input` through a sharp transform, forwarding input errors (a client disconnect) to the output. */
export function throughSharp(input: Readable, transform: Sharp): Readable {
  input.on('error', (err) => transform.destroy(err));
  return input.pipe(transform);
}

/** What sharp says about an image without decoding its pixels. */
export interface ImageInfo {
  format: string;
  width: number;
  height: number;
  /** EXIF orientation 1..8 (1 when absent). */
  orientation: number;
  /** Width and height as displayed, after the EXIF orientation is applied. */
  displayWidth: number;
  displayHeight: number;
  pages: number | undefined;
  hasAlpha: boolean;
  space: string | undefined;
}

/** A rendered image derivative (bounded size: held in memory, then streamed into the blob store). */
export interface RenderedImage {
  data: Buffer;
  width: number;
  height: number;
}

const UNSUPPORTED_RE = /unsupported image format|Input (file|buffer) contains unsupported|bad seek|not a known file format/i;

/** A permanent, human-readable reason for a sharp failure (unsupported format, pixel cap, corrupt data). */
export function describeSharpError(err: unknown, maxPixels: number): string {
  const message = err instanceof Error ? err.message : String(err);
  if (/exceeds pixel limit/i.test(message)) {
    return `The image is larger than the limit of ${maxPixels} pixels (MEDIA_MAX_PIXELS).`;
  }
  if (UNSUPPORTED_RE.test(message)) {
    return 'Unsupported format: the image decoder cannot read this file.';
  }
  return `The image could not be decoded (corrupt or truncated file): ${message.split('\n')[0]?.slice(0, 200) ?? ''}`;
}

/** Reads width, height, format and orientation from the file's header; refuses images over `maxPixels`. */
export async function readImageInfo(path: string, maxPixels: number): Promise<ImageInfo> {
  const m = await sharp()(path, { limitInputPixels: maxPixels }).metadata();
  if (!m.width || !m.height || !m.format) {
    throw new Error('Input file contains unsupported image format');
  }
  if (m.width * m.height > maxPixels) {
    throw new Error('Input image exceeds pixel limit');
  }
  const orientation = m.orientation ?? 1;
  const swapped = orientation >= 5;
  return {
    format: m.format,
    width: m.width,
    height: m.height,
    orientation,
    displayWidth: swapped ? m.height : m.width,
    displayHeight: swapped ? m.width : m.height,
    pages: m.pages,
    hasAlpha: m.hasAlpha ?? false,
    space: m.space,
  };
}

/**
 * Decodes the first page/frame of an image (file path or bytes), applies its EXIF orientation and encodes a WebP whose longest
 * side is at most `size` (never enlarged). JPEG inputs are shrunk while decoding, so small sizes are cheap.
 */
export async function renderWebp(input: string | Buffer, options: { size: number; maxPixels: number; quality?: number }): Promise<RenderedImage> {
  const { data, info } = await sharp()(input, { limitInputPixels: options.maxPixels, failOn: 'error' })
    .rotate()
    .resize(options.size, options.size, { fit: 'inside', withoutEnlargement: true })
    .webp({ quality: options.quality ?? 80 })
    .toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}

/** Width and height of an image file the pipeline made itself (a PNG from pdftoppm or ffmpeg). */
export async function imageSize(path: string): Promise<{ width: number; height: number }> {
  const m = await sharp()(path).metadata();
  return { width: m.width ?? 0, height: m.height ?? 0 };
}
