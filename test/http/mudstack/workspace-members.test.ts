import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Value } from '@sinclair/typebox/value';
import { randomUUID } from 'node:crypto';
import { WorkspaceMemberDetail } from '../../../src/http/surfaces/mudstack/workspaces.schemas.js';
import { describeEachDatabase, type TestApp } from '../../harness/app.js';

const noAuth = (h: Record<string, string>): Record<string, string> => ({ 'x-account-id': h['x-account-id'] ?? '', 'x-workspace-id': h['x-workspace-id'] ?? '' });

async function eventsOf(t: TestApp, userId: string) {
  return t.deps.db
    .selectFrom('history_events')
    .select(['type', 'user_id', 'workspace_id', 'record_id', 'data'])
    .where((eb) => eb.or([eb('user_id', '=', userId), eb('record_id', '=', userId)]))
    .where('type', 'like', '%workspace_member%')
    .orderBy('sequence')
    .execute();
}

describeEachDatabase('Workspace members', (t) => {
  test('GET /workspaces/members lists every member with its user', async () => {
    const ten = await t.factory.tenant();
    const viewer = await t.factory.member(ten, { workspace: 'viewer' });
    await t.factory.member(ten, { workspace: null });
    const res = await t.req('GET', '/workspaces/members', { headers: viewer.headers });
    assert.equal(res.status, 200);
    assert.equal(res.body.length, 2);
    for (const m of res.body) {
      assert.ok(Value.Check(WorkspaceMemberDetail, m));
    }
    assert.deepEqual(res.body.map((m: { user_id: string; roles: string[] }) => [m.user_id, m.roles]), [
      [ten.userId, ['admin']],
      [viewer.userId, ['viewer']],
    ]);
    const first = res.body[0];
    assert.equal(first.workspace_id, ten.workspaceId);
    assert.equal(first.user.id, ten.userId);
    assert.equal(first.user.email, ten.email);
    assert.equal(first.user.auth0UserID, `atelier|${ten.userId}`);
    assert.equal((await t.req('GET', '/workspaces/members', { headers: noAuth(ten.headers) })).status, 401);
    const other = await t.factory.tenant();
    assert.equal((await t.req('GET', '/workspaces/members', { headers: { ...ten.headers, 'x-workspace-id': other.workspaceId } })).status, 403);
  });

  test('POST /workspaces/members/{user_id}?roles= adds an account member and records history for both sides', async () => {
    const ten = await t.factory.tenant();
    const joiner = await t.factory.member(ten, { workspace: null });
    assert.equal((await t.req('GET', '/workspaces', { headers: joiner.headers })).status, 403);
    const before = await t.count('workspace_members');
    const res = await t.req('POST', `/workspaces/members/${joiner.userId}`, { headers: ten.headers, query: { roles: 'viewer' } });
    assert.equal(res.status, 200, res.text);
    assert.ok(Value.Check(WorkspaceMemberDetail, res.body));
    assert.deepEqual({ ...res.body, user: undefined }, { workspace_id: ten.workspaceId, user_id: joiner.userId, roles: ['viewer'], user: undefined });
    assert.equal(res.body.user.email, joiner.email);
    assert.equal(await t.count('workspace_members'), before + 1);
    assert.equal((await t.req('GET', '/workspaces', { headers: joiner.headers })).body.roles.roles[0], 'viewer');
    const events = await eventsOf(t, joiner.userId);
    assert.deepEqual(
      events.map((e) => ({ ...e, data: JSON.parse(e.data) })),
      [
        { type: 'workspace_member_added', user_id: ten.userId, workspace_id: ten.workspaceId, record_id: joiner.userId, data: { after: { roles: ['viewer'] } } },
        {
          type: 'user_workspace_member_add',
          user_id: joiner.userId,
          workspace_id: null,
          record_id: ten.workspaceId,
          data: { after: { roles: ['viewer'] }, workspace_id: ten.workspaceId, by_user_id: ten.userId },
        },
      ],
    );
    // A JSON body {roles} works too, as does roles[] in array form.
    const second = await t.factory.member(ten, { workspace: null });
    const json = await t.req('POST', `/workspaces/members/${second.userId}`, { headers: ten.headers, json: { roles: ['editor'] } });
    assert.equal(json.status, 200);
    assert.deepEqual(json.body.roles, ['editor']);
  });

  test('POST refuses another tenant’s user and strangers (404), duplicates (409) and bad roles (400), writing nothing', async () => {
    const ten = await t.factory.tenant();
    const other = await t.factory.tenant();
    const candidate = await t.factory.member(ten, { workspace: null });
    const counts = async () => [await t.count('workspace_members'), await t.count('history_events')];
    const before = await counts();
    for (const userId of [other.userId, randomUUID()]) {
      const res = await t.req('POST', `/workspaces/members/${userId}`, { headers: ten.headers, query: { roles: 'editor' } });
      assert.equal(res.status, 404);
      assert.equal(res.body.error.code, 'user_not_found');
    }
    const dup = await t.req('POST', `/workspaces/members/${ten.userId}`, { headers: ten.headers, query: { roles: 'editor' } });
    assert.equal(dup.status, 409);
    assert.equal(dup.body.error.code, 'member_exists');
    const bad: Array<[Parameters<TestApp['req']>[2], string, string]> = [
      [{}, 'query', '/roles'],
      [{ query: { roles: 'owner' } }, 'query', '/roles/0'],
      [{ query: { roles: ['viewer', 'editor'] } }, 'query', '/roles'],
      [{ json: { roles: ['superuser'] } }, 'body', '/roles/0'],
      [{ json: { roles: [] } }, 'body', '/roles'],
      [{ json: { role: 'viewer' } }, 'body', '/roles'],
    ];
    for (const [opts, part, pointer] of bad) {
      const res = await t.req('POST', `/workspaces/members/${candidate.userId}`, { ...opts, headers: ten.headers });
      assert.equal(res.status, 400, JSON.stringify(opts));
      assert.deepEqual([res.body.error.fields[0].in, res.body.error.fields[0].pointer], [part, pointer], JSON.stringify(opts));
    }
    const notUuid = await t.req('POST', '/workspaces/members/not-a-uuid', { headers: ten.headers, query: { roles: 'viewer' } });
    assert.equal(notUuid.status, 400);
    assert.equal(notUuid.body.error.fields[0].in, 'params');
    assert.deepEqual(await counts(), before);
  });

  test('POST needs workspace admin: editors and viewers get 403, no token 401', async () => {
    const ten = await t.factory.tenant();
    const editor = await t.factory.member(ten, { workspace: 'editor' });
    const viewer = await t.factory.member(ten, { workspace: 'viewer' });
    const candidate = await t.factory.member(ten, { workspace: null });
    const before = await t.count('workspace_members');
    for (const who of [editor, viewer]) {
      const res = await t.req('POST', `/workspaces/members/${candidate.userId}`, { headers: who.headers, query: { roles: 'viewer' } });
      assert.equal(res.status, 403);
    }
    const anon = await t.req('POST', `/workspaces/members/${candidate.userId}`, { headers: noAuth(ten.headers), query: { roles: 'viewer' } });
    assert.equal(anon.status, 401);
    assert.equal(await t.count('workspace_members'), before);
    // A workspace admin who is a plain account member may manage members.
    const wsAdmin = await t.factory.member(ten, { account: 'member', workspace: 'admin' });
    const ok = await t.req('POST', `/workspaces/members/${candidate.userId}`, { headers: wsAdmin.headers, query: { roles: 'editor' } });
    assert.equal(ok.status, 200);
  });

  test('PUT /workspaces/members/{user_id} changes the role; 404 for non-members and other tenants; 403 for editors', async () => {
    const ten = await t.factory.tenant();
    const member = await t.factory.member(ten, { workspace: 'viewer' });
    const res = await t.req('PUT', `/workspaces/members/${member.userId}`, { headers: ten.headers, json: { roles: ['editor'] } });
    assert.equal(res.status, 200, res.text);
    assert.deepEqual({ ...res.body, user: res.body.user.id }, { workspace_id: ten.workspaceId, user_id: member.userId, roles: ['editor'], user: member.userId });
    assert.equal((await t.req('GET', '/workspaces', { headers: member.headers })).body.roles.roles[0], 'editor');
    const viaQuery = await t.req('PUT', `/workspaces/members/${member.userId}`, { headers: ten.headers, query: { roles: 'admin' } });
    assert.deepEqual(viaQuery.body.roles, ['admin']);
    const events = (await eventsOf(t, member.userId)).filter((e) => e.type.includes('updated'));
    assert.deepEqual(events.map((e) => [e.type, JSON.parse(e.data).before.roles[0], JSON.parse(e.data).after.roles[0]]), [
      ['workspace_member_updated', 'viewer', 'editor'],
      ['user_workspace_member_updated', 'viewer', 'editor'],
      ['workspace_member_updated', 'editor', 'admin'],
      ['user_workspace_member_updated', 'editor', 'admin'],
    ]);
    const other = await t.factory.tenant();
    const notMember = await t.factory.member(ten, { workspace: null });
    const memberEvents = async () =>
      (await t.deps.db.selectFrom('history_events').select('id').where('type', 'like', '%workspace_member%').execute()).length;
    const history = await memberEvents();
    for (const userId of [other.userId, notMember.userId, randomUUID()]) {
      const r = await t.req('PUT', `/workspaces/members/${userId}`, { headers: ten.headers, json: { roles: ['viewer'] } });
      assert.equal(r.status, 404);
      assert.equal(r.body.error.code, 'workspace_member_not_found');
    }
    const bad = await t.req('PUT', `/workspaces/members/${member.userId}`, { headers: ten.headers, json: { roles: ['owner'] } });
    assert.equal(bad.status, 400);
    assert.deepEqual(bad.body.error.fields, [{ in: 'body', pointer: '/roles/0', message: 'must be one of admin, editor, viewer' }]);
    const editor = await t.factory.member(ten, { workspace: 'editor' });
    const denied = await t.req('PUT', `/workspaces/members/${editor.userId}`, { headers: editor.headers, json: { roles: ['admin'] } });
    assert.equal(denied.status, 403);
    const anon = await t.req('PUT', `/workspaces/members/${member.userId}`, { headers: noAuth(ten.headers), json: { roles: ['viewer'] } });
    assert.equal(anon.status, 401);
    assert.equal(await memberEvents(), history);
  });

  test('DELETE /workspaces/members/{user_id} removes access; yourself included; 404 twice or for other tenants', async () => {
    const ten = await t.factory.tenant();
    const member = await t.factory.member(ten, { workspace: 'editor' });
    const editor = await t.factory.member(ten, { workspace: 'editor' });
    const other = await t.factory.tenant();
    const denied = await t.req('DELETE', `/workspaces/members/${member.userId}`, { headers: editor.headers });
    assert.equal(denied.status, 403);
    assert.equal((await t.req('DELETE', `/workspaces/members/${member.userId}`, { headers: noAuth(ten.headers) })).status, 401);
    const before = await t.count('workspace_members');
    const res = await t.req('DELETE', `/workspaces/members/${member.userId}`, { headers: ten.headers });
    assert.equal(res.status, 200);
    assert.deepEqual(res.body, { ok: true });
    assert.equal(await t.count('workspace_members'), before - 1);
    assert.equal((await t.req('GET', '/workspaces', { headers: member.headers })).status, 403);
    const events = (await eventsOf(t, member.userId)).filter((e) => e.type.includes('remove'));
    assert.deepEqual(events.map((e) => [e.type, JSON.parse(e.data).before.roles]), [
      ['workspace_member_removed', ['editor']],
      ['user_workspace_member_remove', ['editor']],
    ]);
    const again = await t.req('DELETE', `/workspaces/members/${member.userId}`, { headers: ten.headers });
    assert.equal(again.status, 404);
    assert.equal((await t.req('DELETE', `/workspaces/members/${other.userId}`, { headers: ten.headers })).status, 404);
    assert.equal(await t.count('workspace_members'), before - 1);
    // A workspace admin may remove themselves; the account owner keeps acting as admin without a row.
    const wsAdmin = await t.factory.member(ten, { account: 'member', workspace: 'admin' });
    assert.equal((await t.req('DELETE', `/workspaces/members/${wsAdmin.userId}`, { headers: wsAdmin.headers })).status, 200);
    assert.equal((await t.req('GET', '/workspaces', { headers: wsAdmin.headers })).status, 403);
    assert.equal((await t.req('DELETE', `/workspaces/members/${ten.userId}`, { headers: ten.headers })).status, 200);
    const owner = await t.req('GET', '/workspaces', { headers: ten.headers });
    assert.equal(owner.status, 200);
    assert.equal(owner.body.roles, null);
  });
});
