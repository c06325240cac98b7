import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { processingTaskJob } from '../../../src/domain/processing/processing-task.job.js';
import type { TestApp } from '../../harness/app.js';
import type { Tenant } from '../../harness/factories.js';
import { upload } from '../mudstack/derivatives-fixtures.js';

const run = promisify(execFile);

/** `ak_….sk_…`: the Vionlabs key of a tenant (docs/vionlabs.md, "Authentication"). */
export const keyOf = (ten: Tenant): string => `${ten.key}.${ten.secret}`;
export const xKey = (ten: Tenant): Record<string, string> => ({ 'x-api-key': keyOf(ten) });

/**
 * A 30 s 160x120 video with planted signals: intro 0-4 s, black + silence 4-5 s, content, a hard cut at 10 s,
 * black + silence 15-16 s, content, black + silence 24-25 s, bright "credits" 25-30 s. Every segment has its own tone.
 */
export const PLANTED = { introBreak: [4, 5], cut: 10, midBreak: [15, 16], creditsBreak: [24, 25], duration: 30, fps: 25 } as const;

const seg = (video: string, seconds: number, audio: string | null) => ({ video, seconds, audio });
const SEGMENTS = [
  seg('testsrc', 4, 'sine=frequency=440'),
  seg('color=c=black', 1, null),
  seg('smptebars', 5, 'sine=frequency=660'),
  seg('rgbtestsrc', 5, 'sine=frequency=880'),
  seg('color=c=black', 1, null),
  seg('testsrc2', 8, 'sine=frequency=550'),
  seg('color=c=black', 1, null),
  seg('color=c=0xd0d0d0', 5, 'sine=frequency=330'),
];

async function ffmpeg(args: string[]): Promise<Buffer> {
  const dir = await mkdtemp(join(tmpdir(), 'atelier-vl-'));
  try {
    const out = join(dir, 'out.mp4');
    await run('ffmpeg', ['-nostdin', '-hide_banner', '-loglevel', 'error', '-y', ...args, out]);
    return await readFile(out);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export function plantedVideo(size = '160x120'): Promise<Buffer> {
  const inputs: string[] = [];
  const chains: string[] = [];
  const pads: string[] = [];
  SEGMENTS.forEach((s, i) => {
    inputs.push('-f', 'lavfi', '-i', `${s.video}${s.video.includes('=') ? ':' : '='}size=${size}:rate=25:duration=${s.seconds}`);
    inputs.push('-f', 'lavfi', '-i', s.audio ? `${s.audio}:duration=${s.seconds}:sample_rate=44100` : `anullsrc=r=44100:cl=mono:d=${s.seconds}`);
    chains.push(`[${2 * i + 1}:a]aformat=sample_rates=44100:channel_layouts=mono[a${i}]`);
    pads.push(`[${2 * i}:v][a${i}]`);
  });
  const graph = `${chains.join(';')};${pads.join('')}concat=n=${SEGMENTS.length}:v=1:a=1[v][a]`;
  return ffmpeg([...inputs, '-filter_complex', graph, '-map', '[v]', '-map', '[a]', '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-c:a', 'aac']);
}

/** 12 s of a test pattern over pink noise from `seed` (music-like enough for Chromaprint); `size` varies the encode. */
export function noiseVideo(seed: number, size = '160x120', pattern = 'testsrc'): Promise<Buffer> {
  return ffmpeg([
    '-f', 'lavfi', '-i', `${pattern}=size=${size}:rate=25:duration=12`,
    '-f', 'lavfi', '-i', `anoisesrc=d=12:c=pink:r=44100:a=0.3:seed=${seed},volume='0.3+0.7*abs(sin(2*PI*t*0.7))':eval=frame`,
    '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-shortest',
  ]);
}

/** A longer, larger video for the deactivate test: enough work that the task is still running when it is stopped. */
export function longVideo(seconds: number): Promise<Buffer> {
  return ffmpeg([
    '-f', 'lavfi', '-i', `testsrc2=size=1280x720:rate=25:duration=${seconds}`,
    '-f', 'lavfi', '-i', `sine=frequency=440:duration=${seconds}`,
    '-c:v', 'libx264', '-preset', 'ultrafast', '-crf', '35', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-shortest',
  ]);
}

/** Uploads a video through the core API and returns its `video_uri`. */
export async function videoUri(t: TestApp, ten: Tenant, data: Buffer, name: string): Promise<string> {
  const ids = await upload(t, ten, data, name);
  return `atelier://assets/${ids.assetId}`;
}

/** Deps whose workers run only processing tasks (not the media derivatives of the uploads). */
export const processingOnly = (t: TestApp) => t.jobs.withDefinitions([processingTaskJob]);

/** Runs the queued processing tasks to the end. */
export async function runTasks(t: TestApp): Promise<void> {
  await t.jobs.runUntilIdle({ deps: processingOnly(t) });
}
