import assert from 'node:assert/strict';
import type { TestApp } from '../../harness/app.js';
import type { Tenant } from '../../harness/factories.js';
import { uploadMultipart } from './assets-fixtures.js';

export const MISSING = '00000000-0000-4000-8000-000000000000';

/** Uploads a small text file as a new asset; returns the Asset JSON. */
export async function uploadAsset(t: TestApp, ten: Tenant, name = 'shot.txt'): Promise<{ id: string; [k: string]: any }> {
  const res = await uploadMultipart(t, ten, { name, data: Buffer.from(`bytes of ${name}`) });
  assert.equal(res.status, 201, res.text);
  return res.body;
}

/** Creates a task through POST /workspaces/tasks; asserts 200. */
export async function createTask(t: TestApp, ten: Tenant, body: Record<string, unknown>): Promise<{ id: string; [k: string]: any }> {
  const res = await t.req('POST', '/workspaces/tasks', { headers: ten.headers, json: body });
  assert.equal(res.status, 200, res.text);
  return res.body;
}

/** The workspace's task statuses by name. */
export async function taskStatuses(t: TestApp, ten: Tenant): Promise<Record<string, { id: string; [k: string]: any }>> {
  const res = await t.req('GET', '/workspaces/tasks/statuses', { headers: ten.headers });
  assert.equal(res.status, 200, res.text);
  return Object.fromEntries(res.body.map((s: { name: string }) => [s.name, s]));
}

/** Row counts touched by task writes, for "nothing was written" checks. */
export async function taskCounts(t: TestApp): Promise<number[]> {
  return [await t.count('tasks'), await t.count('task_statuses'), await t.count('history_events'), await t.count('notifications')];
}
