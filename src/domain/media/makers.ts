import { extractFrame, posterTime, transcodeProxy, renderWaveform, WAVEFORM_SIZE } from '../../media/ffmpeg.js';
import { probeMedia } from '../../media/ffprobe.js';
import { describeSharpError, imageSize, renderWebp } from '../../media/images.js';
import { renderFirstPage } from '../../media/pdf.js';
import { unprocessable } from '../../media/tool.js';
import type { ChooseMaker, MadeDerivative, Maker, MakerInput } from './derivatives.service.js';

/*
 * Which tool makes which derivative kind from which content type. derivativeKindsFor (domain/versions/derivatives.ts)
 * decides which rows a version gets; these decide how each is made, or why it cannot be.
 */

export const THUMBNAIL_SIZE = 256;
export const PREVIEW_SIZE = 1600;
export const POSTER_SIZE = 1920;
export const PAGE_SIZE = 1600;

/** Image types sharp 0.35 (its bundled libvips) decodes. */
const SHARP_READS = new Set(['image/jpeg', 'image/png', 'image/webp', 'image/gif', 'image/avif', 'image/tiff', 'image/heif', 'image/heic', 'image/svg+xml']);

const isVideo = (t: string) => t.startsWith('video/');
const isAudio = (t: string) => t.startsWith('audio/');
const isPdf = (t: string) => t === 'application/pdf';

/** The reason a kind cannot be made; PSD gets its own (sharp's libvips has no PSD reader). */
function unsupported(kind: string, contentType: string): string {
  if (contentType === 'image/vnd.adobe.photoshop') {
    return `Unsupported format: ${kind} images of Photoshop (PSD) files cannot be made (the image decoder has no PSD reader).`;
  }
  return `Unsupported format: no ${kind} can be made from ${contentType}.`;
}

/** sharp to WebP with a human reason on failure (pixel cap, unsupported, corrupt). */
async function webp(path: string | Buffer, size: number, input: MakerInput, quality?: number): Promise<MadeDerivative> {
  try {
    const out = await renderWebp(path, { size, maxPixels: input.maxPixels, ...(quality === undefined ? {} : { quality }) });
    return { data: out.data, width: out.width, height: out.height, contentType: 'image/webp' };
  } catch (err) {
    throw unprocessable(describeSharpError(err, input.maxPixels), err);
  }
}

/** The video frame a poster and a video thumbnail are made from: at 10% of the duration (1 s when unknown). */
async function posterFrame(input: MakerInput): Promise<string> {
  const path = await input.source.file();
  const probe = await probeMedia(path, input.limits);
  if (!probe.video) {
    throw unprocessable('The file has no video stream to take a frame from.');
  }
  const at = posterTime(probe.durationSeconds);
  return extractFrame(path, probe.durationSeconds !== undefined ? Math.min(at, Math.max(0, probe.durationSeconds - 0.05)) : at, input.limits);
}

const imageMaker =
  (size: number, quality?: number): Maker =>
  async (input) =>
    webp(await input.source.readablePath(), size, input, quality);

export const chooseThumbnail: ChooseMaker = (t) => {
  if (SHARP_READS.has(t)) {
    return imageMaker(THUMBNAIL_SIZE);
  }
  if (isVideo(t)) {
    return async (input) => webp(await posterFrame(input), THUMBNAIL_SIZE, input);
  }
  if (isPdf(t)) {
    return async (input) => webp(await renderFirstPage(await input.source.file(), THUMBNAIL_SIZE, input.limits), THUMBNAIL_SIZE, input);
  }
  return unsupported('thumbnail', t);
};

export const choosePreview: ChooseMaker = (t) => (SHARP_READS.has(t) ? imageMaker(PREVIEW_SIZE, 82) : unsupported('preview', t));

export const choosePoster: ChooseMaker = (t) =>
  isVideo(t) ? async (input) => webp(await posterFrame(input), POSTER_SIZE, input, 85) : unsupported('poster', t);

export const chooseProxy: ChooseMaker = (t) =>
  isVideo(t)
    ? async (input) => {
        const path = await transcodeProxy(await input.source.file(), input.limits);
        const probe = await probeMedia(path, input.limits);
        return { path, contentType: 'video/mp4', width: probe.video?.width ?? null, height: probe.video?.height ?? null };
      }
    : unsupported('proxy', t);

export const chooseWaveform: ChooseMaker = (t) =>
  isAudio(t) || isVideo(t)
    ? async (input) => ({ path: await renderWaveform(await input.source.file(), input.limits), contentType: 'image/png', ...WAVEFORM_SIZE })
    : unsupported('waveform', t);

export const choosePage: ChooseMaker = (t) =>
  isPdf(t)
    ? async (input) => {
        const path = await renderFirstPage(await input.source.file(), PAGE_SIZE, input.limits);
        return { path, contentType: 'image/png', ...(await imageSize(path)) };
      }
    : unsupported('page', t);
