import assert from 'node:assert/strict';
import type { Res, TestApp } from '../../harness/app.js';
import type { Tenant } from '../../harness/factories.js';
import { uploadMultipart } from './assets-fixtures.js';

export type Json = { id: string; [k: string]: any };

/** Uploads a small file as a new asset (optionally into a folder) and returns its JSON. */
export async function uploadNamed(t: TestApp, ten: Tenant, name: string, opts: { folder?: string; bytes?: Buffer } = {}): Promise<Json> {
  const fields: Record<string, string> = opts.folder ? { file_location: opts.folder } : {};
  const res = await uploadMultipart(t, ten, { name, data: opts.bytes ?? Buffer.from(`bytes of ${name} ${Math.random()}`) }, fields);
  assert.equal(res.status, 201, res.text);
  return res.body;
}

export interface SearchCall {
  query?: Record<string, string | string[]>;
  json?: unknown;
  method?: 'GET' | 'POST';
  ids?: boolean;
}

/** Calls the search endpoint (GET by default; `json` is sent as a body even on GET, as Mudstack's client does). */
export function search(t: TestApp, ten: Tenant, call: SearchCall = {}): Promise<Res> {
  const url = call.ids ? '/workspaces/assets/search/ids' : '/workspaces/assets/search';
  return t.req(call.method ?? 'GET', url, { headers: ten.headers, ...(call.query ? { query: call.query } : {}), ...(call.json !== undefined ? { json: call.json } : {}) });
}

/** The ids a search finds (asserting 200), in result order. */
export async function idsOf(t: TestApp, ten: Tenant, call: SearchCall = {}): Promise<string[]> {
  const res = await search(t, ten, { ...call, ids: true });
  assert.equal(res.status, 200, res.text);
  assert.equal(res.body.next_cursor, null, 'single page expected');
  return res.body.ids;
}

/** Ids found by a text query, sorted (for set comparisons). */
export async function found(t: TestApp, ten: Tenant, query: string, extra: Record<string, string | string[]> = {}): Promise<string[]> {
  return (await idsOf(t, ten, { query: { query, ...extra } })).sort();
}

export const sorted = (...ids: string[]): string[] => [...ids].sort();
