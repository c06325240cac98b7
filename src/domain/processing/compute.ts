import { probeMedia, type ProbeResult } from '../../media/ffprobe.js';
import { cutPreview, extractJpeg } from '../../media/clips.js';
import { fingerprintAudio } from '../../media/fpcalc.js';
import { unprocessable, type ToolLimits } from '../../media/tool.js';
import { detectSignals } from '../../media/video-signals.js';
import { breakPoints, estimateMarkers, previewWindow, thumbnailTimes } from './breaks.js';
import { MAX_VIDEO_SECONDS, MIN_VIDEO_SECONDS, type ImplementedProduct } from './products.js';

/*
 * One product computed from a video file in the job's private temp dir (docs/vionlabs.md, "How each product is
 * computed"). Returns the JSON kept on the task and the files to store with it. Every throw from the media tools
 * about the input is a permanent MediaError (the task fails with its message).
 */

export interface ComputedFile {
  path: string;
  contentType: string;
}

export interface Computed {
  result: Record<string, unknown>;
  files: ComputedFile[];
}

export const THUMBNAIL_COUNT = 5;
export const PREVIEW_SECONDS = 10;

/** Probes the file: it must have a decodable video stream and a supported length. */
export async function probeVideo(path: string, limits: ToolLimits): Promise<ProbeResult & { durationSeconds: number; fps: number }> {
  let probe: ProbeResult;
  try {
    probe = await probeMedia(path, limits);
  } catch (err) {
    throw unprocessable(`probe decode error: ${err instanceof Error ? err.message : String(err)}`, err);
  }
  if (!probe.video) {
    throw unprocessable('probe decode error: the file has no video stream.');
  }
  const duration = probe.durationSeconds;
  if (duration === undefined || !(duration >= MIN_VIDEO_SECONDS) || duration > MAX_VIDEO_SECONDS) {
    throw unprocessable(`unsupported video length: ${duration === undefined ? 'unknown' : `${duration.toFixed(1)} s`} (from ${MIN_VIDEO_SECONDS} s to ${MAX_VIDEO_SECONDS / 3600} h).`);
  }
  return { ...probe, durationSeconds: duration, fps: probe.video.frameRate ?? 25 };
}

export async function computeProduct(product: ImplementedProduct, input: string, limits: ToolLimits): Promise<Computed> {
  const probe = await probeVideo(input, limits);
  const duration = probe.durationSeconds;
  const media = { duration_seconds: duration, frame_rate: probe.fps, has_audio: probe.audio !== undefined };
  if (product === 'fingerprint') {
    if (!probe.audio) {
      throw unprocessable('the video has no audio stream to fingerprint.');
    }
    const fp = await fingerprintAudio(input, limits);
    return { result: { ...media, algorithm: 'chromaprint-2', fingerprint: fp.values }, files: [] };
  }
  const signals = await detectSignals(input, { withAudio: probe.audio !== undefined, durationSeconds: duration }, limits);
  switch (product) {
    case 'adbreaks':
      return { result: { ...media, signals, points: breakPoints(signals) }, files: [] };
    case 'markers':
      return { result: { ...media, markers: estimateMarkers(breakPoints(signals), duration, probe.audio !== undefined) }, files: [] };
    case 'jitthumbnails': {
      const times = thumbnailTimes(signals, duration, THUMBNAIL_COUNT);
      const files: ComputedFile[] = [];
      for (const [i, at] of times.entries()) {
        files.push({ path: await extractJpeg(input, at, `thumb-${i}.jpg`, limits), contentType: 'image/jpeg' });
      }
      return { result: { ...media, thumbnails: times.map((at, i) => ({ position: i, time: at })) }, files };
    }
    case 'jitpreviews': {
      const w = previewWindow(signals, duration, PREVIEW_SECONDS);
      const path = await cutPreview(input, w.start, w.seconds, 'preview.mp4', limits);
      return { result: { ...media, previews: [{ position: 0, start: w.start, duration: w.seconds }] }, files: [{ path, contentType: 'video/mp4' }] };
    }
  }
}
