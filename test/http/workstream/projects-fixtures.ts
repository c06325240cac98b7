import assert from 'node:assert/strict';
import type { TestApp } from '../../harness/app.js';
import type { Tenant } from '../../harness/factories.js';
import { uploadRaw } from '../mudstack/assets-fixtures.js';

/** A project made through the core admin API (POST /workspaces/projects); returns its core JSON. */
export async function coreProject(t: TestApp, ten: Tenant, body: Record<string, unknown>): Promise<{ id: string; sequence: number; [k: string]: any }> {
  const res = await t.req('POST', '/workspaces/projects', { headers: ten.headers, json: body });
  assert.equal(res.status, 200, res.text);
  return res.body;
}

/** An asset uploaded through the core API (a new version of `asset_id` when given); its UUID and integer id. */
export async function uploadAsset(
  t: TestApp,
  ten: Tenant,
  data: Buffer,
  query: Record<string, string>,
  url?: string,
): Promise<{ id: string; seq: number }> {
  const res = await uploadRaw(t, ten, data, query, 'application/octet-stream', url);
  assert.ok(res.status === 201 || res.status === 200, res.text);
  const id = res.body.id as string;
  return { id, seq: await sequenceOf(t, 'assets', id) };
}

export async function sequenceOf(t: TestApp, table: 'assets' | 'projects' | 'folders' | 'users' | 'tasks' | 'proofs', id: string): Promise<number> {
  const row = await t.deps.db.selectFrom(table).select('sequence').where('id', '=', id).executeTakeFirstOrThrow();
  return Number(row.sequence);
}

/** Row counts the project and proof routes write, for "nothing was written" checks. */
export async function projectCounts(t: TestApp): Promise<number[]> {
  return Promise.all(
    (['projects', 'project_linked_assets', 'project_watchers', 'proofs', 'proof_pages', 'tasks', 'assets', 'history_events', 'notifications', 'jobs'] as const).map((tb) =>
      t.count(tb),
    ),
  );
}
