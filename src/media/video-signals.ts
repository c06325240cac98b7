import { readFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { inputArgs } from './ffprobe.js';
import { runTool, type ToolLimits } from './tool.js';

/*
 * The editorial signals of a video, found by ffmpeg in one decoding pass (docs/vionlabs.md, "How each product is
 * computed"): black segments (blackdetect), silent segments (silencedetect) and hard cuts (the select filter's scene
 * score). Each filter's frame metadata is written to a file in the job's temp dir (metadata=print), not parsed from
 * the log: the log of a long video is larger than what runTool keeps.
 */

export interface Segment {
  start: number;
  end: number;
}

export interface VideoSignals {
  black: Segment[];
  silence: Segment[];
  /** Times (seconds) of the first frame after a hard cut, with the cut's scene score (0..1). */
  cuts: Array<{ at: number; score: number }>;
}

/** The detection settings; `SIGNAL_FILTERS` turns them into the filter graph the bench also runs directly. */
export const SIGNAL_SETTINGS = {
  /** Width the frames are scaled down to before detection: the signals do not need more, and decoding dominates. */
  analysisWidth: 320,
  blackMinSeconds: 0.2,
  blackPixelThreshold: 0.1,
  silenceNoiseDb: -50,
  silenceMinSeconds: 0.3,
  sceneThreshold: 0.3,
} as const;

/** The filter graph of one pass; `withAudio` false for a video without an audio stream. */
export function signalFilterGraph(withAudio: boolean): string {
  const s = SIGNAL_SETTINGS;
  const video =
    `[0:v:0]scale=w='min(${s.analysisWidth},iw)':h=-2:flags=fast_bilinear,` +
    `blackdetect=d=${s.blackMinSeconds}:pix_th=${s.blackPixelThreshold},metadata=mode=print:file=black.txt,` +
    `select='gt(scene,${s.sceneThreshold})',metadata=mode=print:file=scene.txt[v]`;
  const audio = `[0:a:0]silencedetect=n=${s.silenceNoiseDb}dB:d=${s.silenceMinSeconds},ametadata=mode=print:file=silence.txt[a]`;
  return withAudio ? `${video};${audio}` : video;
}

/** The full ffmpeg argument list of the pass over `input` (relative names; run with cwd = the input's dir). */
export function signalArgs(input: string, withAudio: boolean): string[] {
  return [
    '-nostdin', '-hide_banner', '-nostats', '-loglevel', 'error', '-y',
    ...inputArgs(input),
    '-filter_complex', signalFilterGraph(withAudio),
    '-map', '[v]', '-f', 'null', '-',
    ...(withAudio ? ['-map', '[a]', '-f', 'null', '-'] : []),
  ];
}

interface MetadataFrame {
  time: number;
  values: Map<string, string>;
}

/** Parses metadata=print output: `frame:N pts:P pts_time:T` lines, each followed by `key=value` lines. */
export function parseMetadataPrint(text: string): MetadataFrame[] {
  const frames: MetadataFrame[] = [];
  for (const line of text.split('\n')) {
    const header = /pts_time:(-?[0-9.]+)/.exec(line);
    if (line.startsWith('frame:') && header) {
      frames.push({ time: Number(header[1]), values: new Map() });
      continue;
    }
    const eq = line.indexOf('=');
    const current = frames[frames.length - 1];
    if (current && eq > 0) {
      current.values.set(line.slice(0, eq).trim(), line.slice(eq + 1).trim());
    }
  }
  return frames;
}

/** Pairs `<prefix>_start` / `<prefix>_end` values into segments; an open one ends at `duration`. */
function segments(frames: MetadataFrame[], prefix: string, duration: number): Segment[] {
  const out: Segment[] = [];
  let open: number | undefined;
  for (const f of frames) {
    const start = f.values.get(`lavfi.${prefix}_start`);
    const end = f.values.get(`lavfi.${prefix}_end`);
    if (start !== undefined && open === undefined) {
      open = Number(start);
    }
    if (end !== undefined && open !== undefined) {
      out.push({ start: open, end: Number(end) });
      open = undefined;
    }
  }
  if (open !== undefined && duration > open) {
    out.push({ start: open, end: duration });
  }
  return out.filter((s) => Number.isFinite(s.start) && Number.isFinite(s.end) && s.end > s.start);
}

const readText = (path: string): Promise<string> => readFile(path, 'utf8').catch(() => '');

/** Runs the pass over `input` (a file in the job's private temp dir) and reads the three signal lists. */
export async function detectSignals(input: string, opts: { withAudio: boolean; durationSeconds: number }, limits: ToolLimits): Promise<VideoSignals> {
  const dir = dirname(input);
  await runTool('ffmpeg', signalArgs(basename(input), opts.withAudio), { ...limits, cwd: dir });
  const [black, scene, silence] = await Promise.all(['black.txt', 'scene.txt', 'silence.txt'].map((f) => readText(join(dir, f))));
  const cuts = parseMetadataPrint(scene ?? '')
    .map((f) => ({ at: f.time, score: Number(f.values.get('lavfi.scene_score') ?? NaN) }))
    .filter((c) => Number.isFinite(c.at) && Number.isFinite(c.score));
  return {
    black: segments(parseMetadataPrint(black ?? ''), 'black', opts.durationSeconds),
    silence: segments(parseMetadataPrint(silence ?? ''), 'silence', opts.durationSeconds),
    cuts,
  };
}
