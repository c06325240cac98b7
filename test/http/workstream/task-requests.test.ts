import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { describeEachDatabase, type TestApp } from '../../harness/app.js';
import type { Tenant } from '../../harness/factories.js';
import { makeImage } from '../../media/fixtures.js';
import { uploadRaw } from '../mudstack/assets-fixtures.js';
import { assertWsError, bearer, form, FORM, seqOf, wsStatuses } from './fixtures.js';
import { ALL_FIELDS, createForm, fieldOf } from './forms-fixtures.js';
import { assertSameTypes, seedResponse } from './seed.js';

type Form = Awaited<ReturnType<typeof createForm>>;

async function asset(t: TestApp, ten: Tenant, name: string): Promise<{ id: string; sequence: number }> {
  const res = await uploadRaw(t, ten, await makeImage('png', 64, 64), { file_name: name });
  assert.equal(res.status, 201, res.text);
  const row = await t.deps.db.selectFrom('assets').select(['id', 'sequence']).where('id', '=', res.body.id).executeTakeFirstOrThrow();
  return { id: row.id, sequence: Number(row.sequence) };
}

const writeCounts = async (t: TestApp) =>
  Promise.all((['tasks', 'task_assets', 'asset_tags', 'tags', 'history_events', 'notifications', 'guest_sessions'] as const).map((tb) => t.count(tb)));

describeEachDatabase('workstream: tasks from forms (T8), drafts, guests', (t) => {
  let a: Tenant;
  let admin2: Tenant;
  let editor: Tenant;
  let viewer: Tenant;
  let b: Tenant;
  let full: Form;
  let st: Record<string, { id: number }>;
  let pic: { id: string; sequence: number };
  let pic2: { id: string; sequence: number };

  before(async () => {
    a = await t.factory.tenant();
    admin2 = await t.factory.member(a, { workspace: 'admin' });
    editor = await t.factory.member(a, { workspace: 'editor' });
    viewer = await t.factory.member(a, { workspace: 'viewer' });
    b = await t.factory.tenant();
    full = await createForm(t, a, { name: 'Everything', fields: ALL_FIELDS });
    st = await wsStatuses(t, a);
    pic = await asset(t, a, 'pic.png');
    pic2 = await asset(t, a, 'pic2.png');
  });

  test('§1.5 item 2: only form_id gives an untitled draft; §1.5 item 1: a draft is seen only by its creator', async () => {
    const res = await t.req('POST', '/workstream/tasks', { headers: { ...bearer(editor), ...FORM }, payload: form([['form_id', full.sequence]]) });
    assert.equal(res.status, 200, res.text);
    assertSameTypes(res.body, seedResponse('GET workstream/tasks/{id}'));
    assert.equal(res.body.name, '');
    assert.equal(res.body.status, st.Draft?.id);
    assert.equal(res.body.form_id, full.sequence);
    assert.deepEqual(res.body.fields, []);
    const id = res.body.id;
    assert.equal((await t.req('GET', `/workstream/tasks/${id}`, { headers: bearer(editor) })).status, 200);
    // Admins see everything except other people's drafts; on the core API too.
    assertWsError(await t.req('GET', `/workstream/tasks/${id}`, { headers: bearer(a) }), 404, 'task_not_found');
    assertWsError(await t.req('GET', `/workstream/tasks/${id}`, { headers: bearer(admin2) }), 404);
    assert.ok(!(await t.req('GET', '/workstream/tasks?limit=100', { headers: bearer(a) })).body.some((x: { id: number }) => x.id === id));
    assert.ok((await t.req('GET', '/workstream/tasks?limit=100', { headers: bearer(editor) })).body.some((x: { id: number }) => x.id === id));
  });

  test('§1.5 item 3: updating a task can never set the draft status', async () => {
    const made = await t.req('POST', '/workstream/tasks', { headers: bearer(a), json: { form_id: full.sequence, name: 'Submitted', status: st.Pending?.id, fields: [{ id: fieldOf(full, 31), response: 'a@b.co' }, { id: fieldOf(full, 15), response: 'Drop 1' }] } });
    assert.equal(made.status, 200, made.text);
    const body = assertWsError(await t.req('PUT', `/workstream/tasks/${made.body.id}`, { headers: bearer(a), json: { status: st.Draft?.id } }), 422);
    assert.deepEqual(Object.keys(body.errors), ['status']);
    assert.equal((await t.req('GET', `/workstream/tasks/${made.body.id}`, { headers: bearer(a) })).body.status, st.Pending?.id);
  });

  test('the seed\'s create-task JSON, with this form\'s ids: submitted, mapped fields copied, answers stored and returned', async () => {
    const editorSeq = await seqOf(t, 'users', editor.userId);
    const seedBody = {
      form_id: full.sequence,
      name: 'Task created via API',
      status: st.Pending?.id,
      assetids: [pic.sequence],
      fields: [
        { id: fieldOf(full, 30), response: 'The task description.' },
        { id: fieldOf(full, 31), response: 'user@email.com' },
        { id: fieldOf(full, 28), response: editorSeq },
        { id: fieldOf(full, 26), response: 1522173658 },
        { id: fieldOf(full, 25), response: 'some,example,keywords' },
        { id: fieldOf(full, 22), response: 'a short answer' },
        { id: fieldOf(full, 23), response: 'a long, long, long, long, long answer' },
        { id: fieldOf(full, 15), response: 'Drop 3' },
        { id: fieldOf(full, 18), response: 1522173658 },
        { id: fieldOf(full, 17), response: ['Check 1', 'Check 3'] },
        { id: fieldOf(full, 16), response: 'Choice 2' },
        { id: fieldOf(full, 19), response: [{ id: String(pic2.sequence), filename: 'pic2.png' }] },
        { id: fieldOf(full, 21) },
      ],
    };
    const res = await t.req('POST', '/workstream/tasks', { headers: bearer(a), json: seedBody });
    assert.equal(res.status, 200, res.text);
    const task = res.body;
    assertSameTypes(task, seedResponse('GET workstream/tasks/{id}'));
    assert.equal(task.name, 'Task created via API');
    assert.equal(task.status, st.Pending?.id);
    assert.equal(task.description, 'The task description.');
    assert.equal(task.assignee_id, editorSeq);
    assert.equal(task.due_date, 1522173658);
    assert.equal(task.keywords, 'some,example,keywords');
    assert.equal(task.fields.length, seedBody.fields.length);
    assert.deepEqual(task.fields.find((f: { type: number }) => f.type === 17).response, ['Check 1', 'Check 3']);
    assert.deepEqual(task.fields.find((f: { type: number }) => f.type === 21).response, null);
    assert.deepEqual(task.fields.find((f: { type: number }) => f.type === 19).response, [{ id: String(pic2.sequence), filename: 'pic2.png' }]);
    // The same answers on GET, and on the core API as the same row.
    assert.deepEqual((await t.req('GET', `/workstream/tasks/${task.id}`, { headers: bearer(a) })).body.fields, task.fields);
    const core = (await t.req('GET', '/workspaces/tasks?limit=100', { headers: a.headers })).body;
    assert.ok(JSON.stringify(core).includes('Task created via API'));
    // assetids[] and the attachment are linked; keywords became tags of both.
    const linked = await t.req('GET', `/workstream/tasks/${task.id}/assets`, { headers: bearer(a) });
    assert.deepEqual(linked.body.map((x: { id: string }) => x.id), [String(pic.sequence), String(pic2.sequence)]);
    for (const x of [pic, pic2]) {
      const tags = await t.req('GET', `/workspaces/assets/${x.id}/tags`, { headers: a.headers });
      assert.deepEqual(tags.body.map((g: { name: string }) => g.name).sort(), ['example', 'keywords', 'some']);
    }
    // The assignee was notified; the form was used.
    const notes = await t.deps.db.selectFrom('notifications').select(['user_id', 'type']).where('type', '=', 'task_assigned').where('user_id', '=', editor.userId).execute();
    assert.equal(notes.length, 1);
    const events = await t.deps.db.selectFrom('history_events').select('type').where('type', '=', 'task_created').where('record_id', '=', (await t.deps.db.selectFrom('tasks').select('id').where('sequence', '=', task.id).executeTakeFirstOrThrow()).id).execute();
    assert.equal(events.length, 2);
    const table = await t.req('GET', '/workstream/forms?datatable=1', { headers: bearer(a) });
    const stats = table.body.find((f: { id: number }) => f.id === full.sequence);
    assert.equal(stats.stats.ever_used, true);
    assert.ok(stats.totals.tasks >= 2);
  });

  test('mapped answers top-level win over fields[]; PHP-style form body with fields[i][response][]', async () => {
    const payload = form([
      ['form_id', full.sequence],
      ['status', st.Pending?.id ?? 0],
      ['name', 'Top-level name'],
      ['fields[0][id]', fieldOf(full, 29)],
      ['fields[0][response]', 'Field name'],
      ['fields[1][id]', fieldOf(full, 17)],
      ['fields[1][response][]', 'Check 2'],
      ['fields[1][response][]', 'Check 3'],
      ['fields[2][id]', fieldOf(full, 31)],
      ['fields[2][response]', 'x@y.org'],
      ['fields[3][id]', fieldOf(full, 15)],
      ['fields[3][response]', 'Drop 2'],
      ['fields[4][id]', fieldOf(full, 25)],
      ['fields[4][response]', 'one, two'],
      ['assetids[]', pic.sequence],
    ]);
    const res = await t.req('POST', '/workstream/tasks', { headers: { ...bearer(editor), ...FORM }, payload });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.name, 'Top-level name');
    assert.equal(res.body.keywords, 'one, two');
    assert.deepEqual(res.body.fields.find((f: { type: number }) => f.type === 17).response, ['Check 2', 'Check 3']);
    const tags = await t.req('GET', `/workspaces/assets/${pic.id}/tags`, { headers: a.headers });
    assert.ok(tags.body.some((g: { name: string }) => g.name === 'two'));
    // Name only in fields[] is the task's name.
    const fromField = await t.req('POST', '/workstream/tasks', {
      headers: bearer(editor),
      json: { form_id: full.sequence, status: st.Pending?.id, fields: [{ id: fieldOf(full, 29), response: 'Named by field' }, { id: fieldOf(full, 31), response: 'x@y.org' }, { id: fieldOf(full, 15), response: 'Drop 1' }] },
    });
    assert.equal(fromField.status, 200, fromField.text);
    assert.equal(fromField.body.name, 'Named by field');
  });

  test('every field\'s response is checked by its type: 422 naming fields.i.response, nothing written', async () => {
    const before = await writeCounts(t);
    const bad: Array<[number, unknown, string?]> = [
      [15, 'Drop 9'],
      [16, ['Choice 1']],
      [17, ['Check 9']],
      [17, 'Nope'],
      [18, 'tomorrow'],
      [26, -5],
      [19, 'pic.png'],
      [19, [{ id: 'x', filename: 'a' }], 'fields.0.response.0.id'],
      [19, [{ id: 999999999, filename: 'a' }], 'fields.0.response.0.id'],
      [20, 'an answer'],
      [21, 'an answer'],
      [24, 'an answer'],
      [22, 'x'.repeat(256)],
      [25, 42],
      [28, 'someone'],
      [28, 999999999],
      [31, 'not-an-email'],
      [30, { html: true }],
    ];
    for (const [type, response, key] of bad) {
      const res = await t.req('POST', '/workstream/tasks', { headers: bearer(a), json: { form_id: full.sequence, fields: [{ id: fieldOf(full, type), response }] } });
      const body = assertWsError(res, 422);
      assert.deepEqual(Object.keys(body.errors), [key ?? 'fields.0.response'], `${type} ${JSON.stringify(response)}: ${res.text}`);
    }
    for (const [json, key] of [
      [{}, 'form_id'],
      [{ form_id: 'abc' }, 'form_id'],
      [{ form_id: full.sequence, fields: [{ id: 999999999, response: 'x' }] }, 'fields.0.id'],
      [{ form_id: full.sequence, name: 'x'.repeat(256) }, 'name'],
      [{ form_id: full.sequence, status: st.Pending?.id }, 'name'],
      [{ form_id: full.sequence, status: st.Pending?.id, name: 'Missing required' }, 'fields'],
      [{ form_id: full.sequence, status: 99999999 }, 'status'],
      [{ form_id: full.sequence, project_id: 5 }, 'project_id'],
      [{ form_id: full.sequence, assignee_id: 99999999 }, 'assignee_id'],
      [{ form_id: full.sequence, due_date: 'soon' }, 'due_date'],
      [{ form_id: full.sequence, color: 'red' }, 'color'],
    ] as const) {
      const body = assertWsError(await t.req('POST', '/workstream/tasks', { headers: bearer(a), json }), 422);
      assert.ok(Object.keys(body.errors).some((k) => k === key || k.startsWith(`${key}.`)), `${JSON.stringify(json)}: ${JSON.stringify(body.errors)}`);
    }
    // An inactive form takes no tasks.
    const off = await createForm(t, a, { name: 'Off', status: 0 });
    const mid = await writeCounts(t);
    assert.deepEqual(Object.keys(assertWsError(await t.req('POST', '/workstream/tasks', { headers: bearer(a), json: { form_id: off.sequence } }), 422).errors), ['form_id']);
    assert.deepEqual((await writeCounts(t)).slice(0, 6), before.slice(0, 6).map((n, i) => (i === 4 ? mid[4] ?? n : n)));
  });

  test('another tenant\'s form, asset, status or assignee: refused, nothing written; missing or wrong auth 401', async () => {
    const theirForm = await createForm(t, b, { name: 'B form' });
    const theirAsset = await asset(t, b, 'b.png');
    const before = await writeCounts(t);
    assertWsError(await t.req('POST', '/workstream/tasks', { headers: bearer(a), json: { form_id: theirForm.sequence } }), 422);
    assertWsError(await t.req('POST', '/workstream/tasks', { headers: bearer(a), json: { form_id: full.sequence, assetids: [theirAsset.sequence] } }), 404, 'asset_not_found');
    const bUser = await seqOf(t, 'users', b.userId);
    assertWsError(await t.req('POST', '/workstream/tasks', { headers: bearer(a), json: { form_id: full.sequence, assignee_id: bUser } }), 422);
    const bad = assertWsError(await t.req('POST', '/workstream/tasks', { headers: bearer(a), json: { form_id: full.sequence, fields: [{ id: fieldOf(full, 19), response: [{ id: theirAsset.sequence, filename: 'b.png' }] }] } }), 422);
    assert.deepEqual(Object.keys(bad.errors), ['fields.0.response.0.id']);
    assertWsError(await t.req('POST', '/workstream/tasks', { headers: bearer(b), json: { form_id: full.sequence } }), 422);
    assertWsError(await t.req('POST', '/workstream/tasks', { json: { form_id: full.sequence } }), 401);
    assertWsError(await t.req('POST', '/workstream/tasks', { headers: { authorization: 'Bearer nope' }, json: { form_id: full.sequence } }), 401);
    assert.deepEqual((await writeCounts(t)).slice(0, 5), before.slice(0, 5));
    // Viewers (Workstream's regular users) may submit requests too; they see only their own.
    const mine = await t.req('POST', '/workstream/tasks', { headers: bearer(viewer), json: { form_id: full.sequence, name: 'Viewer request' } });
    assert.equal(mine.status, 200, mine.text);
    const list = await t.req('GET', '/workstream/tasks?limit=100', { headers: bearer(viewer) });
    assert.deepEqual(list.body.map((x: { name: string }) => x.name), ['Viewer request']);
  });

  test('guests: a form open to guests is submitted without a token; its session_id lists and shows only its tasks', async () => {
    const open = await createForm(t, a, { name: 'Public', allow_guests: true, fields: [{ type: 31, question: 'Your e-mail', required: true }] });
    const mail = fieldOf(open, 31);
    const first = await t.req('POST', '/workstream/tasks', { json: { form_id: open.sequence, name: 'Guest request', status: st.Pending?.id, fields: [{ id: mail, response: 'guest@example.org' }] } });
    assert.equal(first.status, 200, first.text);
    assertSameTypes(first.body, seedResponse('GET workstream/tasks/{id}'));
    assert.equal(first.body.recipient, null);
    const session = String(first.headers['x-session-id']);
    assert.match(session, /^[A-Za-z0-9_-]{32}$/);
    assert.match(String(first.headers['set-cookie']), new RegExp(`session_id=${session};`));
    // The same session submits again (header); a new one is not made.
    const second = await t.req('POST', '/workstream/tasks', { headers: { 'x-session-id': session }, json: { form_id: open.sequence } });
    assert.equal(second.status, 200, second.text);
    assert.equal(second.headers['x-session-id'], session);
    assert.equal(await t.count('guest_sessions'), 1);
    const list = await t.req('GET', `/workstream/tasks?session_id=${session}`);
    assert.equal(list.status, 200, list.text);
    assert.deepEqual(list.body.map((x: { id: number }) => x.id), [second.body.id, first.body.id]);
    const byCookie = await t.req('GET', `/workstream/tasks/${first.body.id}`, { headers: { cookie: `session_id=${session}` } });
    assert.equal(byCookie.status, 200, byCookie.text);
    assert.equal(byCookie.body.name, 'Guest request');
    // Other tasks are not the session's; another session sees none of these; no session: 401.
    const other = await t.req('POST', '/workstream/tasks', { json: { form_id: open.sequence } });
    const otherSession = String(other.headers['x-session-id']);
    assert.notEqual(otherSession, session);
    assertWsError(await t.req('GET', `/workstream/tasks/${first.body.id}?session_id=${otherSession}`), 404, 'task_not_found');
    assert.deepEqual((await t.req('GET', `/workstream/tasks?session_id=${otherSession}`)).body.map((x: { id: number }) => x.id), [other.body.id]);
    const anyTask = (await t.req('GET', '/workstream/tasks?limit=100', { headers: bearer(a) })).body.find((x: { id: number }) => x.id !== first.body.id).id;
    assertWsError(await t.req('GET', `/workstream/tasks/${anyTask}?session_id=${session}`), 404);
    assertWsError(await t.req('GET', '/workstream/tasks'), 401);
    assertWsError(await t.req('GET', '/workstream/tasks?session_id=made-up-session-id-000000000'), 401);
    // Admins see the submitted guest task (not the guest drafts).
    const asAdmin = (await t.req('GET', '/workstream/tasks?limit=100', { headers: bearer(a) })).body.map((x: { id: number }) => x.id);
    assert.ok(asAdmin.includes(first.body.id) && !asAdmin.includes(second.body.id));
    // A form not open to guests: 401 without a token; guests cannot link assets; nothing written.
    const before = await writeCounts(t);
    assertWsError(await t.req('POST', '/workstream/tasks', { json: { form_id: full.sequence } }), 401);
    assertWsError(await t.req('POST', '/workstream/tasks', { json: { form_id: open.sequence, assetids: [pic.sequence] } }), 422);
    assertWsError(await t.req('POST', '/workstream/tasks', { json: { form_id: open.sequence, fields: [{ id: mail, response: 'nope' }] } }), 422);
    assert.deepEqual(await writeCounts(t), before);
  });

  test('T1 sorts by asset_count and form_name now that their data exists', async () => {
    const byAssets = await t.req('GET', '/workstream/tasks?sort=asset_count&sortdir=desc&limit=100', { headers: bearer(a) });
    assert.equal(byAssets.status, 200, byAssets.text);
    assert.equal(byAssets.body[0].name, 'Task created via API');
    const aaa = await createForm(t, a, { name: 'AAA first form' });
    const made = await t.req('POST', '/workstream/tasks', { headers: bearer(a), json: { form_id: aaa.sequence, name: 'From AAA', status: st.Pending?.id } });
    assert.equal(made.status, 200, made.text);
    const byForm = await t.req('GET', '/workstream/tasks?sort=form_name&limit=100', { headers: bearer(a) });
    assert.equal(byForm.body[0].name, 'From AAA');
    const desc = await t.req('GET', '/workstream/tasks?sort=form_name&sortdir=desc&limit=100', { headers: bearer(a) });
    assert.equal(desc.body.at(-1).name, 'From AAA');
  });
});
