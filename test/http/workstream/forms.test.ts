import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { describeEachDatabase } from '../../harness/app.js';
import type { Tenant } from '../../harness/factories.js';
import { assertWsError, bearer } from './fixtures.js';
import { ALL_FIELDS, createForm } from './forms-fixtures.js';
import { assertSameTypes, seedResponse } from './seed.js';

const formCounts = async (t: { count: (table: any) => Promise<number> }) => [await t.count('forms'), await t.count('form_fields'), await t.count('history_events')];

describeEachDatabase('workstream: forms (core administration, F1, F2)', (t) => {
  let a: Tenant;
  let editor: Tenant;
  let b: Tenant;
  let full: Awaited<ReturnType<typeof createForm>>;

  before(async () => {
    a = await t.factory.tenant();
    editor = await t.factory.member(a, { workspace: 'editor' });
    b = await t.factory.tenant();
  });

  test('core: an admin creates a form with every field type; "Task name" (29) is added first and required', async () => {
    full = await createForm(t, a, { name: 'Example Form 1', fields: ALL_FIELDS, allow_guests: false });
    assert.equal(full.name, 'Example Form 1');
    assert.equal(full.status, 1);
    assert.deepEqual(full.fields.map((f) => f.type), [29, ...ALL_FIELDS.map((f) => f.type)]);
    assert.deepEqual(full.fields.map((f) => f.pos), full.fields.map((_, i) => i));
    assert.deepEqual(full.fields[0]?.content, { question: 'Task name', required: true });
    assert.deepEqual(full.fields[1]?.content, {
      question: 'Required Dropdown field',
      options: [{ label: 'Drop 1', checked: false, index: 0 }, { label: 'Drop 2', checked: false, index: 1 }, { label: 'Drop 3', checked: false, index: 2 }],
      required: true,
    });
    const events = await t.deps.db.selectFrom('history_events').select('type').where('record_id', '=', full.id).execute();
    assert.deepEqual(events.map((e) => e.type), ['form_created']);
    // A task-name field given later in the list is moved first and made required.
    const moved = await createForm(t, a, { name: 'Moved', fields: [{ type: 22, question: 'Q' }, { type: 29, question: 'What?' }] });
    assert.deepEqual(moved.fields.map((f) => [f.type, f.content.required ?? false]), [[29, true], [22, false]]);
  });

  test('core: bad definitions are 400 naming the field, nothing written; editors 403; other tenants 404', async () => {
    const before = await formCounts(t);
    for (const [fields, pointer] of [
      [[{ type: 14, question: 'x' }], '/fields/0/type'],
      [[{ type: 15, question: 'x' }], '/fields/0/options'],
      [[{ type: 16, question: 'x', options: ['a', 'a'] }], '/fields/0/options/1'],
      [[{ type: 22, question: 'x', options: ['a'] }], '/fields/0/options'],
      [[{ type: 21, question: 'x' }], '/fields/0/title'],
      [[{ type: 20, question: '', url: 'javascript:alert(1)' }], '/fields/0/url'],
      [[{ type: 24, question: '', description: 'x', required: true }], '/fields/0/required'],
      [[{ type: 25, question: 'k' }, { type: 25, question: 'k2' }], '/fields/1/type'],
    ] as const) {
      const res = await t.req('POST', '/workspaces/forms', { headers: a.headers, json: { name: 'Bad', fields } });
      assert.equal(res.status, 400, res.text);
      assert.equal(res.body.error.fields[0].pointer, pointer, res.text);
    }
    const noName = await t.req('POST', '/workspaces/forms', { headers: a.headers, json: { name: '   ' } });
    assert.equal(noName.status, 400);
    assert.equal(noName.body.error.fields[0].pointer, '/name');
    // An offset past what SQL takes was a 500 (found by the schema fuzzer).
    const farOffset = await t.req('GET', '/workspaces/forms?offset=1e%2B308', { headers: a.headers });
    assert.equal(farOffset.status, 400, farOffset.text);
    assert.equal(farOffset.body.error.code, 'validation_failed');
    assert.equal((await t.req('POST', '/workspaces/forms', { headers: editor.headers, json: { name: 'Editor form' } })).status, 403);
    assert.equal((await t.req('PUT', `/workspaces/forms/${full.id}`, { headers: editor.headers, json: { name: 'x' } })).status, 403);
    assert.equal((await t.req('GET', `/workspaces/forms/${full.id}`, { headers: b.headers })).status, 404);
    assert.equal((await t.req('PUT', `/workspaces/forms/${full.id}`, { headers: b.headers, json: { name: 'Stolen' } })).status, 404);
    assert.equal((await t.req('DELETE', `/workspaces/forms/${full.id}`, { headers: b.headers })).status, 404);
    assert.equal((await t.req('POST', '/workspaces/forms', { json: { name: 'x' } })).status, 401);
    assert.deepEqual(await formCounts(t), before);
  });

  test('core: update keeps the ids of fields sent back, archive sets status -1; both in history', async () => {
    const form = await createForm(t, a, { name: 'Editable', fields: [{ type: 22, question: 'Old' }, { type: 23, question: 'Gone' }] });
    const keep = form.fields.find((f) => f.type === 22);
    assert.ok(keep);
    const res = await t.req('PATCH', `/workspaces/forms/${form.id}`, {
      headers: a.headers,
      json: { name: 'Edited', status: 0, fields: [{ id: keep.id, type: 22, question: 'New' }, { type: 31, question: 'Mail' }] },
    });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.name, 'Edited');
    assert.equal(res.body.status, 0);
    assert.deepEqual(res.body.fields.map((f: { type: number }) => f.type), [29, 22, 31]);
    assert.equal(res.body.fields[1].id, keep.id);
    assert.equal(res.body.fields[1].content.question, 'New');
    const archived = await t.req('DELETE', `/workspaces/forms/${form.id}`, { headers: a.headers });
    assert.equal(archived.status, 200);
    assert.equal(archived.body.status, -1);
    const types = (await t.deps.db.selectFrom('history_events').select('type').where('record_id', '=', form.id).orderBy('sequence').execute()).map((e) => e.type);
    assert.deepEqual(types, ['form_created', 'form_updated', 'form_archived']);
    assert.ok((await t.req('GET', '/openapi.json')).body.paths['/workspaces/forms/{form_id}']);
  });

  test('F2: the seed\'s form shape; §1.5 item 18: content is a JSON document encoded as a string', async () => {
    const res = await t.req('GET', `/workstream/forms/${full.sequence}`, { headers: bearer(a) });
    assert.equal(res.status, 200, res.text);
    assertSameTypes(res.body, seedResponse('GET workstream/forms/{id}'));
    assert.equal(res.body.id, full.sequence);
    assert.equal(res.body.type, 'requestform');
    assert.equal(res.body.fields.length, ALL_FIELDS.length + 1);
    for (const f of res.body.fields) {
      assert.equal(typeof f.content, 'string');
      assert.equal(typeof JSON.parse(f.content), 'object');
      assert.equal(f.object_type, 1);
      assert.equal(f.object_id, full.sequence);
      assert.match(f.created_at, /^[0-9]{10}$/);
    }
    const checkbox = res.body.fields.find((f: { type: number }) => f.type === 17);
    assert.deepEqual(JSON.parse(checkbox.content).options.map((o: { label: string }) => o.label), ['Check 1', 'Check 2', 'Check 3']);
    const image = JSON.parse(res.body.fields.find((f: { type: number }) => f.type === 20).content);
    assert.deepEqual(Object.keys(image).sort(), ['filename', 'question', 'url']);
  });

  test('§1.5 item 19: "Task name" is the first required field of every form', async () => {
    const plain = await createForm(t, a, { name: 'No fields' });
    for (const form of [full, plain]) {
      const res = await t.req('GET', `/workstream/forms/${form.sequence}`, { headers: bearer(a) });
      const first = res.body.fields[0];
      assert.equal(first.type, 29);
      assert.equal(first.pos, 0);
      assert.deepEqual(JSON.parse(first.content), { question: 'Task name', required: true });
    }
  });

  test('F1: fields null, the seed\'s list shape, sorts, filters, datatable stats; members see active forms only', async () => {
    const inactive = await createForm(t, a, { name: 'AAA inactive', status: 0 });
    const res = await t.req('GET', '/workstream/forms?sort=name&sortdir=asc&limit=100', { headers: bearer(a) });
    assert.equal(res.status, 200, res.text);
    assertSameTypes(res.body, seedResponse('GET workstream/forms'));
    assert.ok(res.body.every((f: { fields: unknown; totals: unknown; stats: unknown }) => f.fields === null && f.totals === null && f.stats === null));
    const names = res.body.map((f: { name: string }) => f.name);
    assert.deepEqual(names, [...names].sort((x: string, y: string) => x.toLowerCase().localeCompare(y.toLowerCase())));
    assert.ok(names.includes('AAA inactive') && names.includes('Edited'));
    const statuses = await t.req('GET', '/workstream/forms?filter[status][]=0&filter[status][]=-1', { headers: bearer(a) });
    assert.deepEqual(statuses.body.map((f: { status: number }) => f.status).sort(), [-1, 0]);
    const ownerSeq = (await t.deps.db.selectFrom('users').select('sequence').where('id', '=', a.userId).executeTakeFirstOrThrow()).sequence;
    const mine = await t.req('GET', `/workstream/forms?filter[owner_id][]=${ownerSeq}`, { headers: bearer(a) });
    assert.equal(mine.body.length, res.body.length);
    assert.deepEqual((await t.req('GET', '/workstream/forms?filter[brandportal_id][]=1', { headers: bearer(a) })).body, []);
    const page = await t.req('GET', '/workstream/forms?sort=name&offset=1&limit=1', { headers: bearer(a) });
    assert.deepEqual(page.body.map((f: { id: number }) => f.id), [res.body[1].id]);
    const table = await t.req('GET', '/workstream/forms?datatable=1', { headers: bearer(a) });
    const row = table.body.find((f: { id: number }) => f.id === full.sequence);
    assert.deepEqual(row.totals, { tasks: 0, in_use_now: 0, completed: 0 });
    assert.deepEqual(row.stats, { ever_used: false, last_used: null, completion: 0, fields: ALL_FIELDS.length + 1 });
    // An editor (not an admin) sees active forms only, and gets 404 for the others.
    const asEditor = await t.req('GET', '/workstream/forms?limit=100', { headers: bearer(editor) });
    assert.ok(asEditor.body.length > 0 && asEditor.body.every((f: { status: number }) => f.status === 1));
    assertWsError(await t.req('GET', `/workstream/forms/${inactive.sequence}`, { headers: bearer(editor) }), 404, 'form_not_found');
  });

  test('F1/F2: bad input 422 naming the field; other tenants 404; missing or wrong auth 401', async () => {
    for (const [q, field] of [
      ['sort=colour', 'sort'],
      ['sortdir=up', 'sortdir'],
      ['limit=101', 'limit'],
      ['filter[status][]=2', 'filter.status.0'],
      ['filter[owner_id][]=x', 'filter.owner_id.0'],
      ['datatable=maybe', 'datatable'],
    ] as const) {
      const body = assertWsError(await t.req('GET', `/workstream/forms?${q}`, { headers: bearer(a) }), 422);
      assert.ok(Object.keys(body.errors).some((k) => k.startsWith(field)), `${q}: ${JSON.stringify(body.errors)}`);
    }
    assertWsError(await t.req('GET', `/workstream/forms/${full.sequence}`, { headers: bearer(b) }), 404, 'form_not_found');
    assert.deepEqual((await t.req('GET', '/workstream/forms', { headers: bearer(b) })).body, []);
    assertWsError(await t.req('GET', '/workstream/forms/abc', { headers: bearer(a) }), 422);
    assertWsError(await t.req('GET', '/workstream/forms'), 401);
    assertWsError(await t.req('GET', `/workstream/forms/${full.sequence}`, { headers: { authorization: 'Bearer nope' } }), 401);
  });
});
