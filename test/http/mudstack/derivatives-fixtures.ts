import assert from 'node:assert/strict';
import type { TestApp } from '../../harness/app.js';
import type { Tenant } from '../../harness/factories.js';
import { uploadRaw } from './assets-fixtures.js';

export interface DerivativeJson {
  kind: string;
  state: string;
  error: string | null;
  content_type: string | null;
  width: number | null;
  height: number | null;
  size: number | null;
}

/** Uploads `data` as a new asset and returns its ids. */
export async function upload(t: TestApp, ten: Tenant, data: Buffer, fileName: string): Promise<{ assetId: string; versionId: string }> {
  const res = await uploadRaw(t, ten, data, { file_name: fileName });
  assert.equal(res.status, 201, res.text);
  return { assetId: res.body.id, versionId: res.body.currentVersion.id };
}

/** GET the version JSON. */
export async function getVersion(t: TestApp, ten: Tenant, ids: { assetId: string; versionId: string }) {
  const res = await t.req('GET', `/workspaces/assets/${ids.assetId}/versions/${ids.versionId}`, { headers: ten.headers });
  assert.equal(res.status, 200, res.text);
  return res.body as { metadata: Record<string, unknown>; derivatives: DerivativeJson[]; thumbnail_file_id: string | null };
}

export const derivativeUrl = (ids: { assetId: string; versionId: string }, kind: string) =>
  `/workspaces/assets/${ids.assetId}/versions/${ids.versionId}/derivatives/${kind}`;

/** GET a derivative's bytes (app.inject keeps them as a Buffer). */
export async function fetchBytes(t: TestApp, ten: Tenant, url: string): Promise<{ status: number; type: string; body: Buffer }> {
  const res = await t.app.inject({ method: 'GET', url, headers: ten.headers });
  return { status: res.statusCode, type: String(res.headers['content-type']), body: res.rawPayload };
}

