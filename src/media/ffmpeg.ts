import { readFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { inputArgs } from './ffprobe.js';
import { runTool, type ToolLimits } from './tool.js';

/*
 * ffmpeg runs: argument arrays (no shell), -nostdin, only `file:` input through the demuxer whitelist (inputArgs),
 * cwd = the job's private temp dir, output to a new file in that dir. The caller streams the output into the blob
 * store and removes the dir.
 */

const BASE = ['-nostdin', '-hide_banner', '-loglevel', 'error', '-y'];

function run(input: string, middle: string[], output: string, limits: ToolLimits): Promise<string> {
  const args = [...BASE, ...inputArgs(input), ...middle, `file:${basename(output)}`];
  return runTool('ffmpeg', args, { ...limits, cwd: dirname(input) }).then(() => output);
}

/** When to take a video's poster frame: at 10% of its duration, or at 1 s when the duration is unknown. */
export function posterTime(durationSeconds: number | undefined): number {
  return durationSeconds !== undefined && durationSeconds > 0 ? Math.round(durationSeconds * 0.1 * 1000) / 1000 : 1;
}

/**
 * One frame at `atSeconds` as a PNG (lossless; sharp encodes the derivative from it). `-ss` after `-i` decodes up to
 * the time (exact and safe for any container); `-update 1` keeps a single image file.
 */
export function extractFrame(input: string, atSeconds: number, limits: ToolLimits): Promise<string> {
  const output = join(dirname(input), 'frame.png');
  return run(input, ['-ss', atSeconds.toFixed(3), '-map', '0:v:0', '-frames:v', '1', '-update', '1', '-f', 'image2', '-c:v', 'png'], output, limits);
}

/** A 720p (never upscaled) H.264/AAC MP4 with the index at the front, for streaming in browsers. */
export function transcodeProxy(input: string, limits: ToolLimits): Promise<string> {
  const output = join(dirname(input), 'proxy.mp4');
  return run(
    input,
    [
      '-map', '0:v:0', '-map', '0:a:0?',
      '-vf', "scale=-2:'min(720,ih)':flags=bicubic,format=yuv420p",
      '-c:v', 'libx264', '-preset', 'veryfast', '-crf', '23', '-profile:v', 'high',
      '-c:a', 'aac', '-b:a', '128k', '-ac', '2',
      '-movflags', '+faststart', '-f', 'mp4',
    ],
    output,
    limits,
  );
}

export const WAVEFORM_SIZE = { width: 1600, height: 240 };

/** The audio's waveform as one PNG picture (all channels mixed into one). */
export function renderWaveform(input: string, limits: ToolLimits): Promise<string> {
  const output = join(dirname(input), 'waveform.png');
  const { width, height } = WAVEFORM_SIZE;
  return run(
    input,
    ['-filter_complex', `[0:a:0]aformat=channel_layouts=mono,showwavespic=s=${width}x${height}:colors=0x3b82f6`, '-frames:v', '1', '-update', '1', '-f', 'image2', '-c:v', 'png'],
    output,
    limits,
  );
}

/**
 * The times (seconds) of a video's hard cuts: frames whose scene-change score (ffmpeg's `select` `scene`, 0-1) is
 * above `threshold`, written by the `metadata=print` filter to a file in the temp dir (exact `pts_time`s, rather than
 * parsing showinfo's log lines).
 */
export async function detectSceneCuts(input: string, threshold: number, limits: ToolLimits): Promise<number[]> {
  const report = join(dirname(input), 'scenes.txt');
  const filter = `select='gt(scene,${threshold.toFixed(3)})',metadata=print:file=${basename(report)}`;
  await runTool('ffmpeg', [...BASE, ...inputArgs(input), '-map', '0:v:0', '-vf', filter, '-an', '-f', 'null', '-'], { ...limits, cwd: dirname(input) });
  let text = '';
  try {
    text = await readFile(report, 'utf8');
  } catch {
    return [];
  }
  const times: number[] = [];
  for (const m of text.matchAll(/pts_time:([0-9.]+)/g)) {
    const t = Number(m[1]);
    if (Number.isFinite(t)) {
      times.push(t);
    }
  }
  return times.sort((a, b) => a - b);
}
