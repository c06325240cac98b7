import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeEachDatabase } from '../../harness/app.js';
import type { Tenant } from '../../harness/factories.js';
import { uploadMultipart } from './assets-fixtures.js';

const MISSING = '00000000-0000-4000-8000-000000000000';

describeEachDatabase('asset statuses', (t) => {
  const upload = async (ten: Tenant, name = 'shot.txt'): Promise<{ id: string; [k: string]: any }> => {
    const res = await uploadMultipart(t, ten, { name, data: Buffer.from(`bytes of ${name}`) });
    assert.equal(res.status, 201, res.text);
    return res.body;
  };
  const statuses = async (ten: Tenant) => (await t.req('GET', '/workspaces/assetStatuses', { headers: ten.headers })).body;
  const counts = async () => [await t.count('asset_statuses'), await t.count('history_events'), await t.count('notifications')];

  test('a new workspace has default statuses in rank order (exact shape)', async () => {
    const ten = await t.factory.tenant();
    const res = await t.req('GET', '/workspaces/assetStatuses', { headers: ten.headers });
    assert.equal(res.status, 200);
    assert.deepEqual(
      res.body.map((s: Record<string, unknown>) => [s.name, s.color, s.rank]),
      [
        ['Not Started', '#9CA3AF', '0000001000'],
        ['In Progress', '#3B82F6', '0000002000'],
        ['In Review', '#F59E0B', '0000003000'],
        ['Approved', '#10B981', '0000004000'],
      ],
    );
    for (const s of res.body) {
      assert.deepEqual(Object.keys(s).sort(), ['color', 'created_by_user_id', 'id', 'name', 'rank', 'workspace_id']);
      assert.equal(s.workspace_id, ten.workspaceId);
      assert.equal(s.created_by_user_id, ten.userId);
    }
  });

  test('the seed example: find "In Progress" by name, PATCH the asset\'s status_id; the asset shows assetStatus', async () => {
    const ten = await t.factory.tenant();
    const asset = await upload(ten);
    assert.equal(asset.status_id, null);
    assert.equal(asset.assetStatus, null);
    assert.equal(asset.status, null);
    const list = await t.req('GET', '/workspaces/assetStatuses', { headers: ten.headers });
    const inProgress = list.body.find((s: { name: string }) => s.name === 'In Progress');
    const res = await t.req('PATCH', `/workspaces/assets/${asset.id}`, { headers: ten.headers, json: { status_id: inProgress.id } });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.status_id, inProgress.id);
    assert.deepEqual(res.body.assetStatus, inProgress);
    assert.equal(res.body.status, 'In Progress');
    const got = await t.req('GET', `/workspaces/assets/${asset.id}`, { headers: ten.headers });
    assert.deepEqual(got.body.assetStatus, inProgress);
    // Seed 000 reads the asset's `status` as a string: the status's name, following a rename.
    const renamed = await t.req('PUT', `/workspaces/assetStatuses/${inProgress.id}`, { headers: ten.headers, json: { name: 'Blocking' } });
    assert.equal(renamed.status, 200, renamed.text);
    assert.equal((await t.req('GET', `/workspaces/assets/${asset.id}`, { headers: ten.headers })).body.status, 'Blocking');
    const h = await t.deps.db.selectFrom('history_events').select(['type', 'data']).where('asset_id', '=', asset.id).orderBy('sequence', 'desc').executeTakeFirstOrThrow();
    assert.equal(h.type, 'asset_status_changed');
    assert.deepEqual(JSON.parse(h.data), { before: { status_id: null }, after: { status_id: inProgress.id } });
    // Clearing works too.
    const cleared = await t.req('PATCH', `/workspaces/assets/${asset.id}`, { headers: ten.headers, json: { status_id: null } });
    assert.equal(cleared.body.status_id, null);
    assert.equal(cleared.body.assetStatus, null);
    assert.equal(cleared.body.status, null);
  });

  test('POST /workspaces/assets/{id}/status sets and clears; allowed on an asset locked by someone else', async () => {
    const ten = await t.factory.tenant();
    const editor = await t.factory.member(ten, { workspace: 'editor' });
    const asset = await upload(ten);
    const [first, second] = await statuses(ten);
    await t.deps.db.updateTable('assets').set({ locked_by_user_id: ten.userId }).where('id', '=', asset.id).execute();
    const res = await t.req('POST', `/workspaces/assets/${asset.id}/status`, { headers: editor.headers, json: { status_id: second.id } });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.status_id, second.id);
    assert.deepEqual(res.body.assetStatus, second);
    assert.equal(res.body.locked_by_user_id, ten.userId);
    const again = await t.req('POST', `/workspaces/assets/${asset.id}/status`, { headers: editor.headers, json: { status_id: first.id } });
    assert.deepEqual(again.body.assetStatus, first);
    const h = await t.deps.db.selectFrom('history_events').select(['type', 'data', 'user_id']).where('asset_id', '=', asset.id).where('type', '=', 'asset_status_changed').orderBy('sequence').execute();
    assert.equal(h.length, 2);
    assert.equal(h[1]!.user_id, editor.userId);
    assert.deepEqual(JSON.parse(h[1]!.data), { before: { status_id: second.id }, after: { status_id: first.id, name: first.name } });
    const clear = await t.req('POST', `/workspaces/assets/${asset.id}/status`, { headers: editor.headers, json: { status_id: null } });
    assert.equal(clear.body.assetStatus, null);
  });

  test('create, update (PUT and PATCH) and delete statuses; delete clears assets\' status', async () => {
    const ten = await t.factory.tenant();
    const created = await t.req('POST', '/workspaces/assetStatuses', { headers: ten.headers, json: { name: 'Blocked', color: '#EF4444' } });
    assert.equal(created.status, 200, created.text);
    const blocked = created.body;
    assert.deepEqual({ ...blocked, id: 'x' }, { id: 'x', workspace_id: ten.workspaceId, name: 'Blocked', color: '#EF4444', rank: '0000005000', created_by_user_id: ten.userId });
    const first = await t.req('POST', '/workspaces/assetStatuses', { headers: ten.headers, json: { name: 'Backlog', rank: 5 } });
    assert.equal(first.body.rank, '0000000005');
    assert.equal(first.body.color, '#9CA3AF');
    const names = (await statuses(ten)).map((s: { name: string }) => s.name);
    assert.deepEqual(names, ['Backlog', 'Not Started', 'In Progress', 'In Review', 'Approved', 'Blocked']);

    const put = await t.req('PUT', `/workspaces/assetStatuses/${blocked.id}`, { headers: ten.headers, json: { name: 'On Hold', rank: '2500' } });
    assert.equal(put.status, 200, put.text);
    assert.deepEqual(put.body, { ...blocked, name: 'On Hold', rank: '0000002500' });
    const patch = await t.req('PATCH', `/workspaces/assetStatuses/${blocked.id}`, { headers: ten.headers, json: { color: '#000000' } });
    assert.deepEqual(patch.body, { ...blocked, name: 'On Hold', rank: '0000002500', color: '#000000' });
    assert.deepEqual((await statuses(ten)).map((s: { name: string }) => s.name), ['Backlog', 'Not Started', 'In Progress', 'On Hold', 'In Review', 'Approved']);

    const asset = await upload(ten);
    await t.req('POST', `/workspaces/assets/${asset.id}/status`, { headers: ten.headers, json: { status_id: blocked.id } });
    const del = await t.req('DELETE', `/workspaces/assetStatuses/${blocked.id}`, { headers: ten.headers });
    assert.equal(del.status, 200);
    assert.deepEqual(del.body, { ok: true });
    const got = await t.req('GET', `/workspaces/assets/${asset.id}`, { headers: ten.headers });
    assert.equal(got.body.status_id, null);
    assert.equal(got.body.assetStatus, null);
    const types = await t.deps.db.selectFrom('history_events').select('type').where('record_id', '=', blocked.id).orderBy('sequence').execute();
    assert.deepEqual(types.map((r) => r.type), ['asset_status_created', 'asset_status_updated', 'asset_status_updated', 'asset_status_deleted']);
    const last = await t.deps.db.selectFrom('history_events').select(['type', 'data']).where('asset_id', '=', asset.id).orderBy('sequence', 'desc').executeTakeFirstOrThrow();
    assert.equal(last.type, 'asset_status_changed');
    assert.equal(JSON.parse(last.data).reason, 'status_deleted');
  });

  test('bad input is 400 with fields; duplicate names 409; nothing written', async () => {
    const ten = await t.factory.tenant();
    const asset = await upload(ten);
    const [st] = await statuses(ten);
    const before = await counts();
    const cases: Array<[string, string, unknown, number, string?]> = [
      ['POST', '/workspaces/assetStatuses', {}, 400, '/name'],
      ['POST', '/workspaces/assetStatuses', { name: ' ' }, 400, '/name'],
      ['POST', '/workspaces/assetStatuses', { name: 'x', color: 'blue' }, 400, '/color'],
      ['POST', '/workspaces/assetStatuses', { name: 'x', rank: 'first' }, 400, '/rank'],
      ['POST', '/workspaces/assetStatuses', { name: 'x', rank: -1 }, 400, '/rank'],
      ['POST', '/workspaces/assetStatuses', { name: 'in progress' }, 409],
      ['PUT', `/workspaces/assetStatuses/${st.id}`, { name: 'Approved' }, 409],
      ['PATCH', `/workspaces/assetStatuses/${st.id}`, { bogus: 1 }, 400, '/bogus'],
      ['POST', `/workspaces/assets/${asset.id}/status`, {}, 400, '/status_id'],
      ['POST', `/workspaces/assets/${asset.id}/status`, { status_id: 'nope' }, 400, '/status_id'],
      ['PATCH', `/workspaces/assets/${asset.id}`, { status_id: 'nope' }, 400, '/status_id'],
    ];
    for (const [method, url, json, status, pointer] of cases) {
      const res = await t.req(method as 'POST', url, { headers: ten.headers, json });
      assert.equal(res.status, status, `${method} ${url} ${JSON.stringify(json)} ${res.text}`);
      if (pointer) {
        assert.equal(res.body.error.fields[0].pointer, pointer, JSON.stringify(json));
      } else {
        assert.equal(res.body.error.code, 'status_name_taken');
      }
    }
    assert.deepEqual(await counts(), before);
  });

  test('another tenant\'s statuses and assets are 404; nothing written', async () => {
    const ten = await t.factory.tenant();
    const other = await t.factory.tenant();
    const mine = await upload(ten);
    const theirs = await upload(other);
    const [myStatus] = await statuses(ten);
    const [theirStatus] = await statuses(other);
    const before = await counts();
    const cases: Array<[string, string, unknown?]> = [
      ['PUT', `/workspaces/assetStatuses/${theirStatus.id}`, { name: 'x' }],
      ['PATCH', `/workspaces/assetStatuses/${MISSING}`, { name: 'x' }],
      ['DELETE', `/workspaces/assetStatuses/${theirStatus.id}`],
      ['POST', `/workspaces/assets/${mine.id}/status`, { status_id: theirStatus.id }],
      ['PATCH', `/workspaces/assets/${mine.id}`, { status_id: theirStatus.id }],
      ['POST', `/workspaces/assets/${theirs.id}/status`, { status_id: myStatus.id }],
    ];
    for (const [method, url, json] of cases) {
      const res = await t.req(method as 'POST', url, { headers: ten.headers, ...(json ? { json } : {}) });
      assert.equal(res.status, 404, `${method} ${url} ${res.text}`);
    }
    assert.deepEqual(await counts(), before);
  });

  test('roles: status CRUD is for admins; setting a status needs asset.write; no token is 401', async () => {
    const ten = await t.factory.tenant();
    const editor = await t.factory.member(ten, { workspace: 'editor' });
    const viewer = await t.factory.member(ten, { workspace: 'viewer' });
    const asset = await upload(ten);
    const [st] = await statuses(ten);
    assert.equal((await t.req('GET', '/workspaces/assetStatuses', { headers: viewer.headers })).status, 200);
    const before = await counts();
    const denied: Array<[Tenant, string, string, unknown?]> = [
      [editor, 'POST', '/workspaces/assetStatuses', { name: 'x' }],
      [editor, 'PUT', `/workspaces/assetStatuses/${st.id}`, { name: 'x' }],
      [editor, 'DELETE', `/workspaces/assetStatuses/${st.id}`],
      [viewer, 'POST', `/workspaces/assets/${asset.id}/status`, { status_id: st.id }],
      [viewer, 'PATCH', `/workspaces/assets/${asset.id}`, { status_id: st.id }],
    ];
    for (const [who, method, url, json] of denied) {
      const res = await t.req(method as 'POST', url, { headers: who.headers, ...(json ? { json } : {}) });
      assert.equal(res.status, 403, `${method} ${url}`);
    }
    const noAuth = { 'x-account-id': ten.accountId, 'x-workspace-id': ten.workspaceId };
    assert.equal((await t.req('GET', '/workspaces/assetStatuses', { headers: noAuth })).status, 401);
    assert.equal((await t.req('POST', `/workspaces/assets/${asset.id}/status`, { headers: noAuth, json: { status_id: st.id } })).status, 401);
    assert.deepEqual(await counts(), before);
    const ok = await t.req('POST', `/workspaces/assets/${asset.id}/status`, { headers: editor.headers, json: { status_id: st.id } });
    assert.equal(ok.status, 200);
  });
});
