import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeEachDatabase } from '../../harness/app.js';
import type { Tenant } from '../../harness/factories.js';
import { bearer } from '../workstream/fixtures.js';
import { coreProject } from '../workstream/projects-fixtures.js';
import { createTask } from './tasks-fixtures.js';

describeEachDatabase('tasks: the project_id filter of GET /workspaces/tasks (the web app\'s project page)', (t) => {
  let ten: Tenant;
  let other: Tenant;
  let alpha: { id: string; sequence: number };
  let beta: { id: string; sequence: number };

  const titles = async (who: Tenant, query: Record<string, string>): Promise<string[]> => {
    const res = await t.req('GET', '/workspaces/tasks', { headers: who.headers, query });
    assert.equal(res.status, 200, res.text);
    return res.body.tasks.map((x: { title: string }) => x.title);
  };

  test('setup: tasks in two projects and none, put there with Workstream T2', async () => {
    ten = await t.factory.tenant();
    other = await t.factory.tenant();
    alpha = await coreProject(t, ten, { name: 'Alpha' });
    beta = await coreProject(t, ten, { name: 'Beta' });
    for (const [title, project] of [['Rig', alpha], ['Paint', alpha], ['Light', beta], ['Loose', null]] as const) {
      t.clock.advance(1);
      const task = await createTask(t, ten, { title });
      if (project) {
        const put = await t.req('PUT', `/workstream/tasks/${task.sequence}`, { headers: bearer(ten), json: { project_id: project.sequence } });
        assert.equal(put.status, 200, put.text);
      }
    }
  });

  test('only the project\'s tasks, newest first; combines with the other filters', async () => {
    assert.deepEqual(await titles(ten, { project_id: alpha.id }), ['Paint', 'Rig']);
    assert.deepEqual(await titles(ten, { project_id: beta.id }), ['Light']);
    assert.deepEqual(await titles(ten, { project_id: alpha.id, q: 'rig' }), ['Rig']);
    assert.deepEqual(await titles(ten, { project_id: alpha.id.toUpperCase() }), ['Paint', 'Rig']);
  });

  test('another tenant\'s project matches nothing; a non-id is 400 naming /project_id; no token is 401', async () => {
    assert.deepEqual(await titles(other, { project_id: alpha.id }), []);
    const bad = await t.req('GET', '/workspaces/tasks', { headers: ten.headers, query: { project_id: 'alpha' } });
    assert.equal(bad.status, 400, bad.text);
    assert.equal(bad.body.error.fields[0].pointer, '/project_id');
    const long = await t.req('GET', '/workspaces/tasks', { headers: ten.headers, query: { project_id: 'x'.repeat(101) } });
    assert.equal(long.status, 400);
    const anon = await t.req('GET', '/workspaces/tasks', { headers: { 'x-workspace-id': ten.workspaceId }, query: { project_id: alpha.id } });
    assert.equal(anon.status, 401);
  });
});
