import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import type { TestApp } from '../../harness/app.js';
import type { Tenant } from '../../harness/factories.js';

/* Helpers of the project-asset tests: real uploads through the core API into bundle folders. */

export const sha256 = (b: Buffer | string): string => createHash('sha256').update(b).digest('hex');

/** Uploads `data` as `fileName` into the folder `folder` of the tenant's (or `workspaceId`'s) workspace; the asset. */
export async function upload(t: TestApp, ten: Tenant, folder: string, fileName: string, data: Buffer | string, workspaceId = ten.workspaceId): Promise<{ id: string; sequence: number }> {
  const res = await t.req('POST', `/workspaces/assets?file_name=${encodeURIComponent(fileName)}&file_location=${encodeURIComponent(folder)}`, {
    headers: { ...ten.headers, 'x-workspace-id': workspaceId, 'content-type': 'application/octet-stream' },
    payload: typeof data === 'string' ? Buffer.from(data) : data,
  });
  assert.equal(res.status, 201, res.text);
  const row = await t.deps.db.selectFrom('assets').select('sequence').where('id', '=', res.body.id).executeTakeFirstOrThrow();
  return { id: res.body.id, sequence: Number(row.sequence) };
}

/** The production id (workspace sequence) of a workspace. */
export async function productionId(t: TestApp, workspaceId: string): Promise<number> {
  const row = await t.deps.db.selectFrom('workspaces').select('sequence').where('id', '=', workspaceId).executeTakeFirstOrThrow();
  return Number(row.sequence);
}

/** A device (storage root) of a workspace, made through the core API; its integer id. */
export async function device(t: TestApp, ten: Tenant, workspaceId: string, path: string, extra: Record<string, unknown> = {}): Promise<number> {
  const res = await t.req('POST', '/workspaces/devices', { headers: { ...ten.headers, 'x-workspace-id': workspaceId }, json: { name: `dev ${path}`, path, ...extra } });
  assert.equal(res.status, 201, res.text);
  return res.body.sequence as number;
}

/** A mono 16-bit PCM WAV (a real audio file; `hz` makes the bytes distinct). */
export function wav(hz: number, seconds = 0.2, rate = 8000): Buffer {
  const n = Math.round(rate * seconds);
  const b = Buffer.alloc(44 + n * 2);
  b.write('RIFF', 0);
  b.writeUInt32LE(36 + n * 2, 4);
  b.write('WAVE', 8);
  b.write('fmt ', 12);
  b.writeUInt32LE(16, 16);
  b.writeUInt16LE(1, 20);
  b.writeUInt16LE(1, 22);
  b.writeUInt32LE(rate, 24);
  b.writeUInt32LE(rate * 2, 28);
  b.writeUInt16LE(2, 32);
  b.writeUInt16LE(16, 34);
  b.write('data', 36);
  b.writeUInt32LE(n * 2, 40);
  for (let i = 0; i < n; i++) {
    b.writeInt16LE(Math.round(Math.sin((2 * Math.PI * hz * i) / rate) * 12000), 44 + i * 2);
  }
  return b;
}

/** The keys of seed 003's create answer, in its order. */
export const CREATE_KEYS = [
  'id', 'audio_assets', 'image_assets', 'video_assets', 'name', 'description', 'date_crt', 'date_add', 'date_mod', 'date_del',
  'meta_field_store', 'status_asset', 'status_asset_description', 'status_editing', 'status_approval', 'path_file', 'bundle_root',
  'type', 'is_archive', 'is_production', 'files', 'name_editor', 'name_studio', 'locked_by', 'production', 'device',
];
