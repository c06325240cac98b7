import { dirname, join } from 'node:path';
import { inputArgs } from './ffprobe.js';
import { runTool, unprocessable, type ToolLimits } from './tool.js';

/*
 * Chromaprint audio fingerprints (Debian's libchromaprint-tools, /usr/bin/fpcalc). fpcalc opens files with its own
 * libavformat and no demuxer whitelist, so it never sees the upload: ffmpeg (whitelisted, inputArgs) decodes the
 * audio to raw 11025 Hz mono PCM in the job's temp dir, and fpcalc reads only that.
 */

export interface AudioFingerprint {
  durationSeconds: number;
  /** Chromaprint's raw sub-fingerprints, one per ~0.124 s. */
  values: number[];
}

/** Seconds of audio one raw sub-fingerprint stands for (Chromaprint algorithm 2, 11025 Hz). */
export const SECONDS_PER_VALUE = 0.1238;

export async function fingerprintAudio(input: string, limits: ToolLimits): Promise<AudioFingerprint> {
  const dir = dirname(input);
  const pcm = join(dir, 'audio.s16');
  await runTool(
    'ffmpeg',
    ['-nostdin', '-hide_banner', '-nostats', '-loglevel', 'error', '-y', ...inputArgs(input), '-map', '0:a:0', '-ac', '1', '-ar', '11025', '-f', 's16le', 'file:audio.s16'],
    { ...limits, cwd: dir },
  );
  const { stdout } = await runTool('fpcalc', ['-format', 's16le', '-rate', '11025', '-channels', '1', '-raw', '-json', '-length', '0', 'audio.s16'], {
    ...limits,
    cwd: dirname(pcm),
    // fpcalc 1.5.1 with FFmpeg 5 reports the end of its input as a decoding error and exits 3 after printing the
    // fingerprint; the JSON is checked below, so an empty or broken answer still fails.
    okExitCodes: [3],
  });
  let parsed: { duration?: unknown; fingerprint?: unknown };
  try {
    parsed = JSON.parse(stdout) as typeof parsed;
  } catch (err) {
    throw unprocessable('fpcalc gave no readable answer.', err);
  }
  const values = Array.isArray(parsed.fingerprint) ? parsed.fingerprint.filter((v): v is number => Number.isInteger(v)) : [];
  if (values.length === 0) {
    throw unprocessable('The audio is too short or silent to fingerprint.');
  }
  return { durationSeconds: Number(parsed.duration) || values.length * SECONDS_PER_VALUE, values };
}

function popcount(x: number): number {
  let v = x >>> 0;
  v -= (v >>> 1) & 0x55555555;
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return (((v + (v >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}

/**
 * How alike two fingerprints are: 1 - the bit error rate of their best alignment (offsets up to `maxShift` values
 * either way, at least `minOverlap` values overlapping). Unrelated audio scores about 0.5, the same audio re-encoded
 * above 0.9. Returns the score and the offset of `b` against `a` in values.
 */
export function compareFingerprints(a: readonly number[], b: readonly number[], opts: { maxShift?: number; minOverlap?: number } = {}): { similarity: number; offset: number } {
  const maxShift = opts.maxShift ?? 80;
  const minOverlap = Math.min(opts.minOverlap ?? 40, a.length, b.length);
  let best = { similarity: 0, offset: 0 };
  for (let shift = -maxShift; shift <= maxShift; shift++) {
    let bits = 0;
    let n = 0;
    for (let i = Math.max(0, shift); i < a.length && i - shift < b.length; i++) {
      bits += popcount((a[i]! ^ b[i - shift]!) >>> 0);
      n++;
    }
    if (n >= minOverlap && n > 0) {
      const similarity = 1 - bits / (32 * n);
      if (similarity > best.similarity) {
        best = { similarity, offset: shift };
      }
    }
  }
  return best;
}
