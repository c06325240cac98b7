import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeEachDatabase } from '../../harness/app.js';
import type { Tenant } from '../../harness/factories.js';
import { coreProject, projectCounts, uploadAsset } from '../workstream/projects-fixtures.js';

describeEachDatabase('core API: a project\'s assets (/workspaces/projects/{id}/assets)', (t) => {
  let a: Tenant;
  let editor: Tenant;
  let viewer: Tenant;
  let b: Tenant;
  let project: { id: string };
  let one: string;
  let two: string;
  let foreign: string;

  test('setup', async () => {
    a = await t.factory.tenant();
    editor = await t.factory.member(a, { workspace: 'editor' });
    viewer = await t.factory.member(a, { workspace: 'viewer' });
    b = await t.factory.tenant();
    project = await coreProject(t, a, { name: 'Spring launch' });
    one = (await uploadAsset(t, a, Buffer.from('one'), { file_name: 'one.txt' })).id;
    two = (await uploadAsset(t, a, Buffer.from('two'), { file_name: 'two.txt' })).id;
    foreign = (await uploadAsset(t, b, Buffer.from('b'), { file_name: 'b.txt' })).id;
  });

  test('an editor links assets; the list shows them in link order with the core asset shape; the count follows', async () => {
    const linked = await t.req('POST', `/workspaces/projects/${project.id}/assets`, { headers: editor.headers, json: { asset_ids: [two, one] } });
    assert.equal(linked.status, 200, linked.text);
    assert.deepEqual(linked.body, { changed: [two, one] });
    const again = await t.req('POST', `/workspaces/projects/${project.id}/assets`, { headers: editor.headers, json: { asset_ids: [one] } });
    assert.deepEqual(again.body, { changed: [] });
    const list = await t.req('GET', `/workspaces/projects/${project.id}/assets`, { headers: viewer.headers });
    assert.equal(list.status, 200, list.text);
    assert.deepEqual(list.body.map((x: { id: string }) => x.id), [two, one]);
    assert.equal(list.body[1].name, 'one.txt');
    assert.equal(typeof list.body[1].sequence, 'number');
    const paged = await t.req('GET', `/workspaces/projects/${project.id}/assets`, { headers: a.headers, query: { offset: '1', limit: '1' } });
    assert.deepEqual(paged.body.map((x: { id: string }) => x.id), [one]);
    const got = await t.req('GET', `/workspaces/projects/${project.id}`, { headers: a.headers });
    assert.equal(got.body.asset_count, 2);
    const history = await t.deps.db.selectFrom('history_events').select(['type', 'asset_id']).where('type', '=', 'project_asset_linked').where('workspace_id', '=', a.workspaceId).execute();
    assert.equal(history.length, 2);
  });

  test('unlinking removes the link only; the asset stays in the library', async () => {
    const res = await t.req('DELETE', `/workspaces/projects/${project.id}/assets`, { headers: editor.headers, json: { asset_ids: [two] } });
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(res.body, { changed: [two] });
    const list = await t.req('GET', `/workspaces/projects/${project.id}/assets`, { headers: a.headers });
    assert.deepEqual(list.body.map((x: { id: string }) => x.id), [one]);
    assert.equal((await t.req('GET', `/workspaces/assets/${two}`, { headers: a.headers })).status, 200);
  });

  test('bad input: 400 in the core error shape, nothing written', async () => {
    const before = await projectCounts(t);
    for (const json of [{}, { asset_ids: [] }, { asset_ids: ['not-a-uuid'] }, { asset_ids: [one], extra: 1 }]) {
      const res = await t.req('POST', `/workspaces/projects/${project.id}/assets`, { headers: a.headers, json });
      assert.equal(res.status, 400, JSON.stringify(json));
      assert.equal(typeof res.body.error.code, 'string');
      assert.equal(typeof res.body.error.message, 'string');
    }
    const bad = await t.req('GET', `/workspaces/projects/${project.id}/assets`, { headers: a.headers, query: { limit: '0' } });
    assert.equal(bad.status, 400);
    assert.deepEqual(await projectCounts(t), before);
  });

  test('another tenant\'s project or asset: 404, nothing written', async () => {
    const before = await projectCounts(t);
    const other = await t.req('GET', `/workspaces/projects/${project.id}/assets`, { headers: b.headers });
    assert.equal(other.status, 404);
    const link = await t.req('POST', `/workspaces/projects/${project.id}/assets`, { headers: b.headers, json: { asset_ids: [foreign] } });
    assert.equal(link.status, 404);
    // One foreign id among good ones: 404 naming it, the good one not linked either.
    const mixed = await t.req('POST', `/workspaces/projects/${project.id}/assets`, { headers: a.headers, json: { asset_ids: [two, foreign] } });
    assert.equal(mixed.status, 404);
    assert.match(mixed.body.error.message, new RegExp(foreign));
    assert.deepEqual(await projectCounts(t), before);
    const unknown = await t.req('GET', '/workspaces/projects/00000000-0000-4000-8000-000000000000/assets', { headers: a.headers });
    assert.equal(unknown.status, 404);
  });

  test('a viewer may not link or unlink (403); no credentials: 401', async () => {
    const before = await projectCounts(t);
    const link = await t.req('POST', `/workspaces/projects/${project.id}/assets`, { headers: viewer.headers, json: { asset_ids: [two] } });
    assert.equal(link.status, 403);
    const unlink = await t.req('DELETE', `/workspaces/projects/${project.id}/assets`, { headers: viewer.headers, json: { asset_ids: [one] } });
    assert.equal(unlink.status, 403);
    const anon = await t.req('GET', `/workspaces/projects/${project.id}/assets`, { headers: { 'x-workspace-id': a.workspaceId } });
    assert.equal(anon.status, 401);
    assert.deepEqual(await projectCounts(t), before);
  });
});
