import assert from 'node:assert/strict';
import { test } from 'node:test';
import { enqueueJob } from '../../../src/jobs/queue.js';
import { describeEachDatabase, type TestApp } from '../../harness/app.js';
import type { Tenant } from '../../harness/factories.js';
import { acct } from './accounts-fixtures.js';
import { randomData, uploadRaw } from './assets-fixtures.js';

const DAY = 86400;
const SETTING_KEYS = ['default', 'description', 'id', 'key', 'updated_at', 'updated_by_user_id', 'value'];

const counts = (t: TestApp): Promise<number[]> => Promise.all([t.count('settings'), t.count('history_events')]);

describeEachDatabase('/workspaces/settings', (t) => {
  const statusId = async (ten: Tenant, name: string): Promise<string> => {
    const list = await t.req('GET', '/workspaces/assetStatuses', { headers: ten.headers });
    const found = list.body.find((s: { name: string }) => s.name === name);
    assert.ok(found, name);
    return found.id;
  };

  test('GET lists the workspace catalogue with defaults; PUT sets one with history; the account settings are untouched', async () => {
    const ten = await t.factory.tenant();
    const viewer = await t.factory.member(ten, { workspace: 'viewer' });
    const list = await t.req('GET', '/workspaces/settings', { headers: viewer.headers });
    assert.equal(list.status, 200, list.text);
    assert.deepEqual(list.body.map((s: { id: string; value: unknown; default: unknown }) => [s.id, s.value, s.default]), [
      ['trash_retention_days', null, null],
      ['default_asset_status_id', null, null],
    ]);
    assert.deepEqual(Object.keys(list.body[0]).sort(), SETTING_KEYS);
    assert.match(list.body[0].description, /account's trash_retention_days/);
    assert.equal(list.body[0].updated_at, null);

    const put = await t.req('PUT', '/workspaces/settings/trash_retention_days', { headers: ten.headers, json: { value: 7 } });
    assert.equal(put.status, 200, put.text);
    assert.deepEqual([put.body.id, put.body.key, put.body.value, put.body.default, put.body.updated_by_user_id], ['trash_retention_days', 'trash_retention_days', 7, null, ten.userId]);
    assert.match(put.body.updated_at, /^\d{4}-/);
    assert.equal((await t.req('PUT', '/workspaces/settings/trash_retention_days', { headers: ten.headers, json: { value: 9 } })).body.value, 9);
    const rows = await t.deps.db.selectFrom('settings').selectAll().where('account_id', '=', ten.accountId).execute();
    assert.deepEqual(rows.map((r) => [r.workspace_id, r.key, r.value]), [[ten.workspaceId, 'trash_retention_days', '9']]);
    const hist = await t.deps.db.selectFrom('history_events').select(['data', 'workspace_id']).where('type', '=', 'setting_updated').where('account_id', '=', ten.accountId).orderBy('sequence').execute();
    assert.deepEqual(hist.map((h) => [h.workspace_id, JSON.parse(h.data)]), [
      [ten.workspaceId, { key: 'trash_retention_days', before: null, after: 7 }],
      [ten.workspaceId, { key: 'trash_retention_days', before: 7, after: 9 }],
    ]);
    // The account's own setting and list do not see the workspace row.
    const account = await t.req('GET', '/accounts/settings', { headers: acct(ten) });
    assert.deepEqual(account.body.find((s: { id: string }) => s.id === 'trash_retention_days').value, 30);
    assert.equal(account.body.length, 4);
    // Another workspace of the same account keeps its defaults.
    const ws2 = await t.factory.workspace(ten);
    const other = await t.req('GET', '/workspaces/settings', { headers: { ...ten.headers, 'x-workspace-id': ws2 } });
    assert.equal(other.status, 200, other.text);
    assert.equal(other.body[0].value, null);
    // Back to the default with null.
    assert.equal((await t.req('PUT', '/workspaces/settings/trash_retention_days', { headers: ten.headers, json: { value: null } })).body.value, null);
    // A deleted workspace takes its settings with it.
    const h2 = { ...ten.headers, 'x-workspace-id': ws2 };
    assert.equal((await t.req('PUT', '/workspaces/settings/trash_retention_days', { headers: h2, json: { value: 3 } })).status, 200);
    const gone = await t.req('DELETE', '/workspaces', { headers: h2 });
    assert.equal(gone.status, 200, gone.text);
    assert.equal((await t.deps.db.selectFrom('settings').select('id').where('workspace_id', '=', ws2).execute()).length, 0);
  });

  test('default_asset_status_id: new assets start in that status; a new version keeps the asset\'s; null or a deleted status means none', async () => {
    const ten = await t.factory.tenant();
    const inReview = await statusId(ten, 'In Review');
    const set = await t.req('PUT', '/workspaces/settings/default_asset_status_id', { headers: ten.headers, json: { value: inReview } });
    assert.equal(set.status, 200, set.text);
    assert.equal(set.body.value, inReview);
    const a = await uploadRaw(t, ten, Buffer.from('a'), { file_name: 'a.txt' });
    assert.equal(a.status, 201, a.text);
    assert.equal(a.body.status_id, inReview);
    assert.equal(a.body.status, 'In Review');
    assert.equal(a.body.assetStatus.id, inReview);
    // The asset moves on; a new version does not put it back.
    const approved = await statusId(ten, 'Approved');
    assert.equal((await t.req('PATCH', `/workspaces/assets/${a.body.id}`, { headers: ten.headers, json: { status_id: approved } })).status, 200);
    const v2 = await uploadRaw(t, ten, Buffer.from('a2'), { file_name: 'a.txt' });
    assert.equal(v2.body.id, a.body.id);
    assert.equal(v2.body.status_id, approved);
    // A status deleted since is ignored, not an error.
    const temp = await t.req('POST', '/workspaces/assetStatuses', { headers: ten.headers, json: { name: 'Temp' } });
    await t.req('PUT', '/workspaces/settings/default_asset_status_id', { headers: ten.headers, json: { value: temp.body.id } });
    assert.equal((await t.req('DELETE', `/workspaces/assetStatuses/${temp.body.id}`, { headers: ten.headers })).status, 200);
    const b = await uploadRaw(t, ten, Buffer.from('b'), { file_name: 'b.txt' });
    assert.equal(b.status, 201, b.text);
    assert.equal(b.body.status_id, null);
    await t.req('PUT', '/workspaces/settings/default_asset_status_id', { headers: ten.headers, json: { value: null } });
    const c = await uploadRaw(t, ten, Buffer.from('c'), { file_name: 'c.txt' });
    assert.equal(c.body.status_id, null);
    // Another workspace of the account is not affected.
    await t.req('PUT', '/workspaces/settings/default_asset_status_id', { headers: ten.headers, json: { value: inReview } });
    const ws2 = await t.factory.workspace(ten);
    const elsewhere = await uploadRaw(t, { ...ten, headers: { ...ten.headers, 'x-workspace-id': ws2 } }, Buffer.from('d'), { file_name: 'd.txt' });
    assert.equal(elsewhere.status, 201, elsewhere.text);
    assert.equal(elsewhere.body.status_id, null);
  });

  test("trash_retention_days overrides the account's for this workspace only", async () => {
    const ten = await t.factory.tenant();
    const ws2 = await t.factory.workspace(ten);
    const h2 = { ...ten.headers, 'x-workspace-id': ws2 };
    assert.equal((await t.req('PUT', '/workspaces/settings/trash_retention_days', { headers: ten.headers, json: { value: 2 } })).status, 200);
    const short = await uploadRaw(t, ten, randomData(8), { file_name: 'short.bin' });
    const long = await uploadRaw(t, { ...ten, headers: h2 }, randomData(8), { file_name: 'long.bin' });
    assert.equal((await t.req('DELETE', `/workspaces/assets/${short.body.id}`, { headers: ten.headers })).status, 200);
    assert.equal((await t.req('DELETE', `/workspaces/assets/${long.body.id}`, { headers: h2 })).status, 200);
    const exists = async (id: string): Promise<boolean> => (await t.deps.db.selectFrom('assets').select('id').where('id', '=', id).executeTakeFirst()) !== undefined;
    t.clock.advance(2.5 * DAY);
    await enqueueJob(t.deps, 'trash.purge_expired', {});
    await t.jobs.runUntilIdle();
    assert.deepEqual([await exists(short.body.id), await exists(long.body.id)], [false, true]);
    t.clock.advance(28 * DAY);
    await enqueueJob(t.deps, 'trash.purge_expired', {});
    await t.jobs.runUntilIdle();
    assert.equal(await exists(long.body.id), false);
  });

  test('bad values 400 (/value), unknown keys 404, another tenant\'s status 404, editor and viewer 403, no token 401: nothing written', async () => {
    const ten = await t.factory.tenant();
    const other = await t.factory.tenant();
    const editor = await t.factory.member(ten, { workspace: 'editor' });
    const viewer = await t.factory.member(ten, { workspace: 'viewer' });
    const theirStatus = await statusId(other, 'Approved');
    await statusId(ten, 'Approved');
    const before = await counts(t);
    // Each message says what to change (the web app shows it under the field), not "Expected union value".
    const bad: Array<[string, unknown, string]> = [
      ['trash_retention_days', 0, 'Expected integer to be greater or equal to 1'],
      ['trash_retention_days', 3651, 'Expected integer to be less or equal to 3650'],
      ['trash_retention_days', 1.5, 'Expected integer or null'],
      ['trash_retention_days', '30', 'Expected integer or null'],
      ['default_asset_status_id', 'not-a-uuid', 'Expected string to match'],
      ['default_asset_status_id', 5, 'Expected string or null'],
    ];
    for (const [key, value, message] of bad) {
      const res = await t.req('PUT', `/workspaces/settings/${key}`, { headers: ten.headers, json: { value } });
      assert.equal(res.status, 400, `${key}=${JSON.stringify(value)}: ${res.text}`);
      assert.equal(res.body.error.fields[0].pointer, '/value');
      assert.ok(res.body.error.fields[0].message.startsWith(message), `${key}=${JSON.stringify(value)}: ${res.body.error.fields[0].message}`);
      assert.equal(res.body.error.message, `Invalid value for ${key}: ${res.body.error.fields[0].message}.`);
    }
    const foreign = await t.req('PUT', '/workspaces/settings/default_asset_status_id', { headers: ten.headers, json: { value: theirStatus } });
    assert.equal(foreign.status, 404);
    assert.equal(foreign.body.error.code, 'asset_status_not_found');
    for (const key of ['nope', 'max_upload_bytes', 'default_workspace_role', '__proto__', 'toString']) {
      const res = await t.req('PUT', `/workspaces/settings/${key}`, { headers: ten.headers, json: { value: 1 } });
      assert.equal(res.status, 404, `${key}: ${res.text}`);
      assert.equal(res.body.error.code, 'setting_not_found');
    }
    assert.equal((await t.req('PUT', '/workspaces/settings/trash_retention_days', { headers: ten.headers, json: {} })).status, 400);
    assert.equal((await t.req('PUT', '/workspaces/settings/trash_retention_days', { headers: editor.headers, json: { value: 5 } })).status, 403);
    assert.equal((await t.req('PUT', '/workspaces/settings/trash_retention_days', { headers: viewer.headers, json: { value: 5 } })).status, 403);
    // Another tenant's workspace in the header is refused before anything is read.
    const cross = await t.req('GET', '/workspaces/settings', { headers: { ...ten.headers, 'x-workspace-id': other.workspaceId } });
    assert.ok([403, 404].includes(cross.status), cross.text);
    const crossPut = await t.req('PUT', '/workspaces/settings/trash_retention_days', { headers: { ...ten.headers, 'x-workspace-id': other.workspaceId }, json: { value: 5 } });
    assert.ok([403, 404].includes(crossPut.status), crossPut.text);
    const noToken = { 'x-account-id': ten.accountId, 'x-workspace-id': ten.workspaceId };
    assert.equal((await t.req('GET', '/workspaces/settings', { headers: noToken })).status, 401);
    assert.deepEqual(await counts(t), before);
    assert.equal((await t.req('GET', '/workspaces/settings', { headers: other.headers })).body[1].value, null);
  });
});
