import assert from 'node:assert/strict';
import type { TestApp } from '../../harness/app.js';
import type { Tenant } from '../../harness/factories.js';

/** A form with one field of every type the spec lists, made through the core admin route. */
export const ALL_FIELDS = [
  { type: 15, question: 'Required Dropdown field', required: true, options: ['Drop 1', 'Drop 2', 'Drop 3'] },
  { type: 26, question: 'Due date field' },
  { type: 23, question: 'Long answer field' },
  { type: 17, question: 'Checkbox field', options: ['Check 1', 'Check 2', 'Check 3'] },
  { type: 16, question: 'Multiple choice field', options: ['Choice 1', 'Choice 2'] },
  { type: 21, question: 'Just a title', title: 'Just a title' },
  { type: 20, question: '', filename: '/banner.jpg', url: 'https://example.com/banner.jpg' },
  { type: 24, question: '', description: '<p>Just a static description</p>' },
  { type: 25, question: 'Keywords field' },
  { type: 19, question: 'Attachments field' },
  { type: 18, question: 'Date field' },
  { type: 22, question: 'Short answer field' },
  { type: 28, question: 'Assignee field' },
  { type: 30, question: 'Description field' },
  { type: 31, question: 'E-mail field', required: true },
];

export async function createForm(t: TestApp, ten: Tenant, body: Record<string, unknown>): Promise<{ id: string; sequence: number; fields: Array<{ id: string; sequence: number; type: number; pos: number; content: any }>; [k: string]: any }> {
  const res = await t.req('POST', '/workspaces/forms', { headers: ten.headers, json: body });
  assert.equal(res.status, 200, res.text);
  return res.body;
}

/** The Workstream id of the form's field of `type`. */
export function fieldOf(form: { fields: Array<{ sequence: number; type: number }> }, type: number): number {
  const f = form.fields.find((x) => x.type === type);
  assert.ok(f, `no field of type ${type}`);
  return f.sequence;
}
