import assert from 'node:assert/strict';
import { test } from 'node:test';
import { insertAccountMember, insertWorkspaceMember } from '../../../src/domain/accounts/accounts.service.js';
import { createApiKey } from '../../../src/domain/auth/api-keys.service.js';
import { describeEachDatabase } from '../../harness/app.js';
import { acct, historyOf, USER_KEYS } from './accounts-fixtures.js';

describeEachDatabase('/accounts/members', (t) => {
  test('GET lists every member with roles and the nested user', async () => {
    const ten = await t.factory.tenant();
    const admin = await t.factory.member(ten, { account: 'admin' });
    const member = await t.factory.member(ten, { account: 'member', workspace: null });
    await t.factory.tenant(); // another account's members never show up
    const res = await t.req('GET', '/accounts/members', { headers: acct(member) });
    assert.equal(res.status, 200);
    assert.deepEqual(
      res.body.map((m: { account_id: string; user_id: string; roles: string[] }) => [m.account_id, m.user_id, m.roles]),
      [[ten.accountId, ten.userId, ['owner']], [ten.accountId, admin.userId, ['admin']], [ten.accountId, member.userId, ['member']]],
    );
    assert.deepEqual(Object.keys(res.body[0]).sort(), ['account_id', 'roles', 'user', 'user_id']);
    assert.deepEqual(Object.keys(res.body[0].user).sort(), USER_KEYS);
    assert.equal(res.body[2].user.email, member.email);
    assert.equal((await t.req('GET', '/accounts/members', { headers: { 'x-account-id': ten.accountId } })).status, 401);
  });

  test('PUT changes a role (JSON or query) and writes account + user history', async () => {
    const ten = await t.factory.tenant();
    const member = await t.factory.member(ten);
    const res = await t.req('PUT', `/accounts/members/${member.userId}`, { headers: acct(ten), json: { roles: ['admin'] } });
    assert.equal(res.status, 200);
    assert.deepEqual({ ...res.body, user: res.body.user.id }, { account_id: ten.accountId, user_id: member.userId, roles: ['admin'], user: member.userId });
    const viaQuery = await t.req('PUT', `/accounts/members/${member.userId}?roles=member`, { headers: acct(ten) });
    assert.equal(viaQuery.status, 200);
    assert.deepEqual(viaQuery.body.roles, ['member']);
    const acc = await historyOf(t, { accountId: ten.accountId, type: 'member_updated' });
    assert.equal(acc.length, 2);
    assert.equal(acc[0]?.user_id, ten.userId);
    assert.equal(acc[0]?.record_id, member.userId);
    assert.deepEqual([acc[0]?.data.before, acc[0]?.data.after], [{ roles: ['member'] }, { roles: ['admin'] }]);
    const mine = await historyOf(t, { userId: member.userId, type: 'user_account_member_updated' });
    assert.equal(mine.length, 2);
    assert.equal(mine[0]?.account_id, null);
    assert.equal(mine[0]?.data.account_id, ten.accountId);
    assert.equal(mine[0]?.data.by_user_id, ten.userId);
  });

  test('PUT bad roles are 400 with the field, and nothing changes', async () => {
    const ten = await t.factory.tenant();
    const member = await t.factory.member(ten);
    const before = await t.count('history_events');
    const url = `/accounts/members/${member.userId}`;
    const cases: Array<[{ json?: unknown; query?: Record<string, string | string[]> }, string, string]> = [
      [{ json: { roles: ['boss'] } }, 'body', '/roles/0'],
      [{ json: { roles: [] } }, 'body', '/roles'],
      [{ json: { roles: ['admin', 'member'] } }, 'body', '/roles'],
      [{ json: {} }, 'body', '/roles'],
      [{ query: { roles: 'boss' } }, 'query', '/roles/0'],
      [{}, 'query', '/roles'],
    ];
    for (const [opts, part, pointer] of cases) {
      const res = await t.req('PUT', url, { headers: acct(ten), ...opts });
      assert.equal(res.status, 400, JSON.stringify(opts));
      assert.equal(res.body.error.fields[0].in, part, JSON.stringify(opts));
      assert.equal(res.body.error.fields[0].pointer, pointer, JSON.stringify(opts));
    }
    const malformed = await t.req('PUT', '/accounts/members/not-a-uuid', { headers: acct(ten), json: { roles: ['admin'] } });
    assert.equal(malformed.status, 400);
    assert.equal(await t.count('history_events'), before);
    const row = await t.deps.db.selectFrom('account_members').select('role').where('user_id', '=', member.userId).executeTakeFirstOrThrow();
    assert.equal(row.role, 'member');
  });

  test('another account\'s member or an unknown user id is 404', async () => {
    const ten = await t.factory.tenant();
    const other = await t.factory.tenant();
    const theirs = await t.factory.member(other);
    for (const id of [theirs.userId, other.userId, '00000000-0000-4000-8000-000000000000']) {
      const put = await t.req('PUT', `/accounts/members/${id}`, { headers: acct(ten), json: { roles: ['admin'] } });
      assert.equal(put.status, 404);
      assert.equal(put.body.error.code, 'account_member_not_found');
      const del = await t.req('DELETE', `/accounts/members/${id}`, { headers: acct(ten) });
      assert.equal(del.status, 404);
    }
    const row = await t.deps.db.selectFrom('account_members').select('role').where('user_id', '=', theirs.userId).executeTakeFirstOrThrow();
    assert.equal(row.role, 'member');
  });

  test('roles: members may not manage; admins may not touch owners; only owners grant owner', async () => {
    const ten = await t.factory.tenant();
    const admin = await t.factory.member(ten, { account: 'admin' });
    const member = await t.factory.member(ten);
    const other = await t.factory.member(ten);
    const byMember = await t.req('PUT', `/accounts/members/${other.userId}`, { headers: acct(member), json: { roles: ['admin'] } });
    assert.equal(byMember.status, 403);
    assert.equal(byMember.body.error.code, 'permission_denied');
    assert.equal((await t.req('DELETE', `/accounts/members/${other.userId}`, { headers: acct(member) })).status, 403);
    const grantOwner = await t.req('PUT', `/accounts/members/${member.userId}`, { headers: acct(admin), json: { roles: ['owner'] } });
    assert.equal(grantOwner.status, 403);
    assert.equal(grantOwner.body.error.code, 'owner_required');
    const demoteOwner = await t.req('PUT', `/accounts/members/${ten.userId}`, { headers: acct(admin), json: { roles: ['member'] } });
    assert.equal(demoteOwner.status, 403);
    assert.equal((await t.req('DELETE', `/accounts/members/${ten.userId}`, { headers: acct(admin) })).status, 403);
    // Admins manage members and admins.
    assert.equal((await t.req('PUT', `/accounts/members/${member.userId}`, { headers: acct(admin), json: { roles: ['admin'] } })).status, 200);
    // Owners grant owner.
    const promoted = await t.req('PUT', `/accounts/members/${member.userId}`, { headers: acct(ten), json: { roles: ['owner'] } });
    assert.equal(promoted.status, 200);
    assert.deepEqual(promoted.body.roles, ['owner']);
  });

  test('the last owner cannot be demoted or removed (409); with two owners one may go', async () => {
    const ten = await t.factory.tenant();
    const before = await t.count('history_events');
    const demote = await t.req('PUT', `/accounts/members/${ten.userId}`, { headers: acct(ten), json: { roles: ['admin'] } });
    assert.equal(demote.status, 409);
    assert.equal(demote.body.error.code, 'last_owner');
    const remove = await t.req('DELETE', `/accounts/members/${ten.userId}`, { headers: acct(ten) });
    assert.equal(remove.status, 409);
    assert.equal(await t.count('history_events'), before);
    const second = await t.factory.member(ten, { account: 'owner' });
    const ok = await t.req('PUT', `/accounts/members/${ten.userId}`, { headers: acct(second), json: { roles: ['admin'] } });
    assert.equal(ok.status, 200);
    const nowLast = await t.req('PUT', `/accounts/members/${second.userId}`, { headers: acct(second), json: { roles: ['member'] } });
    assert.equal(nowLast.status, 409);
  });

  test('DELETE removes the member, their workspace memberships here, and revokes their keys here', async () => {
    const ten = await t.factory.tenant();
    const ws2 = await t.factory.workspace(ten);
    const member = await t.factory.member(ten, { account: 'member', workspace: 'editor' });
    await insertWorkspaceMember(t.deps, { workspaceId: ws2, userId: member.userId, role: 'viewer' });
    // The same user in another account keeps that membership and key.
    const other = await t.factory.tenant();
    await insertAccountMember(t.deps, { accountId: other.accountId, userId: member.userId, role: 'member' });
    await insertWorkspaceMember(t.deps, { workspaceId: other.workspaceId, userId: member.userId, role: 'editor' });
    await createApiKey(t.deps, { accountId: other.accountId, userId: member.userId, name: 'other' });

    assert.equal((await t.req('GET', '/accounts', { headers: acct(member) })).status, 200);
    const res = await t.req('DELETE', `/accounts/members/${member.userId}`, { headers: acct(ten) });
    assert.equal(res.status, 200);
    assert.deepEqual(res.body, { ok: true });
    const db = t.deps.db;
    assert.equal(await db.selectFrom('account_members').select('id').where('account_id', '=', ten.accountId).where('user_id', '=', member.userId).executeTakeFirst(), undefined);
    const wsRows = await db.selectFrom('workspace_members').select('workspace_id').where('user_id', '=', member.userId).execute();
    assert.deepEqual(wsRows.map((r) => r.workspace_id), [other.workspaceId]);
    const keys = await db.selectFrom('api_keys').select(['account_id', 'revoked_at']).where('user_id', '=', member.userId).execute();
    assert.ok(keys.filter((k) => k.account_id === ten.accountId).every((k) => k.revoked_at !== null));
    assert.equal(keys.find((k) => k.account_id === other.accountId)?.revoked_at, null);
    // Their token for this account no longer works.
    assert.equal((await t.req('GET', '/accounts', { headers: acct(member) })).status, 401);
    const [h] = await historyOf(t, { accountId: ten.accountId, type: 'member_removed' });
    assert.equal(h?.record_id, member.userId);
    assert.deepEqual(h?.data.before.roles, ['member']);
    assert.equal(h?.data.before.workspaces.length, 2);
    const [mine] = await historyOf(t, { userId: member.userId, type: 'user_account_member_remove' });
    assert.equal(mine?.data.account_id, ten.accountId);
  });

  test('a member may leave the account (remove themselves)', async () => {
    const ten = await t.factory.tenant();
    const member = await t.factory.member(ten);
    const res = await t.req('DELETE', `/accounts/members/${member.userId}`, { headers: acct(member) });
    assert.equal(res.status, 200);
    const members = await t.req('GET', '/accounts/members', { headers: acct(ten) });
    assert.deepEqual(members.body.map((m: { user_id: string }) => m.user_id), [ten.userId]);
  });
});
