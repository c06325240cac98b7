import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeEachDatabase } from '../../harness/app.js';
import { createTask, uploadAsset } from './tasks-fixtures.js';

/*
 * The guide in shared/seeds/000_10009da85e716f54.txt ("find tasks that are not Completed and fetch their assets"),
 * step by step as written, with only the base URL changed: no Atelier-specific header, parameter or field.
 */
describeEachDatabase('seed guide: tasks not Completed and their assets', (t) => {
  test('the guide runs verbatim', async () => {
    // Set-up through the API: tasks with statuses Pending and Completed pointing at uploaded assets.
    const ten = await t.factory.tenant();
    const editor = await t.factory.member(ten, { workspace: 'editor' });
    const hero = await uploadAsset(t, ten, 'example_asset.png');
    const villain = await uploadAsset(t, ten, 'villain.png');
    const done = await uploadAsset(t, ten, 'done.png');
    const task1 = await createTask(t, ten, { title: 'Paint hero', status: 'Pending', asset_id: hero.id, assignee_id: editor.userId });
    const task2 = await createTask(t, ten, { title: 'Ship done.png', status: 'Completed', asset_id: done.id });
    const task3 = await createTask(t, editor, { title: 'Rig villain', status: 'In Progress', asset_id: villain.id, priority: 'Low' });
    // The guide's asset example reads `"status": "Pending"`: the hero asset is in a workspace status of that name.
    const pending = await t.req('POST', '/workspaces/assetStatuses', { headers: ten.headers, json: { name: 'Pending' } });
    assert.equal(pending.status, 200, pending.text);
    const set = await t.req('PATCH', `/workspaces/assets/${hero.id}`, { headers: ten.headers, json: { status_id: pending.body.id } });
    assert.equal(set.status, 200, set.text);

    // Step 1: POST /auth/token with {account_id, key, secret} -> response.json()["token"]
    const auth = await t.req('POST', '/auth/token', { json: { account_id: ten.accountId, key: ten.key, secret: ten.secret } });
    assert.equal(auth.status, 200, auth.text);
    const token: string = auth.body.token;
    assert.equal(typeof token, 'string');

    // Step 2: GET /tasks with Authorization, x-workspace-id, x-account-id -> response.json()["tasks"]
    const headers = { Authorization: `Bearer ${token}`, 'x-workspace-id': ten.workspaceId, 'x-account-id': ten.accountId };
    const response = await t.req('GET', '/tasks', { headers });
    assert.equal(response.status, 200, response.text);
    const tasks: Array<{ id: string; status: string; asset_id: string }> = response.body.tasks;
    assert.deepEqual(
      tasks.map((x) => [x.id, x.status, x.asset_id]).sort(),
      [
        [task1.id, 'Pending', hero.id],
        [task2.id, 'Completed', done.id],
        [task3.id, 'In Progress', villain.id],
      ].sort(),
    );

    // Step 3: tasks.filter(task => task.status !== "Completed")
    const filteredTasks = tasks.filter((task) => task.status !== 'Completed');
    assert.deepEqual(filteredTasks.map((x) => x.id).sort(), [task1.id, task3.id].sort());

    // Step 4: GET /workspaces/assets/{task['asset_id']} for each, same headers -> the asset
    const fetched: Array<[string, string | null]> = [];
    for (const task of filteredTasks) {
      const res = await t.req('GET', `/workspaces/assets/${task['asset_id']}`, { headers });
      assert.equal(res.status, 200, res.text);
      assert.equal(res.body.id, task.asset_id);
      assert.equal(typeof res.body.name, 'string');
      fetched.push([res.body.name, res.body.status]);
    }
    assert.deepEqual(fetched.sort(), [['example_asset.png', 'Pending'], ['villain.png', null]]);

    // The same flow under the /v1 prefix and with `Authorization: Token`, which documented clients also use.
    const v1 = await t.req('GET', '/v1/tasks', { headers: { ...headers, Authorization: `Token ${token}` } });
    assert.equal(v1.status, 200, v1.text);
    assert.equal(v1.body.tasks.length, 3);
  });
});
