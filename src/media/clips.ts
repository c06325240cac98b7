import { basename, dirname, join } from 'node:path';
import { inputArgs } from './ffprobe.js';
import { runTool, type ToolLimits } from './tool.js';

/* Stills and short clips cut from a video (the jitthumbnails and jitpreviews products; docs/vionlabs.md). */

const BASE = ['-nostdin', '-hide_banner', '-nostats', '-loglevel', 'error', '-y'];

/** One frame at `atSeconds` as a JPEG at most 720 px high (never upscaled), as `<name>` in the input's dir. */
export async function extractJpeg(input: string, atSeconds: number, name: string, limits: ToolLimits): Promise<string> {
  const args = [
    ...BASE,
    // -ss before -i seeks by the index (fast on long files); accurate seeking is ffmpeg's default since 2.1.
    '-ss', atSeconds.toFixed(3),
    ...inputArgs(basename(input)),
    '-map', '0:v:0', '-frames:v', '1', '-update', '1',
    '-vf', "scale=-2:'min(720,ih)':flags=bicubic,format=yuvj420p", '-q:v', '3', '-f', 'image2', '-c:v', 'mjpeg',
    `file:${name}`,
  ];
  await runTool('ffmpeg', args, { ...limits, cwd: dirname(input) });
  return join(dirname(input), name);
}

/** `seconds` of video from `startSeconds` as a 480p (never upscaled) H.264/AAC MP4 with the index in front. */
export async function cutPreview(input: string, startSeconds: number, seconds: number, name: string, limits: ToolLimits): Promise<string> {
  const args = [
    ...BASE,
    '-ss', startSeconds.toFixed(3),
    ...inputArgs(basename(input)),
    '-t', seconds.toFixed(3),
    '-map', '0:v:0', '-map', '0:a:0?',
    '-vf', "scale=-2:'min(480,ih)':flags=bicubic,format=yuv420p",
    '-c:v', 'libx264', '-preset', 'veryfast', '-crf', '26',
    '-c:a', 'aac', '-b:a', '96k', '-ac', '2',
    '-movflags', '+faststart', '-f', 'mp4',
    `file:${name}`,
  ];
  await runTool('ffmpeg', args, { ...limits, cwd: dirname(input) });
  return join(dirname(input), name);
}
