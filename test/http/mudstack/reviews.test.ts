import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeEachDatabase, type TestApp } from '../../harness/app.js';
import type { Tenant } from '../../harness/factories.js';
import { multipart, uploadRaw } from './assets-fixtures.js';

async function counts(t: TestApp): Promise<number[]> {
  return Promise.all((['reviews', 'review_requests', 'attachments', 'notifications', 'history_events'] as const).map((n) => t.count(n)));
}

async function notificationTypes(t: TestApp, userId: string): Promise<string[]> {
  const rows = await t.deps.db.selectFrom('notifications').select('type').where('user_id', '=', userId).orderBy('sequence').execute();
  return rows.map((r) => r.type);
}

describeEachDatabase('reviews', (t) => {
  const asset = async (ten: Tenant, name = 'hero.txt'): Promise<{ id: string; current_version_id: string }> => {
    const res = await uploadRaw(t, ten, Buffer.from(`content of ${name}`), { file_name: name });
    assert.equal(res.status, 201, res.text);
    return res.body;
  };
  const url = (assetId: string) => `/workspaces/assets/${assetId}/reviews`;

  test('POST with query parameters (the documented form): shape with nested version, user, assignee, attachments; notifications', async () => {
    const ten = await t.factory.tenant();
    const artist = await t.factory.member(ten, { workspace: 'editor' });
    const lead = await t.factory.member(ten, { workspace: 'viewer' });
    const producer = await t.factory.member(ten, { workspace: 'viewer' });
    const a = await asset(ten);
    const v2 = await uploadRaw(t, ten, Buffer.from('second'), { file_name: 'hero.txt' });
    const mp = multipart({ name: 'markup.txt' }, { name: 'markup.txt', data: Buffer.from('circle here') });
    const att = (await t.req('POST', `/workspaces/assets/${a.id}/attachments`, { headers: { ...lead.headers, ...mp.headers }, payload: mp.payload })).body;
    const res = await t.req('POST', url(a.id), {
      headers: lead.headers,
      query: {
        content: 'Hands need work',
        status: 'rejected',
        asset_version_id: a.current_version_id,
        assigned_user_id: artist.userId,
        mentions: [producer.userId],
        files: [att.id],
        viewer_metadata: JSON.stringify({ region: { x: 0.1, y: 0.2, w: 0.3, h: 0.2 } }),
      },
    });
    assert.equal(res.status, 200, res.text);
    const r = res.body;
    assert.deepEqual(Object.keys(r).sort(), [
      'asset_id', 'asset_version_id', 'assigned_user_id', 'assignee', 'attachments', 'content', 'created_at', 'id', 'mentions', 'status',
      'updated_at', 'user', 'user_id', 'version', 'viewer_metadata', 'workspace_id',
    ]);
    assert.equal(r.workspace_id, ten.workspaceId);
    assert.equal(r.asset_id, a.id);
    assert.equal(r.asset_version_id, a.current_version_id);
    assert.equal(r.user_id, lead.userId);
    assert.equal(r.assigned_user_id, artist.userId);
    assert.equal(r.status, 'changes_requested');
    assert.equal(r.content, 'Hands need work');
    assert.deepEqual(r.mentions, [producer.userId]);
    assert.deepEqual(r.viewer_metadata, { region: { x: 0.1, y: 0.2, w: 0.3, h: 0.2 } });
    assert.equal(r.user.id, lead.userId);
    assert.equal(r.assignee.id, artist.userId);
    assert.equal(r.assignee.email, artist.email);
    const version = await t.req('GET', `/workspaces/assets/${a.id}/versions/${a.current_version_id}`, { headers: ten.headers });
    assert.deepEqual(r.version, version.body);
    assert.equal(r.version.version_number, 1);
    assert.equal(r.attachments.length, 1);
    assert.deepEqual(r.attachments[0], { ...att, review_id: r.id });
    assert.deepEqual(await notificationTypes(t, artist.userId), ['changes_requested']);
    assert.deepEqual(await notificationTypes(t, producer.userId), ['mention']);
    assert.deepEqual(await notificationTypes(t, lead.userId), []);
    assert.deepEqual(await notificationTypes(t, ten.userId), []);
    const list = await t.req('GET', url(a.id), { headers: ten.headers });
    assert.deepEqual(list.body, [r]);
    // Defaults: status commented, the current version; a JSON body wins over the query.
    const d = await t.req('POST', url(a.id), { headers: lead.headers, query: { content: 'from query' }, json: { content: 'from body', viewer_metadata: { timecode: 12.5 } } });
    assert.equal(d.status, 200, d.text);
    assert.equal(d.body.content, 'from body');
    assert.equal(d.body.status, 'commented');
    assert.equal(d.body.asset_version_id, v2.body.current_version_id);
    assert.equal(d.body.version.version_number, 2);
    assert.equal(d.body.assignee, null);
    assert.deepEqual(d.body.viewer_metadata, { timecode: 12.5 });
    const h = await t.deps.db.selectFrom('history_events').select(['type', 'data']).where('record_id', '=', r.id).execute();
    assert.deepEqual(h.map((x) => x.type), ['review_created']);
    assert.equal(JSON.parse(h[0]?.data ?? '{}').after.status, 'changes_requested');
  });

  test('PUT by the author only; DELETE by the author or an admin (a viewer cannot delete others\')', async () => {
    const ten = await t.factory.tenant();
    const viewer = await t.factory.member(ten, { workspace: 'viewer' });
    const other = await t.factory.member(ten, { workspace: 'viewer' });
    const artist = await t.factory.member(ten, { workspace: 'editor' });
    const a = await asset(ten);
    const r = (await t.req('POST', url(a.id), { headers: viewer.headers, query: { content: 'ok', status: 'approved' } })).body;
    assert.equal((await t.req('PUT', `${url(a.id)}/${r.id}`, { headers: ten.headers, json: { content: 'x' } })).status, 403);
    const upd = await t.req('PUT', `${url(a.id)}/${r.id}`, { headers: viewer.headers, query: { status: 'changes_requested', assigned_user_id: artist.userId } });
    assert.equal(upd.status, 200, upd.text);
    assert.equal(upd.body.status, 'changes_requested');
    assert.equal(upd.body.content, 'ok');
    assert.equal(upd.body.assignee.id, artist.userId);
    assert.deepEqual(await notificationTypes(t, artist.userId), ['changes_requested']);
    const changeVersion = await t.req('PUT', `${url(a.id)}/${r.id}`, { headers: viewer.headers, json: { asset_version_id: a.current_version_id } });
    assert.equal(changeVersion.status, 400);
    const before = await counts(t);
    assert.equal((await t.req('DELETE', `${url(a.id)}/${r.id}`, { headers: other.headers })).status, 403);
    assert.deepEqual(await counts(t), before);
    const del = await t.req('DELETE', `${url(a.id)}/${r.id}`, { headers: viewer.headers });
    assert.deepEqual([del.status, del.body], [200, { ok: true }]);
    const r2 = (await t.req('POST', url(a.id), { headers: other.headers, query: { content: 'meh' } })).body;
    assert.equal((await t.req('DELETE', `${url(a.id)}/${r2.id}`, { headers: ten.headers })).status, 200);
    assert.deepEqual((await t.req('GET', url(a.id), { headers: ten.headers })).body, []);
    const h = await t.deps.db.selectFrom('history_events').select('type').where('record_id', '=', r.id).orderBy('sequence').execute();
    assert.deepEqual(h.map((x) => x.type), ['review_created', 'review_updated', 'review_deleted']);
  });

  test('bad input is 400 with fields and writes nothing', async () => {
    const ten = await t.factory.tenant();
    const other = await t.factory.tenant();
    const a = await asset(ten);
    const before = await counts(t);
    const cases: Array<[Record<string, string | string[]>, string, string]> = [
      [{}, 'query', '/content'],
      [{ content: 'x', status: 'maybe' }, 'query', '/status'],
      [{ content: 'x', viewer_metadata: '{"timecode":' }, 'query', '/viewer_metadata'],
      [{ content: 'x', viewer_metadata: '"a string"' }, 'query', '/viewer_metadata'],
      [{ content: 'x', mentions: [other.userId] }, 'query', '/mentions/0'],
    ];
    for (const [query, part, pointer] of cases) {
      const res = await t.req('POST', url(a.id), { headers: ten.headers, query });
      assert.equal(res.status, 400, `${JSON.stringify(query)}: ${res.text}`);
      assert.equal(res.body.error.fields[0].pointer, pointer);
      assert.equal(res.body.error.fields[0].in, part);
    }
    const inBody = await t.req('POST', url(a.id), { headers: ten.headers, json: { content: 'x', viewer_metadata: 'nope' } });
    assert.equal(inBody.status, 400);
    assert.deepEqual(inBody.body.error.fields[0], { in: 'body', pointer: '/viewer_metadata', message: 'must be a JSON object' });
    assert.deepEqual(await counts(t), before);
  });

  test("another tenant's asset, version, user, attachment and review ids are 404; trashed asset 409; 401", async () => {
    const ten = await t.factory.tenant();
    const other = await t.factory.tenant();
    const a = await asset(ten);
    const b = await asset(ten, 'b.txt');
    const theirs = await asset(other);
    const mp = multipart({}, { name: 'x.txt', data: Buffer.from('x') });
    const theirAtt = (await t.req('POST', `/workspaces/assets/${theirs.id}/attachments`, { headers: { ...other.headers, ...mp.headers }, payload: mp.payload })).body;
    const theirReview = (await t.req('POST', url(theirs.id), { headers: other.headers, query: { content: 'x' } })).body;
    const before = await counts(t);
    const cases: Array<[string, string, Record<string, string | string[]>, string]> = [
      ['POST', url(theirs.id), { content: 'x' }, 'asset_not_found'],
      ['POST', url(a.id), { content: 'x', asset_version_id: theirs.current_version_id }, 'version_not_found'],
      ['POST', url(a.id), { content: 'x', asset_version_id: b.current_version_id }, 'version_not_found'],
      ['POST', url(a.id), { content: 'x', assigned_user_id: other.userId }, 'user_not_found'],
      ['POST', url(a.id), { content: 'x', files: [theirAtt.id] }, 'attachment_not_found'],
      ['PUT', `${url(a.id)}/${theirReview.id}`, { content: 'x' }, 'review_not_found'],
      ['DELETE', `${url(a.id)}/${theirReview.id}`, {}, 'review_not_found'],
    ];
    for (const [method, u, query, code] of cases) {
      const res = await t.req(method as 'POST', u, { headers: ten.headers, query });
      assert.equal(res.status, 404, `${method} ${u} ${JSON.stringify(query)}: ${res.text}`);
      assert.equal(res.body.error.code, code);
    }
    assert.equal((await t.req('GET', url(theirs.id), { headers: ten.headers })).status, 404);
    assert.deepEqual(await counts(t), before);
    assert.equal((await t.req('GET', url(a.id))).status, 401);
    assert.equal((await t.req('POST', url(a.id), { query: { content: 'x' } })).status, 401);
    await t.deps.db.updateTable('assets').set({ is_active: 0 }).where('id', '=', a.id).execute();
    const trashed = await t.req('POST', url(a.id), { headers: ten.headers, query: { content: 'x' } });
    assert.equal(trashed.status, 409);
    assert.deepEqual(await counts(t), before);
  });
});
