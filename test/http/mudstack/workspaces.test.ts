import assert from 'node:assert/strict';
import { test } from 'node:test';
import sharp from 'sharp';
import { Value } from '@sinclair/typebox/value';
import { Workspace, WorkspaceHistory } from '../../../src/http/surfaces/mudstack/workspaces.schemas.js';
import { describeEachDatabase, type TestApp } from '../../harness/app.js';
import { multipart, pngImage } from '../../harness/multipart.js';

const accountOnly = (h: Record<string, string>): Record<string, string> => ({ authorization: h.authorization ?? '', 'x-account-id': h['x-account-id'] ?? '' });
const inWorkspace = (h: Record<string, string>, workspaceId: string): Record<string, string> => ({ ...h, 'x-workspace-id': workspaceId });

async function historyOf(t: TestApp, workspaceId: string) {
  return t.deps.db.selectFrom('history_events').selectAll().where('workspace_id', '=', workspaceId).orderBy('sequence').execute();
}

describeEachDatabase('POST/PUT/DELETE /workspaces', (t) => {
  test('POST /workspaces?name= creates a workspace; the creator is its admin member', async () => {
    const ten = await t.factory.tenant();
    const before = { workspaces: await t.count('workspaces'), members: await t.count('workspace_members') };
    // The spec lists x-workspace-id on create too: accepted and ignored.
    const res = await t.req('POST', '/workspaces', { headers: ten.headers, query: { name: '  Concept Art ' } });
    assert.equal(res.status, 200, res.text);
    assert.ok(Value.Check(Workspace, res.body));
    const id = res.body.id;
    assert.notEqual(id, ten.workspaceId);
    assert.deepEqual({ ...res.body, sequence: undefined, created_at: undefined, updated_at: undefined }, {
      id,
      account_id: ten.accountId,
      name: 'Concept Art',
      thumbnail_file_id: null,
      defaultAvatar: 1,
      created_by_user_id: ten.userId,
      sequence: undefined,
      roles: { workspace_id: id, user_id: ten.userId, roles: ['admin'] },
      usage: { members: 1, storage: 0, assets: 0 },
      created_at: undefined,
      updated_at: undefined,
    });
    assert.match(res.body.sequence, /^\d+$/);
    assert.match(res.body.created_at, /^\d{4}-\d\d-\d\dT/);
    assert.equal(await t.count('workspaces'), before.workspaces + 1);
    assert.equal(await t.count('workspace_members'), before.members + 1);
    const history = await historyOf(t, id);
    assert.deepEqual(history.map((h) => [h.type, h.user_id, h.record_id]), [['workspace_created', ten.userId, id]]);
    // Only x-account-id is needed, and the new workspace is usable at once.
    const second = await t.req('POST', '/v1/workspaces', { headers: accountOnly(ten.headers), query: { name: 'Second' } });
    assert.equal(second.status, 200);
    const get = await t.req('GET', '/workspaces', { headers: inWorkspace(ten.headers, second.body.id) });
    assert.equal(get.status, 200);
    assert.equal(get.body.name, 'Second');
  });

  test('POST accepts the name in a JSON body or in the multipart body field, with a PNG thumbnail', async () => {
    const ten = await t.factory.tenant();
    const json = await t.req('POST', '/workspaces', { headers: ten.headers, json: { name: 'From JSON' } });
    assert.equal(json.status, 200, json.text);
    assert.equal(json.body.name, 'From JSON');
    const png = await pngImage(40, 30);
    const form = multipart([
      { name: 'body', value: JSON.stringify({ name: 'From form' }) },
      { name: 'file', value: png, filename: 'thumb.png', contentType: 'image/png' },
    ]);
    const res = await t.req('POST', '/workspaces', { headers: { ...ten.headers, ...form.headers }, payload: form.payload });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.name, 'From form');
    assert.match(res.body.thumbnail_file_id, /^[0-9a-f]{64}$/);
    const thumb = await t.app.inject({ method: 'GET', url: '/workspaces/thumbnail', headers: inWorkspace(ten.headers, res.body.id) });
    assert.equal(thumb.statusCode, 200);
    assert.equal(thumb.headers['content-type'], 'image/webp');
    const meta = await sharp(thumb.rawPayload).metadata();
    assert.deepEqual([meta.format, meta.width, meta.height], ['webp', 40, 30]);
    // Revalidation: the ETag is the content address.
    const again = await t.app.inject({
      method: 'GET',
      url: '/workspaces/thumbnail',
      headers: { ...inWorkspace(ten.headers, res.body.id), 'if-none-match': String(thumb.headers.etag) },
    });
    assert.equal(again.statusCode, 304);
    // Query name wins over a body name, and a plain `name` form field works too.
    const plain = multipart([{ name: 'name', value: 'Plain field' }]);
    const res2 = await t.req('POST', '/workspaces', { headers: { ...ten.headers, ...plain.headers }, payload: plain.payload });
    assert.equal(res2.body.name, 'Plain field');
    const both = await t.req('POST', '/workspaces', { headers: ten.headers, query: { name: 'Query' }, json: { name: 'Body' } });
    assert.equal(both.body.name, 'Query');
  });

  test('POST bad input is 400 with the field named, and writes nothing', async () => {
    const ten = await t.factory.tenant();
    const counts = async () => [await t.count('workspaces'), await t.count('workspace_members'), await t.count('history_events')];
    const before = await counts();
    const cases: Array<[Parameters<TestApp['req']>[2], string, string]> = [
      [{}, 'query', '/name'],
      [{ query: { name: '   ' } }, 'query', '/name'],
      [{ query: { name: 'x'.repeat(201) } }, 'query', '/name'],
      [{ json: { name: { first: 'x' } } }, 'body', '/name'],
      [{ json: { name: '' } }, 'body', '/name'],
      [{ json: { title: 'x' } }, 'body', '/title'],
      [{ json: {} }, 'query', '/name'],
    ];
    for (const [opts, part, pointer] of cases) {
      const res = await t.req('POST', '/workspaces', { ...opts, headers: ten.headers });
      assert.equal(res.status, 400, JSON.stringify(opts));
      assert.equal(res.body.error.fields[0].in, part, JSON.stringify(opts));
      assert.equal(res.body.error.fields[0].pointer, pointer, JSON.stringify(opts));
    }
    const badJsonField = multipart([{ name: 'body', value: '{"name":' }]);
    const r1 = await t.req('POST', '/workspaces', { headers: { ...ten.headers, ...badJsonField.headers }, payload: badJsonField.payload });
    assert.equal(r1.status, 400);
    assert.deepEqual(r1.body.error.fields, [{ in: 'body', pointer: '/body', message: 'must be a JSON object' }]);
    // A file that is not an image is refused before any row is written.
    const notImage = multipart([
      { name: 'file', value: Buffer.from('%PDF-1.4 definitely not an image'), filename: 'x.png', contentType: 'image/png' },
      { name: 'body', value: JSON.stringify({ name: 'Nope' }) },
    ]);
    const r2 = await t.req('POST', '/workspaces', { headers: { ...ten.headers, ...notImage.headers }, query: { name: 'Nope' }, payload: notImage.payload });
    assert.equal(r2.status, 415);
    assert.equal(r2.body.error.code, 'unsupported_media_type');
    const wrongPart = multipart([{ name: 'image', value: await pngImage(), filename: 'a.png', contentType: 'image/png' }]);
    const r3 = await t.req('POST', '/workspaces', { headers: { ...ten.headers, ...wrongPart.headers }, query: { name: 'Nope' }, payload: wrongPart.payload });
    assert.equal(r3.status, 400);
    assert.deepEqual(await counts(), before);
  });

  test('POST needs an account owner or admin (403), a token (401) and the caller’s own account (403)', async () => {
    const ten = await t.factory.tenant();
    const other = await t.factory.tenant();
    const member = await t.factory.member(ten, { account: 'member', workspace: 'admin' });
    const admin = await t.factory.member(ten, { account: 'admin', workspace: null });
    const before = await t.count('workspaces');
    const denied = await t.req('POST', '/workspaces', { headers: member.headers, query: { name: 'X' } });
    assert.equal(denied.status, 403);
    assert.equal(denied.body.error.code, 'permission_denied');
    const anon = await t.req('POST', '/workspaces', { headers: { 'x-account-id': ten.accountId }, query: { name: 'X' } });
    assert.equal(anon.status, 401);
    const foreign = await t.req('POST', '/workspaces', { headers: { ...accountOnly(ten.headers), 'x-account-id': other.accountId }, query: { name: 'X' } });
    assert.equal(foreign.status, 403);
    assert.equal(await t.count('workspaces'), before);
    const ok = await t.req('POST', '/workspaces', { headers: accountOnly(admin.headers), query: { name: 'By admin' } });
    assert.equal(ok.status, 200);
    assert.deepEqual(ok.body.roles.roles, ['admin']);
  });

  test('PUT renames with JSON, multipart (body={} + file) or query, and records before/after', async () => {
    const ten = await t.factory.tenant();
    const ws = await t.factory.workspace(ten, 'Old name');
    const h = inWorkspace(ten.headers, ws);
    const json = await t.req('PUT', '/workspaces', { headers: h, json: { name: 'New name' } });
    assert.equal(json.status, 200, json.text);
    assert.ok(Value.Check(Workspace, json.body));
    assert.equal(json.body.id, ws);
    assert.equal(json.body.name, 'New name');
    assert.equal(json.body.thumbnail_file_id, null);
    const form = multipart([{ name: 'body', value: '{}' }, { name: 'file', value: await pngImage(), filename: 't.png', contentType: 'image/png' }]);
    const withFile = await t.req('PUT', '/workspaces', { headers: { ...h, ...form.headers }, payload: form.payload });
    assert.equal(withFile.status, 200, withFile.text);
    assert.equal(withFile.body.name, 'New name');
    assert.match(withFile.body.thumbnail_file_id, /^[0-9a-f]{64}$/);
    const viaQuery = await t.req('PUT', '/workspaces', { headers: h, query: { name: 'Third' } });
    assert.equal(viaQuery.body.name, 'Third');
    assert.equal(viaQuery.body.thumbnail_file_id, withFile.body.thumbnail_file_id);
    const updates = (await historyOf(t, ws)).filter((e) => e.type === 'workspace_updated').map((e) => JSON.parse(e.data));
    assert.deepEqual(updates, [
      { before: { name: 'Old name', thumbnail_file_id: null }, after: { name: 'New name', thumbnail_file_id: null } },
      { before: { name: 'New name', thumbnail_file_id: null }, after: { name: 'New name', thumbnail_file_id: withFile.body.thumbnail_file_id } },
      { before: { name: 'New name', thumbnail_file_id: withFile.body.thumbnail_file_id }, after: { name: 'Third', thumbnail_file_id: withFile.body.thumbnail_file_id } },
    ]);
    // An empty update changes nothing and records nothing.
    const historyCount = await t.count('history_events');
    const empty = await t.req('PUT', '/workspaces', { headers: h, json: {} });
    assert.equal(empty.status, 200);
    assert.equal(empty.body.name, 'Third');
    assert.equal(await t.count('history_events'), historyCount);
  });

  test('PUT: bad input is 400, viewers and editors get 403, no token 401, and nothing changes', async () => {
    const ten = await t.factory.tenant();
    const editor = await t.factory.member(ten, { workspace: 'editor' });
    const viewer = await t.factory.member(ten, { workspace: 'viewer' });
    const other = await t.factory.tenant();
    const history = await t.count('history_events');
    for (const json of [{ name: ' ' }, { name: 'x'.repeat(201) }, { name: null }, { nom: 'x' }]) {
      const res = await t.req('PUT', '/workspaces', { headers: ten.headers, json });
      assert.equal(res.status, 400, JSON.stringify(json));
      assert.equal(res.body.error.fields[0].in, 'body');
    }
    for (const who of [editor, viewer]) {
      const res = await t.req('PUT', '/workspaces', { headers: who.headers, json: { name: 'Hijacked' } });
      assert.equal(res.status, 403);
      assert.equal(res.body.error.code, 'permission_denied');
    }
    const anon = await t.req('PUT', '/workspaces', { headers: { 'x-account-id': ten.accountId, 'x-workspace-id': ten.workspaceId }, json: { name: 'X' } });
    assert.equal(anon.status, 401);
    const foreign = await t.req('PUT', '/workspaces', { headers: inWorkspace(ten.headers, other.workspaceId), json: { name: 'X' } });
    assert.equal(foreign.status, 403);
    assert.equal((await t.req('GET', '/workspaces', { headers: ten.headers })).body.name, 'Main');
    assert.equal((await t.req('GET', '/workspaces', { headers: other.headers })).body.name, 'Main');
    assert.equal(await t.count('history_events'), history);
  });

  test('DELETE removes the workspace and its memberships but keeps its history; editors and viewers get 403', async () => {
    const ten = await t.factory.tenant();
    const ws = await t.factory.workspace(ten, 'Doomed');
    const h = inWorkspace(ten.headers, ws);
    const editor = await t.factory.member(ten, { workspace: null });
    await t.req('POST', `/workspaces/members/${editor.userId}`, { headers: h, query: { roles: ['editor'] } });
    const editorHeaders = inWorkspace(editor.headers, ws);
    const denied = await t.req('DELETE', '/workspaces', { headers: editorHeaders });
    assert.equal(denied.status, 403);
    const anon = await t.req('DELETE', '/workspaces', { headers: { 'x-account-id': ten.accountId, 'x-workspace-id': ws } });
    assert.equal(anon.status, 401);
    const before = { workspaces: await t.count('workspaces'), members: await t.count('workspace_members'), history: (await historyOf(t, ws)).length };
    const res = await t.req('DELETE', '/workspaces', { headers: h });
    assert.equal(res.status, 200);
    assert.deepEqual(res.body, { ok: true });
    assert.equal(await t.count('workspaces'), before.workspaces - 1);
    assert.equal(await t.count('workspace_members'), before.members - 2);
    const history = await historyOf(t, ws);
    assert.equal(history.length, before.history + 1);
    const last = history[history.length - 1];
    assert.equal(last?.type, 'workspace_deleted');
    assert.equal(JSON.parse(last?.data ?? '{}').before.name, 'Doomed');
    // The workspace is gone for everyone; the other workspace is untouched.
    assert.equal((await t.req('GET', '/workspaces', { headers: h })).status, 403);
    assert.equal((await t.req('GET', '/workspaces', { headers: ten.headers })).status, 200);
    // Its history is still readable in the account's event log.
    const kept = await t.deps.db.selectFrom('history_events').select('type').where('account_id', '=', ten.accountId).where('workspace_id', '=', ws).execute();
    assert.ok(kept.some((e) => e.type === 'workspace_created'));
  });
});

describeEachDatabase('GET /workspaces/thumbnail, /usage, /history', (t) => {
  test('thumbnail is 404 when none is set; a viewer can read it; 401 without a token', async () => {
    const ten = await t.factory.tenant();
    const none = await t.req('GET', '/workspaces/thumbnail', { headers: ten.headers });
    assert.equal(none.status, 404);
    assert.equal(none.body.error.code, 'thumbnail_not_found');
    const form = multipart([{ name: 'file', value: await pngImage(8, 8), filename: 't.png', contentType: 'image/png' }]);
    assert.equal((await t.req('PUT', '/workspaces', { headers: { ...ten.headers, ...form.headers }, payload: form.payload })).status, 200);
    const viewer = await t.factory.member(ten, { workspace: 'viewer' });
    const res = await t.app.inject({ method: 'GET', url: '/workspaces/thumbnail', headers: viewer.headers });
    assert.equal(res.statusCode, 200);
    assert.equal(res.headers['content-type'], 'image/webp');
    assert.equal((await sharp(res.rawPayload).metadata()).format, 'webp');
    const anon = await t.req('GET', '/workspaces/thumbnail', { headers: { 'x-account-id': ten.accountId, 'x-workspace-id': ten.workspaceId } });
    assert.equal(anon.status, 401);
  });

  test('usage counts members; another account’s workspace is refused', async () => {
    const ten = await t.factory.tenant();
    await t.factory.member(ten, { workspace: 'viewer' });
    await t.factory.member(ten, { workspace: null });
    const res = await t.req('GET', '/workspaces/usage', { headers: ten.headers });
    assert.equal(res.status, 200);
    assert.deepEqual(res.body, { members: 2, storage: 0, assets: 0 });
    const other = await t.factory.tenant();
    assert.equal((await t.req('GET', '/workspaces/usage', { headers: inWorkspace(ten.headers, other.workspaceId) })).status, 403);
    assert.equal((await t.req('GET', '/workspaces/usage', { headers: { 'x-account-id': ten.accountId, 'x-workspace-id': ten.workspaceId } })).status, 401);
  });

  test('history is newest first, paginated with limit + cursor and x-next-cursor, and scoped to the workspace', async () => {
    const ten = await t.factory.tenant();
    const other = await t.factory.tenant();
    for (const name of ['A', 'B', 'C']) {
      assert.equal((await t.req('PUT', '/workspaces', { headers: ten.headers, json: { name } })).status, 200);
    }
    await t.req('PUT', '/workspaces', { headers: other.headers, json: { name: 'Elsewhere' } });
    const viewer = await t.factory.member(ten, { workspace: 'viewer' });
    const page1 = await t.req('GET', '/workspaces/history', { headers: viewer.headers, query: { limit: '2' } });
    assert.equal(page1.status, 200);
    assert.equal(page1.body.length, 2);
    for (const e of page1.body) {
      assert.ok(Value.Check(WorkspaceHistory, e));
    }
    assert.deepEqual(page1.body[0], {
      id: page1.body[0].id,
      workspace_id: ten.workspaceId,
      user_id: ten.userId,
      type: 'workspace_updated',
      record_id: ten.workspaceId,
      data: { before: { name: 'B', thumbnail_file_id: null }, after: { name: 'C', thumbnail_file_id: null } },
      created_at: page1.body[0].created_at,
    });
    assert.equal(page1.body[1].data.after.name, 'B');
    const cursor = page1.headers['x-next-cursor'];
    assert.match(String(cursor), /^\d+$/);
    const page2 = await t.req('GET', '/workspaces/history', { headers: viewer.headers, query: { limit: '2', cursor: String(cursor) } });
    assert.deepEqual(page2.body.map((e: { type: string }) => e.type), ['workspace_updated', 'workspace_created']);
    assert.equal(page2.headers['x-next-cursor'], undefined);
    const all = await t.req('GET', '/workspaces/history', { headers: ten.headers });
    assert.equal(all.body.length, 4);
    assert.ok(all.body.every((e: { workspace_id: string }) => e.workspace_id === ten.workspaceId));
    const badQueries: Array<Record<string, string>> = [{ limit: '0' }, { limit: 'x' }, { cursor: '-1' }, { limit: '501' }];
    for (const query of badQueries) {
      const bad = await t.req('GET', '/workspaces/history', { headers: ten.headers, query });
      assert.equal(bad.status, 400, JSON.stringify(query));
      assert.equal(bad.body.error.fields[0].in, 'query');
    }
    assert.equal((await t.req('GET', '/workspaces/history', { headers: inWorkspace(ten.headers, other.workspaceId) })).status, 403);
    assert.equal((await t.req('GET', '/workspaces/history', { headers: { 'x-account-id': ten.accountId, 'x-workspace-id': ten.workspaceId } })).status, 401);
  });
});
