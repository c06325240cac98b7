import assert from 'node:assert/strict';
import type { TestApp } from '../../harness/app.js';
import type { Tenant } from '../../harness/factories.js';
import { PNG_1x1, uploadMultipart } from '../mudstack/assets-fixtures.js';
import { bearer } from './fixtures.js';

export const APPROVAL_KEYS = [
  'all_stage_responses', 'comments', 'created_at', 'current_approver', 'current_stage_id', 'current_stage_responses', 'editable', 'is_approver', 'key',
  'object', 'object_type', 'object_version', 'owner', 'proof', 'settings', 'status', 'template', 'type', 'updated_at',
];
export const RESPONSE_KEYS = [
  'approval_id', 'approver_user', 'created_at', 'escalated_approver', 'id', 'response', 'secondary_approver', 'secondary_approver_id', 'secondary_approver_type',
  'stage', 'stage_id', 'type', 'updated_at', 'user_email', 'user_id',
];

export async function seq(t: TestApp, table: 'users' | 'assets' | 'folders' | 'teams' | 'approval_responses' | 'approvals' | 'approval_templates' | 'tasks', id: string): Promise<number> {
  const row = await t.deps.db.selectFrom(table).select('sequence').where('id', '=', id).executeTakeFirstOrThrow();
  return Number(row.sequence);
}

/** An image uploaded into a folder (made by the upload); ids as Workstream shows them. */
export async function assetInFolder(t: TestApp, ten: Tenant, name = 'hero.png', folder = '/Art/'): Promise<{ id: string; seq: number; folderSeq: number; folderId: string }> {
  const up = await uploadMultipart(t, ten, { name, data: PNG_1x1, type: 'image/png' }, { file_location: folder });
  assert.equal(up.status, 201, up.text);
  const f = await t.deps.db.selectFrom('folders').select(['id', 'sequence']).where('workspace_id', '=', ten.workspaceId).where('path', '=', folder).executeTakeFirstOrThrow();
  return { id: up.body.id, seq: await seq(t, 'assets', up.body.id), folderSeq: Number(f.sequence), folderId: f.id };
}

/** A13 with a JSON body; asserts 200. */
export async function createApproval(t: TestApp, ten: Tenant, a: { seq: number; folderSeq: number }, body: Record<string, unknown>): Promise<any> {
  const res = await t.req('POST', `/workstream/folders/${a.folderSeq}/assets/${a.seq}/approvals`, { headers: bearer(ten), json: body });
  assert.equal(res.status, 200, res.text);
  return res.body;
}

/** The key of a user's slot, read from A1 as that user. */
export async function keyOf(t: TestApp, ten: Tenant, approvalSeq: number): Promise<string> {
  const res = await t.req('GET', '/workstream/approvals', { headers: bearer(ten) });
  assert.equal(res.status, 200, res.text);
  const found = res.body.find((x: any) => (x.current_stage_responses ?? []).some((r: any) => r.approval_id === approvalSeq) || false);
  assert.ok(found, `approval ${approvalSeq} not listed for the user`);
  return found.key;
}

/** A team through the core admin API. */
export async function coreTeam(t: TestApp, admin: Tenant, name: string, userIds: string[]): Promise<{ id: string; sequence: number }> {
  const res = await t.req('POST', '/accounts/teams', { headers: admin.headers, json: { name, user_ids: userIds } });
  assert.equal(res.status, 201, res.text);
  return res.body;
}
