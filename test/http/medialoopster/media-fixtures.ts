import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { TestApp } from '../../harness/app.js';
import type { Tenant } from '../../harness/factories.js';

/** Uploads `data` through the core API into `folder` and returns the asset's UUID and integer id. */
export async function uploadTo(t: TestApp, ten: Tenant, data: Buffer, folder: string, fileName: string): Promise<{ uuid: string; id: number }> {
  const res = await t.req('POST', '/workspaces/assets', {
    headers: { ...ten.headers, 'content-type': 'application/octet-stream' },
    payload: data,
    query: { file_name: fileName, file_location: folder },
  });
  assert.equal(res.status, 201, res.text);
  const row = await t.deps.db.selectFrom('assets').select('sequence').where('id', '=', res.body.id).executeTakeFirstOrThrow();
  return { uuid: res.body.id as string, id: Number(row.sequence) };
}

/** GET bytes (app.inject keeps them as a Buffer). */
export async function bytesOf(t: TestApp, url: string, headers: Record<string, string>): Promise<{ status: number; type: string; body: Buffer; headers: Record<string, unknown> }> {
  const res = await t.app.inject({ method: 'GET', url, headers });
  return { status: res.statusCode, type: String(res.headers['content-type']), body: res.rawPayload, headers: res.headers };
}

/** The fields every media asset shows (spec §2.3.4), in order. */
export const COMMON_KEYS = [
  'id', 'name', 'description', 'date_crt', 'date_add', 'date_mod', 'date_del', 'locked_by', 'production', 'production_name', 'meta_field_store',
  'status_asset', 'status_asset_description', 'status_editing', 'status_approval', 'path_file', 'is_archive', 'is_production', 'device',
  'display_name', 'filename', 'projects', 'path_proxy', 'name_proxy', 'thumbnail_url', 'proxy_url', 'shared_with_productions', 'is_available',
  'name_editor', 'duration', 'abstract', 'transcript', 'path_thumbnail', 'is_proxy_available', 'file_size',
];
export const VIDEO_KEYS = [
  ...COMMON_KEYS, 'video_format', 'video_codec', 'video_size', 'aspect_ratio', 'offset_frames', 'fps', 'width', 'height', 'codec_name',
  'display_aspect_ratio', 'vpms_title', 'vpms_description', 'video_url', 'poster_url', 'rotation', 'audio_codec',
];
export const AUDIO_KEYS = [...COMMON_KEYS, 'audio_format', 'audio_codec', 'codec_name', 'sample_rate', 'channels', 'audio_url'];
export const IMAGE_KEYS = [...COMMON_KEYS, 'image_format', 'codec_name', 'width', 'height', 'aspect_ratio', 'display_aspect_ratio', 'rotation', 'image_url', 'poster_url'];

const run = promisify(execFile);
export const FPS = 25;
export const FRAME_MS = 1000 / FPS;
/** Hard cuts at 1.0 s and 2.6 s (whole frames at 25 fps); 3.6 s long. */
export const CUTS_MS = [1000, 2600];
export const DURATION_MS = 3600;

/** Three visually different segments joined with hard cuts, encoded as H.264. */
export async function videoWithCuts(): Promise<Buffer> {
  const dir = await mkdtemp(join(tmpdir(), 'atelier-shots-'));
  try {
    const out = join(dir, 'cuts.mp4');
    await run('ffmpeg', [
      '-nostdin', '-loglevel', 'error', '-y',
      '-f', 'lavfi', '-i', `color=c=red:s=320x240:r=${FPS}:d=1`,
      '-f', 'lavfi', '-i', `color=c=blue:s=320x240:r=${FPS}:d=1.6`,
      '-f', 'lavfi', '-i', `testsrc=s=320x240:r=${FPS}:d=1`,
      '-filter_complex', '[0][1][2]concat=n=3:v=1:a=0', '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', out,
    ]);
    return await readFile(out);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
