import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { describeEachDatabase, type TestApp } from '../../harness/app.js';
import type { Tenant } from '../../harness/factories.js';
import { assertWsError, bearer, form, FORM, wsStatuses } from './fixtures.js';
import { createForm, fieldOf } from './forms-fixtures.js';
import { coreProject } from './projects-fixtures.js';
import { assertSameTypes, seedResponse } from './seed.js';

const writeCounts = async (t: TestApp) => Promise.all((['tasks', 'task_assets', 'history_events', 'notifications', 'guest_sessions'] as const).map((tb) => t.count(tb)));

/** T8 with a project: `project_id` top-level and the project field (type 27), as T13 takes it. */
describeEachDatabase('workstream: tasks from forms in a project (T8 project_id, field 27)', (t) => {
  let a: Tenant;
  let viewer: Tenant;
  let b: Tenant;
  let st: Record<string, { id: number }>;
  let launch: { id: string; sequence: number; [k: string]: any };
  let other: { id: string; sequence: number; [k: string]: any };
  let theirs: { id: string; sequence: number; [k: string]: any };
  let withProject: Awaited<ReturnType<typeof createForm>>;
  let projectField: number;
  let nameField: number;

  before(async () => {
    a = await t.factory.tenant();
    viewer = await t.factory.member(a, { workspace: 'viewer' });
    b = await t.factory.tenant();
    st = await wsStatuses(t, a);
    launch = await coreProject(t, a, { name: 'Launch' });
    other = await coreProject(t, a, { name: 'Other' });
    theirs = await coreProject(t, b, { name: 'Theirs' });
    withProject = await createForm(t, a, { name: 'Project request', fields: [{ type: 27, question: 'Which project?', required: true }] });
    projectField = fieldOf(withProject, 27);
    nameField = fieldOf(withProject, 29);
  });

  test('top-level project_id places the submitted task in the project: shape, T1 filter, the project\'s counts', async () => {
    const res = await t.req('POST', '/workstream/tasks', {
      headers: { ...bearer(viewer), ...FORM },
      payload: form([['form_id', withProject.sequence], ['name', 'For launch'], ['status', st.Pending?.id ?? 0], ['project_id', launch.sequence]]),
    });
    assert.equal(res.status, 200, res.text);
    assertSameTypes(res.body, seedResponse('GET workstream/tasks/{id}'));
    assert.equal(res.body.project_id, launch.sequence);
    assert.equal(res.body.project.type, 'requestproject');
    assert.equal(res.body.project.id, launch.sequence);
    assert.equal(res.body.project.name, 'Launch');
    const row = await t.deps.db.selectFrom('tasks').select(['id', 'project_id']).where('sequence', '=', res.body.id).executeTakeFirstOrThrow();
    assert.equal(row.project_id, launch.id);
    // The core task and the project see it.
    const filtered = await t.req('GET', `/workstream/tasks?filter[project_id][]=${launch.sequence}`, { headers: bearer(viewer) });
    assert.deepEqual(filtered.body.map((x: { id: number }) => x.id), [res.body.id]);
    const project = await t.req('GET', `/workstream/projects/${launch.sequence}`, { headers: bearer(a) });
    assert.equal(project.status, 200, project.text);
    assert.equal(project.body.tasks.remaining_count, 1);
    // The history event names the project.
    const event = await t.deps.db.selectFrom('history_events').select('data').where('record_id', '=', row.id).executeTakeFirstOrThrow();
    assert.equal(JSON.parse(String(event.data)).after.project_id, launch.id);
  });

  test('the project field (27) fills the project; a top-level project_id wins; an empty project_id is no project', async () => {
    const byField = await t.req('POST', '/workstream/tasks', {
      headers: bearer(a),
      json: { form_id: withProject.sequence, status: st.Pending?.id, fields: [{ id: nameField, response: 'By field' }, { id: projectField, response: String(other.sequence) }] },
    });
    assert.equal(byField.status, 200, byField.text);
    assert.equal(byField.body.name, 'By field');
    assert.equal(byField.body.project_id, other.sequence);
    assert.equal(byField.body.project.name, 'Other');
    // The answer is kept with the task like any other.
    assert.deepEqual(
      byField.body.fields.filter((f: { id: number }) => f.id === projectField).map((f: { response: unknown }) => f.response),
      [String(other.sequence)],
    );

    const both = await t.req('POST', '/workstream/tasks', {
      headers: bearer(a),
      json: { form_id: withProject.sequence, name: 'Both', status: st.Pending?.id, project_id: launch.sequence, fields: [{ id: projectField, response: other.sequence }] },
    });
    assert.equal(both.status, 200, both.text);
    assert.equal(both.body.project_id, launch.sequence);

    const draft = await t.req('POST', '/workstream/tasks', { headers: bearer(a), json: { form_id: withProject.sequence, project_id: '' } });
    assert.equal(draft.status, 200, draft.text);
    assert.equal(draft.body.project_id, null);
    assert.equal(draft.body.project, null);
  });

  test('a required project field: submitting without a project is 422 naming it; unknown and another tenant\'s projects are 422; nothing written', async () => {
    const theirForm = await createForm(t, b, { name: 'B form' });
    const before = await writeCounts(t);
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ form_id: withProject.sequence, name: 'No project', status: st.Pending?.id }, 'fields'],
      [{ form_id: withProject.sequence, name: 'Blank', status: st.Pending?.id, fields: [{ id: projectField, response: '' }] }, 'fields.0.response'],
      [{ form_id: withProject.sequence, name: 'Null', status: st.Pending?.id, project_id: null }, 'fields'],
      [{ form_id: withProject.sequence, project_id: theirs.sequence }, 'project_id'],
      [{ form_id: withProject.sequence, project_id: 99999999 }, 'project_id'],
      [{ form_id: withProject.sequence, project_id: 'launch' }, 'project_id'],
      [{ form_id: withProject.sequence, fields: [{ id: projectField, response: theirs.sequence }] }, 'fields.0.response'],
      [{ form_id: withProject.sequence, fields: [{ id: projectField, response: 99999999 }] }, 'fields.0.response'],
      [{ form_id: withProject.sequence, fields: [{ id: projectField, response: 'Launch' }] }, 'fields.0.response'],
    ];
    for (const [json, key] of cases) {
      const body = assertWsError(await t.req('POST', '/workstream/tasks', { headers: bearer(a), json }), 422);
      assert.deepEqual(Object.keys(body.errors), [key], `${JSON.stringify(json)}: ${JSON.stringify(body.errors)}`);
    }
    // Another tenant's user cannot reach this tenant's project either.
    assertWsError(await t.req('POST', '/workstream/tasks', { headers: bearer(b), json: { form_id: theirForm.sequence, project_id: launch.sequence } }), 422);
    assertWsError(await t.req('POST', '/workstream/tasks', { json: { form_id: withProject.sequence, project_id: launch.sequence } }), 401);
    assert.deepEqual(await writeCounts(t), before);
  });

  test('guests may not choose a project: the same 422 for an existing and an unknown id, nothing written', async () => {
    const open = await createForm(t, a, { name: 'Public with project', allow_guests: true, fields: [{ type: 27, question: 'Project' }] });
    const field = fieldOf(open, 27);
    const before = await writeCounts(t);
    const answers: string[] = [];
    for (const json of [
      { form_id: open.sequence, name: 'Guest', project_id: launch.sequence },
      { form_id: open.sequence, name: 'Guest', project_id: 99999999 },
      { form_id: open.sequence, name: 'Guest', fields: [{ id: field, response: launch.sequence }] },
      { form_id: open.sequence, name: 'Guest', fields: [{ id: field, response: 99999999 }] },
    ]) {
      const body = assertWsError(await t.req('POST', '/workstream/tasks', { json }), 422);
      answers.push(JSON.stringify(body.errors));
    }
    assert.equal(answers[0], answers[1]);
    assert.equal(answers[2], answers[3]);
    assert.match(answers[0] ?? '', /project_id.*guests cannot choose a project/);
    assert.deepEqual(await writeCounts(t), before);
    // Without a project the guest's request goes through.
    const ok = await t.req('POST', '/workstream/tasks', { json: { form_id: open.sequence, name: 'Guest' } });
    assert.equal(ok.status, 200, ok.text);
    assert.equal(ok.body.project_id, null);
  });
});
