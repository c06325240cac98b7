import assert from 'node:assert/strict';
import type { TestApp } from '../../harness/app.js';
import type { Tenant } from '../../harness/factories.js';

/** Workstream requests carry only the bearer token: the credential decides the account and workspace. */
export const bearer = (ten: Tenant): Record<string, string> => ({ authorization: `Bearer ${ten.token}` });

export const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

/** A form-encoded body from `[name, value]` pairs (PHP-style names such as `user_ids[]` as they are). */
export const form = (pairs: Array<[string, string | number]>): string => new URLSearchParams(pairs.map(([k, v]) => [k, String(v)])).toString();

/** The integer id (sequence) of a row, as the Workstream surface shows it. */
export async function seqOf(t: TestApp, table: 'users' | 'tasks' | 'task_statuses', id: string): Promise<number> {
  const row = await t.deps.db.selectFrom(table).select('sequence').where('id', '=', id).executeTakeFirstOrThrow();
  return Number(row.sequence);
}

/** The workspace's statuses through GET /workstream/statuses, by name. */
export async function wsStatuses(t: TestApp, ten: Tenant): Promise<Record<string, { id: number; [k: string]: any }>> {
  const res = await t.req('GET', '/workstream/statuses', { headers: bearer(ten) });
  assert.equal(res.status, 200, res.text);
  return Object.fromEntries(res.body.map((s: { name: string }) => [s.name, s]));
}

/** A task made through the core API (the same row Workstream shows); returns its core JSON. */
export async function coreTask(t: TestApp, ten: Tenant, body: Record<string, unknown>): Promise<{ id: string; sequence: number; [k: string]: any }> {
  const res = await t.req('POST', '/workspaces/tasks', { headers: ten.headers, json: body });
  assert.equal(res.status, 200, res.text);
  return res.body;
}

/** Row counts a Workstream write touches, for "nothing was written" checks. */
export async function wsCounts(t: TestApp): Promise<number[]> {
  return Promise.all(
    (['tasks', 'task_statuses', 'task_checklist_items', 'task_watchers', 'history_events', 'notifications'] as const).map((tb) => t.count(tb)),
  );
}

/** Asserts the surface's error shape; returns the body. */
export function assertWsError(res: { status: number; body: any; text: string }, status: number, code?: string): any {
  assert.equal(res.status, status, res.text);
  assert.equal(typeof res.body.message, 'string', res.text);
  assert.equal(typeof res.body.code, 'string', res.text);
  assert.equal(typeof res.body.request_id, 'string', res.text);
  assert.equal(res.body.error === undefined || typeof res.body.error === 'string', true);
  if (code !== undefined) {
    assert.equal(res.body.code, code, res.text);
  }
  return res.body;
}
