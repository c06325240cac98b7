import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeEachDatabase, type TestApp } from '../../harness/app.js';
import type { Tenant } from '../../harness/factories.js';
import { multipart, PNG_1x1, uploadRaw } from './assets-fixtures.js';

/** Row counts of everything a comment request may write. */
async function discussionCounts(t: TestApp): Promise<number[]> {
  return Promise.all((['comments', 'attachments', 'notifications', 'history_events', 'jobs'] as const).map((n) => t.count(n)));
}

async function notificationsOf(t: TestApp, userId: string): Promise<Array<{ type: string; data: Record<string, unknown> }>> {
  const rows = await t.deps.db.selectFrom('notifications').select(['type', 'data']).where('user_id', '=', userId).orderBy('sequence').execute();
  return rows.map((r) => ({ type: r.type, data: JSON.parse(r.data) as Record<string, unknown> }));
}

describeEachDatabase('comments', (t) => {
  const asset = async (ten: Tenant, name = 'hero.txt'): Promise<{ id: string; current_version_id: string }> => {
    const res = await uploadRaw(t, ten, Buffer.from(`content of ${name}`), { file_name: name });
    assert.equal(res.status, 201, res.text);
    return res.body;
  };
  const url = (assetId: string) => `/workspaces/assets/${assetId}/comments`;

  test('POST creates a comment with mentions (token and explicit), the documented shape, notifications and history', async () => {
    const ten = await t.factory.tenant();
    const ann = await t.factory.member(ten, { workspace: 'editor' });
    const bob = await t.factory.member(ten, { workspace: 'viewer' });
    const carl = await t.factory.member(ten, { workspace: 'viewer' });
    const a = await asset(ten);
    const res = await t.req('POST', url(a.id), {
      headers: ten.headers,
      json: {
        content: `Look at the hands @[${ann.userId}] and @[${ten.userId}]`,
        asset_version_id: a.current_version_id,
        mentions: [bob.userId],
        viewer_metadata: '{"timecode": 12.5}',
      },
    });
    assert.equal(res.status, 201, res.text);
    const c = res.body;
    assert.deepEqual(Object.keys(c).sort(), [
      'asset_id', 'asset_version_id', 'attachments', 'content', 'created_at', 'deleted_at', 'edited_at', 'id', 'mentions', 'parent_id',
      'replies_count', 'updated_at', 'user', 'user_id', 'viewer_metadata',
    ]);
    assert.equal(c.asset_id, a.id);
    assert.equal(c.asset_version_id, a.current_version_id);
    assert.equal(c.user_id, ten.userId);
    assert.equal(c.parent_id, null);
    assert.equal(c.content, `Look at the hands @[${ann.userId}] and @[${ten.userId}]`);
    assert.deepEqual(c.mentions, [bob.userId, ann.userId, ten.userId]);
    assert.deepEqual(c.viewer_metadata, { timecode: 12.5 });
    assert.deepEqual(c.attachments, []);
    assert.equal(c.replies_count, 0);
    assert.equal(c.edited_at, null);
    assert.equal(c.deleted_at, null);
    assert.equal(c.user.id, ten.userId);
    assert.equal(c.user.email, ten.email);
    assert.equal(c.user.auth0UserID, `atelier|${ten.userId}`);
    // Mentioned people are notified; the author (who mentioned themself) and bystanders are not.
    for (const who of [ann, bob]) {
      const n = await notificationsOf(t, who.userId);
      assert.equal(n.length, 1);
      assert.equal(n[0]?.type, 'mention');
      assert.equal(n[0]?.data.comment_id, c.id);
      assert.equal(n[0]?.data.asset_id, a.id);
    }
    assert.deepEqual(await notificationsOf(t, ten.userId), []);
    assert.deepEqual(await notificationsOf(t, carl.userId), []);
    // Through the notifications endpoint too.
    const listed = await t.req('GET', '/accounts/notifications', { headers: bob.headers });
    assert.equal(listed.status, 200);
    assert.equal(listed.body[0].type, 'mention');
    const h = await t.deps.db.selectFrom('history_events').select(['type', 'data', 'user_id']).where('record_id', '=', c.id).execute();
    assert.equal(h.length, 1);
    assert.equal(h[0]?.type, 'comment_created');
    assert.equal(h[0]?.user_id, ten.userId);
    assert.deepEqual(JSON.parse(h[0]?.data ?? '{}').after.content, c.content);
    // The list shows the same comment.
    const list = await t.req('GET', url(a.id), { headers: carl.headers });
    assert.equal(list.status, 200);
    assert.deepEqual(list.body, [c]);
  });

  test('replies: flat list with parent_id and replies_count; the parent author is notified; version filter', async () => {
    const ten = await t.factory.tenant();
    const viewer = await t.factory.member(ten, { workspace: 'viewer' });
    const a = await asset(ten);
    const watcher = await t.factory.member(ten, { workspace: 'viewer' });
    assert.equal((await t.req('POST', `/workspaces/assets/${a.id}/subscriptions`, { headers: watcher.headers })).status, 200);
    const top = (await t.req('POST', url(a.id), { headers: ten.headers, json: { content: 'Top', asset_version_id: a.current_version_id } })).body;
    const onAsset = (await t.req('POST', url(a.id), { headers: ten.headers, json: { content: 'On the asset' } })).body;
    assert.equal(onAsset.asset_version_id, null);
    const reply = await t.req('POST', url(a.id), { headers: viewer.headers, json: { content: 'A reply', parent_id: top.id } });
    assert.equal(reply.status, 201, reply.text);
    assert.equal(reply.body.parent_id, top.id);
    assert.equal(reply.body.asset_version_id, a.current_version_id, 'a reply takes its parent version');
    assert.equal(reply.body.user.id, viewer.userId);
    const n = await notificationsOf(t, ten.userId);
    assert.deepEqual(n.map((x) => x.type), ['comment_reply']);
    assert.equal(n[0]?.data.parent_id, top.id);
    assert.deepEqual(await notificationsOf(t, viewer.userId), []);
    // A subscriber of the asset hears of every new comment (one each).
    const watched = await notificationsOf(t, watcher.userId);
    assert.deepEqual(watched.map((x) => [x.type, x.data.event]), Array(3).fill(['subscribed_asset_changed', 'comment_created']));
    const list = await t.req('GET', url(a.id), { headers: ten.headers });
    assert.deepEqual(list.body.map((c: { id: string }) => c.id), [top.id, onAsset.id, reply.body.id]);
    assert.equal(list.body[0].replies_count, 1);
    assert.equal(list.body[1].replies_count, 0);
    const byVersion = await t.req('GET', url(a.id), { headers: ten.headers, query: { asset_version_id: a.current_version_id } });
    assert.deepEqual(byVersion.body.map((c: { id: string }) => c.id), [top.id, reply.body.id]);
  });

  test('PUT edits (author only), notifies newly mentioned people; DELETE soft-deletes, keeps replies', async () => {
    const ten = await t.factory.tenant();
    const editor = await t.factory.member(ten, { workspace: 'editor' });
    const viewer = await t.factory.member(ten, { workspace: 'viewer' });
    const a = await asset(ten);
    const c = (await t.req('POST', url(a.id), { headers: viewer.headers, json: { content: `Hi @[${editor.userId}]` } })).body;
    const reply = (await t.req('POST', url(a.id), { headers: editor.headers, json: { content: 'Re', parent_id: c.id } })).body;
    t.clock.advance(5);
    const notMine = await t.req('PUT', `${url(a.id)}/${c.id}`, { headers: ten.headers, json: { content: 'hijack' } });
    assert.equal(notMine.status, 403);
    const edited = await t.req('PUT', `${url(a.id)}/${c.id}`, { headers: viewer.headers, json: { content: `Hi @[${editor.userId}] @[${ten.userId}]`, viewer_metadata: { region: { x: 1, y: 2, w: 3, h: 4 } } } });
    assert.equal(edited.status, 200, edited.text);
    assert.equal(edited.body.content, `Hi @[${editor.userId}] @[${ten.userId}]`);
    assert.deepEqual(edited.body.mentions, [editor.userId, ten.userId]);
    assert.deepEqual(edited.body.viewer_metadata, { region: { x: 1, y: 2, w: 3, h: 4 } });
    assert.notEqual(edited.body.edited_at, null);
    assert.equal(edited.body.created_at, c.created_at);
    assert.equal(edited.body.replies_count, 1);
    assert.deepEqual((await notificationsOf(t, editor.userId)).map((n) => n.type), ['mention'], 'no second notification for an old mention');
    assert.deepEqual((await notificationsOf(t, ten.userId)).map((n) => n.type), ['mention']);
    // A viewer cannot delete someone else's comment; the author can; an admin can delete anyone's.
    const before = await discussionCounts(t);
    const forbidden = await t.req('DELETE', `${url(a.id)}/${reply.id}`, { headers: viewer.headers });
    assert.equal(forbidden.status, 403);
    assert.deepEqual(await discussionCounts(t), before);
    const del = await t.req('DELETE', `${url(a.id)}/${c.id}`, { headers: viewer.headers });
    assert.equal(del.status, 200);
    assert.deepEqual(del.body, { ok: true });
    const byAdmin = await t.req('DELETE', `${url(a.id)}/${reply.id}`, { headers: ten.headers });
    assert.equal(byAdmin.status, 200);
    const list = (await t.req('GET', url(a.id), { headers: ten.headers })).body;
    assert.equal(list.length, 2);
    assert.equal(list[0].content, '');
    assert.deepEqual(list[0].mentions, []);
    assert.notEqual(list[0].deleted_at, null);
    assert.equal(list[0].replies_count, 1);
    assert.equal(list[1].parent_id, c.id);
    assert.equal((await t.req('PUT', `${url(a.id)}/${c.id}`, { headers: viewer.headers, json: { content: 'x' } })).status, 404);
    assert.equal((await t.req('DELETE', `${url(a.id)}/${c.id}`, { headers: viewer.headers })).status, 404);
    const types = (await t.deps.db.selectFrom('history_events').select('type').where('record_id', '=', c.id).orderBy('sequence').execute()).map((r) => r.type);
    assert.deepEqual(types, ['comment_created', 'comment_edited', 'comment_deleted']);
  });

  test('bad input is 400 with fields and writes nothing', async () => {
    const ten = await t.factory.tenant();
    const other = await t.factory.tenant();
    const outsider = await t.factory.member(ten, { workspace: null });
    const a = await asset(ten);
    const before = await discussionCounts(t);
    const cases: Array<[unknown, string]> = [
      [{}, '/content'],
      [{ content: '   ' }, '/content'],
      [{ content: 'x', viewer_metadata: '{not json' }, '/viewer_metadata'],
      [{ content: 'x', viewer_metadata: '[1,2]' }, '/viewer_metadata'],
      [{ content: 'x', mentions: [other.userId] }, '/mentions/0'],
      [{ content: 'x', mentions: [outsider.userId] }, '/mentions/0'],
      [{ content: `hey @[${other.userId}]` }, '/content'],
      [{ content: 'x', mentions: { id: 'nope' } }, '/mentions'],
      // A JSON body is not coerced: a string where the list of ids belongs is a type error, not a list of one.
      [{ content: 'x', mentions: 'not-a-member' }, '/mentions'],
    ];
    for (const [json, pointer] of cases) {
      const res = await t.req('POST', url(a.id), { headers: ten.headers, json });
      assert.equal(res.status, 400, `${JSON.stringify(json)}: ${res.text}`);
      assert.equal(res.body.error.fields[0].pointer, pointer, JSON.stringify(json));
    }
    const c = (await t.req('POST', url(a.id), { headers: ten.headers, json: { content: 'ok' } })).body;
    const mid = await discussionCounts(t);
    const badEdit = await t.req('PUT', `${url(a.id)}/${c.id}`, { headers: ten.headers, json: { content: 'x', mentions: [other.userId] } });
    assert.equal(badEdit.status, 400);
    assert.equal((await t.req('GET', url(a.id), { headers: ten.headers })).body[0].content, 'ok');
    assert.deepEqual(await discussionCounts(t), mid);
    assert.equal(mid[0], (before[0] ?? 0) + 1);
  });

  test("another tenant's asset, version, comment and parent ids are 404; no token is 401", async () => {
    const ten = await t.factory.tenant();
    const other = await t.factory.tenant();
    const a = await asset(ten);
    const b = await asset(ten, 'second.txt');
    const theirs = await asset(other);
    const theirComment = (await t.req('POST', url(theirs.id), { headers: other.headers, json: { content: 'theirs' } })).body;
    const mine = (await t.req('POST', url(a.id), { headers: ten.headers, json: { content: 'mine' } })).body;
    const before = await discussionCounts(t);
    const cases: Array<[string, string, unknown, string]> = [
      ['POST', url(theirs.id), { content: 'x' }, 'asset_not_found'],
      ['GET', url(theirs.id), undefined, 'asset_not_found'],
      ['POST', url(a.id), { content: 'x', asset_version_id: theirs.current_version_id }, 'version_not_found'],
      ['POST', url(a.id), { content: 'x', asset_version_id: b.current_version_id }, 'version_not_found'],
      ['POST', url(a.id), { content: 'x', parent_id: theirComment.id }, 'comment_not_found'],
      ['PUT', `${url(a.id)}/${theirComment.id}`, { content: 'x' }, 'comment_not_found'],
      ['DELETE', `${url(a.id)}/${theirComment.id}`, undefined, 'comment_not_found'],
      ['PUT', `${url(b.id)}/${mine.id}`, { content: 'x' }, 'comment_not_found'],
      ['PUT', `${url(theirs.id)}/${theirComment.id}`, { content: 'x' }, 'asset_not_found'],
    ];
    for (const [method, u, json, code] of cases) {
      const res = await t.req(method as 'GET', u, { headers: ten.headers, ...(json !== undefined ? { json } : {}) });
      assert.equal(res.status, 404, `${method} ${u}: ${res.text}`);
      assert.equal(res.body.error.code, code);
    }
    const listWrongVersion = await t.req('GET', url(a.id), { headers: ten.headers, query: { asset_version_id: b.current_version_id } });
    assert.equal(listWrongVersion.status, 404);
    assert.deepEqual(await discussionCounts(t), before);
    assert.equal((await t.req('GET', url(a.id))).status, 401);
    assert.equal((await t.req('POST', url(a.id), { json: { content: 'x' } })).status, 401);
    assert.equal((await t.req('POST', url(a.id), { headers: { ...ten.headers, authorization: 'Bearer nope' }, json: { content: 'x' } })).status, 401);
  });

  test('a locked asset can be commented on; a trashed one cannot (409)', async () => {
    const ten = await t.factory.tenant();
    const editor = await t.factory.member(ten, { workspace: 'editor' });
    const a = await asset(ten);
    await t.deps.db.updateTable('assets').set({ locked_by_user_id: ten.userId }).where('id', '=', a.id).execute();
    assert.equal((await t.req('POST', url(a.id), { headers: editor.headers, json: { content: 'while locked' } })).status, 201);
    await t.deps.db.updateTable('assets').set({ is_active: 0, locked_by_user_id: null }).where('id', '=', a.id).execute();
    const before = await discussionCounts(t);
    const res = await t.req('POST', url(a.id), { headers: editor.headers, json: { content: 'in the trash' } });
    assert.equal(res.status, 409);
    assert.equal(res.body.error.code, 'asset_in_trash');
    assert.deepEqual(await discussionCounts(t), before);
    assert.equal((await t.req('GET', url(a.id), { headers: editor.headers })).status, 200);
  });

  test('multipart POST attaches a file in one go; files links an uploaded attachment', async () => {
    const ten = await t.factory.tenant();
    const viewer = await t.factory.member(ten, { workspace: 'viewer' });
    const a = await asset(ten);
    const mp = multipart({ content: 'See attached', mentions: viewer.userId, viewer_metadata: '{"timecode":3}' }, { name: 'ref.png', data: PNG_1x1, type: 'image/png' });
    const res = await t.req('POST', url(a.id), { headers: { ...ten.headers, ...mp.headers }, payload: mp.payload });
    assert.equal(res.status, 201, res.text);
    assert.equal(res.body.content, 'See attached');
    assert.deepEqual(res.body.mentions, [viewer.userId]);
    assert.deepEqual(res.body.viewer_metadata, { timecode: 3 });
    assert.equal(res.body.attachments.length, 1);
    const att = res.body.attachments[0];
    assert.equal(att.comment_id, res.body.id);
    assert.equal(att.name, 'ref.png');
    assert.equal(att.content_type, 'image/png');
    assert.equal(att.size, PNG_1x1.length);
    assert.equal(att.user.id, ten.userId);
    // An attachment uploaded first, then linked with `files`; someone else's cannot be linked.
    const up = multipart({ name: 'notes' }, { name: 'notes.txt', data: Buffer.from('notes') });
    const uploaded = await t.req('POST', `/workspaces/assets/${a.id}/attachments`, { headers: { ...viewer.headers, ...up.headers }, payload: up.payload });
    assert.equal(uploaded.status, 201, uploaded.text);
    const notYours = await t.req('POST', url(a.id), { headers: ten.headers, json: { content: 'x', files: [uploaded.body.id] } });
    assert.equal(notYours.status, 403);
    const linked = await t.req('POST', url(a.id), { headers: viewer.headers, json: { files: [uploaded.body.id] } });
    assert.equal(linked.status, 201, linked.text);
    assert.equal(linked.body.content, '');
    assert.deepEqual(linked.body.attachments.map((x: { id: string }) => x.id), [uploaded.body.id]);
    const again = await t.req('POST', url(a.id), { headers: viewer.headers, json: { content: 'x', files: [uploaded.body.id] } });
    assert.equal(again.status, 409);
    // Deleting the comment removes its attachments.
    await t.req('DELETE', `${url(a.id)}/${res.body.id}`, { headers: ten.headers });
    const remaining = (await t.req('GET', `/workspaces/assets/${a.id}/attachments`, { headers: ten.headers })).body;
    assert.deepEqual(remaining.map((x: { id: string }) => x.id), [uploaded.body.id]);
  });
});
