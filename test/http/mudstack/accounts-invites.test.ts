import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sha256Hex } from '../../../src/lib/secrets.js';
import { describeEachDatabase } from '../../harness/app.js';
import { acct, historyOf, USER_KEYS } from './accounts-fixtures.js';

const INVITE_KEYS = [
  'accepted_at', 'account_id', 'created_at', 'email', 'expires_at', 'id', 'invited_by', 'invited_by_user', 'rejected_at', 'revoked_at',
  'roles', 'sent_at', 'workspace_ids', 'workspace_role',
];

describeEachDatabase('/accounts/invites', (t) => {
  test('POST creates invites with a one-time token (only its hash stored) that expire in 7 days', async () => {
    const ten = await t.factory.tenant();
    const ws2 = await t.factory.workspace(ten);
    const res = await t.req('POST', '/accounts/invites', {
      headers: acct(ten),
      json: { invites: [{ email: 'New.Person@Example.test', roles: ['admin'], workspace_ids: [ten.workspaceId, ws2], workspace_role: 'viewer' }, { email: 'b@example.test' }] },
    });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.length, 2);
    const [a, b] = res.body;
    assert.deepEqual(Object.keys(a).sort(), [...INVITE_KEYS, 'token'].sort());
    assert.equal(a.account_id, ten.accountId);
    assert.equal(a.email, 'new.person@example.test');
    assert.deepEqual(a.roles, ['admin']);
    assert.deepEqual(a.workspace_ids, [ten.workspaceId, ws2]);
    assert.equal(a.workspace_role, 'viewer');
    assert.equal(a.invited_by, ten.userId);
    assert.deepEqual(Object.keys(a.invited_by_user).sort(), USER_KEYS);
    assert.equal(a.invited_by_user.id, ten.userId);
    assert.deepEqual([a.sent_at, a.accepted_at, a.rejected_at, a.revoked_at], [null, null, null, null]);
    assert.equal(Date.parse(a.expires_at) - Date.parse(a.created_at), 7 * 24 * 3600 * 1000);
    assert.match(a.token, /^inv_[\w-]{40,}$/);
    // Defaults: role member, no workspaces, the account's default workspace role (editor).
    assert.deepEqual([b.roles, b.workspace_ids, b.workspace_role], [['member'], [], 'editor']);
    const row = await t.deps.db.selectFrom('invites').selectAll().where('id', '=', a.id).executeTakeFirstOrThrow();
    assert.equal(row.token_hash, sha256Hex(a.token));
    assert.ok(!JSON.stringify(row).includes(a.token));
    // The list never shows tokens; newest first.
    const list = await t.req('GET', '/accounts/invites', { headers: acct(ten) });
    assert.equal(list.status, 200);
    assert.deepEqual(list.body.map((i: { id: string }) => i.id), [b.id, a.id]);
    assert.deepEqual(Object.keys(list.body[0]).sort(), INVITE_KEYS);
    const [h] = await historyOf(t, { accountId: ten.accountId, type: 'invite_created' });
    assert.equal(h?.record_id, a.id);
    assert.deepEqual(h?.data, { email: a.email, roles: ['admin'], workspace_ids: [ten.workspaceId, ws2], workspace_role: 'viewer' });
  });

  test('a bare array is accepted; inviting again supersedes the open invite', async () => {
    const ten = await t.factory.tenant();
    const first = await t.req('POST', '/accounts/invites', { headers: acct(ten), json: [{ email: 'again@example.test', roles: ['member'] }] });
    assert.equal(first.status, 200);
    const second = await t.req('POST', '/accounts/invites', { headers: acct(ten), json: [{ email: 'again@example.test', roles: ['member'] }] });
    assert.equal(second.status, 200);
    const list = await t.req('GET', '/accounts/invites', { headers: acct(ten) });
    const old = list.body.find((i: { id: string }) => i.id === first.body[0].id);
    assert.notEqual(old.revoked_at, null);
    const stale = await t.req('POST', '/accounts/invites/accept', { json: { token: first.body[0].token } });
    assert.equal(stale.status, 404);
  });

  test('bad input is 400 with the field named, and no invite is written', async () => {
    const ten = await t.factory.tenant();
    const before = await t.count('invites');
    const cases: Array<[unknown, string]> = [
      [{ invites: [{ email: 'not-an-email' }] }, '/invites/0/email'],
      [{ invites: [{ email: 'a@example.test', roles: ['boss'] }] }, '/invites/0/roles/0'],
      [{ invites: [{ email: 'a@example.test', roles: ['admin', 'member'] }] }, '/invites/0/roles'],
      [{ invites: [{ email: 'a@example.test', workspace_ids: ['nope'] }] }, '/invites/0/workspace_ids/0'],
      [{ invites: [{ email: 'a@example.test', workspace_role: 'god' }] }, '/invites/0/workspace_role'],
      [{ invites: [] }, '/invites'],
      [{}, '/invites'],
      [[{ email: 'ok@example.test' }, { email: 'OK@example.test' }], '/invites/1/email'],
    ];
    for (const [json, pointer] of cases) {
      const res = await t.req('POST', '/accounts/invites', { headers: acct(ten), json });
      assert.equal(res.status, 400, JSON.stringify(json));
      assert.equal(res.body.error.fields[0].pointer, pointer, JSON.stringify(json));
    }
    assert.equal(await t.count('invites'), before);
  });

  test('another account\'s workspace is 404; an existing member is 409; nothing written', async () => {
    const ten = await t.factory.tenant();
    const other = await t.factory.tenant();
    const member = await t.factory.member(ten);
    const before = await t.count('invites');
    const foreign = await t.req('POST', '/accounts/invites', {
      headers: acct(ten),
      json: { invites: [{ email: 'x@example.test', workspace_ids: [other.workspaceId] }] },
    });
    assert.equal(foreign.status, 404);
    assert.equal(foreign.body.error.code, 'workspace_not_found');
    const dup = await t.req('POST', '/accounts/invites', { headers: acct(ten), json: { invites: [{ email: 'y@example.test' }, { email: member.email }] } });
    assert.equal(dup.status, 409);
    assert.equal(dup.body.error.code, 'already_member');
    assert.equal(await t.count('invites'), before);
  });

  test('roles: members may not list, invite or revoke; admins may not invite owners', async () => {
    const ten = await t.factory.tenant();
    const admin = await t.factory.member(ten, { account: 'admin' });
    const member = await t.factory.member(ten);
    const made = await t.req('POST', '/accounts/invites', { headers: acct(admin), json: { invites: [{ email: 'z@example.test' }] } });
    assert.equal(made.status, 200);
    assert.equal((await t.req('GET', '/accounts/invites', { headers: acct(member) })).status, 403);
    assert.equal((await t.req('POST', '/accounts/invites', { headers: acct(member), json: { invites: [{ email: 'q@example.test' }] } })).status, 403);
    assert.equal((await t.req('DELETE', `/accounts/invites/${made.body[0].id}`, { headers: acct(member) })).status, 403);
    const owner = await t.req('POST', '/accounts/invites', { headers: acct(admin), json: { invites: [{ email: 'o@example.test', roles: ['owner'] }] } });
    assert.equal(owner.status, 403);
    assert.equal(owner.body.error.code, 'owner_required');
    assert.equal((await t.req('POST', '/accounts/invites', { headers: acct(ten), json: { invites: [{ email: 'o@example.test', roles: ['owner'] }] } })).status, 200);
    assert.equal((await t.req('GET', '/accounts/invites', { headers: { 'x-account-id': ten.accountId } })).status, 401);
  });

  test('DELETE revokes (idempotent); another account\'s invite is 404; a revoked token is 404', async () => {
    const ten = await t.factory.tenant();
    const other = await t.factory.tenant();
    const made = await t.req('POST', '/accounts/invites', { headers: acct(ten), json: { invites: [{ email: 'r@example.test' }] } });
    const inv = made.body[0];
    const foreign = await t.req('DELETE', `/accounts/invites/${inv.id}`, { headers: acct(other) });
    assert.equal(foreign.status, 404);
    assert.equal(foreign.body.error.code, 'invite_not_found');
    const res = await t.req('DELETE', `/accounts/invites/${inv.id}`, { headers: acct(ten) });
    assert.equal(res.status, 200);
    assert.equal(res.body.id, inv.id);
    assert.equal(res.body.token, undefined);
    assert.match(res.body.revoked_at, /^\d{4}-/);
    const again = await t.req('DELETE', `/accounts/invites/${inv.id}`, { headers: acct(ten) });
    assert.equal(again.body.revoked_at, res.body.revoked_at);
    assert.equal((await historyOf(t, { accountId: ten.accountId, type: 'invite_revoked' })).length, 1);
    const accept = await t.req('POST', '/accounts/invites/accept', { json: { token: inv.token } });
    assert.equal(accept.status, 404);
    assert.equal(accept.body.error.code, 'invite_not_found');
  });

  test('accept end to end: new user, memberships, a working API key, history and a notification', async () => {
    const ten = await t.factory.tenant();
    const ws2 = await t.factory.workspace(ten, 'Art');
    await t.factory.workspace(ten, 'Not invited');
    const made = await t.req('POST', '/accounts/invites', {
      headers: acct(ten),
      json: { invites: [{ email: 'Fresh@Example.test', roles: ['member'], workspace_ids: [ten.workspaceId, ws2] }] },
    });
    const inv = made.body[0];
    const usersBefore = await t.count('users');
    const res = await t.req('POST', '/accounts/invites/accept', { json: { token: inv.token } });
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(Object.keys(res.body).sort(), ['account_id', 'key', 'member', 'secret', 'user']);
    assert.equal(res.body.account_id, ten.accountId);
    assert.equal(res.body.user.email, 'fresh@example.test');
    assert.deepEqual({ ...res.body.member, user: undefined }, { account_id: ten.accountId, user_id: res.body.user.id, roles: ['member'], user: undefined });
    assert.equal(await t.count('users'), usersBefore + 1);
    // The key works: token -> GET /accounts shows the membership and exactly the invited workspaces.
    const token = await t.factory.token(res.body.key, res.body.secret, ten.accountId);
    const headers = { authorization: `Bearer ${token}`, 'x-account-id': ten.accountId };
    const me = await t.req('GET', '/accounts', { headers });
    assert.equal(me.status, 200);
    assert.deepEqual(me.body[0].members.roles, ['member']);
    assert.deepEqual(me.body[0].workspaces.map((w: { id: string; roles: { roles: string[] } }) => [w.id, w.roles.roles]), [
      [ten.workspaceId, ['editor']],
      [ws2, ['editor']],
    ]);
    const list = await t.req('GET', '/accounts/invites', { headers: acct(ten) });
    assert.match(list.body[0].accepted_at, /^\d{4}-/);
    const [h] = await historyOf(t, { accountId: ten.accountId, type: 'invite_accepted' });
    assert.equal(h?.user_id, res.body.user.id);
    assert.deepEqual(h?.data.joined_workspace_ids, [ten.workspaceId, ws2]);
    const mine = (await historyOf(t, { userId: res.body.user.id, type: 'invite_accepted' })).filter((r) => r.account_id === null);
    assert.equal(mine.length, 1);
    assert.equal(mine[0]?.data.account_id, ten.accountId);
    const notes = await t.req('GET', '/accounts/notifications', { headers: acct(ten) });
    assert.equal(notes.body[0].type, 'invite_accepted');
    assert.deepEqual(notes.body[0].data, { invite_id: inv.id, email: 'fresh@example.test', user_id: res.body.user.id });
    // A second acceptance is a conflict.
    const twice = await t.req('POST', '/accounts/invites/accept', { json: { token: inv.token } });
    assert.equal(twice.status, 409);
    assert.equal(twice.body.error.code, 'invite_already_accepted');
    const revoke = await t.req('DELETE', `/accounts/invites/${inv.id}`, { headers: acct(ten) });
    assert.equal(revoke.status, 409);
  });

  test('an invite for an existing user\'s e-mail is refused unless that user is signed in: no takeover across tenants', async () => {
    const a = await t.factory.tenant();
    const b = await t.factory.tenant();
    const bMember = await t.factory.member(b);
    // B's owner has history in B that nobody in A may read.
    assert.equal((await t.req('PUT', '/workspaces', { headers: b.headers, json: { name: 'Secret project' } })).status, 200);
    const made = await t.req('POST', '/accounts/invites', { headers: acct(a), json: [{ email: b.email, roles: ['admin'] }] });
    assert.equal(made.status, 200);
    const token = made.body[0].token;
    const counts = () => Promise.all((['users', 'account_members', 'workspace_members', 'api_keys', 'history_events'] as const).map((n) => t.count(n)));
    const before = await counts();
    const bProfile = (await t.req('GET', '/users', { headers: { authorization: b.headers.authorization ?? '' } })).body;

    const anonymous = await t.req('POST', '/accounts/invites/accept', { json: { token } });
    assert.equal(anonymous.status, 401, anonymous.text);
    assert.equal(anonymous.body.error.code, 'invite_requires_sign_in');
    assert.equal(anonymous.body.key, undefined);
    // Signed in as anyone else (the inviter, or another user of B's own account): refused too.
    for (const other of [a, bMember]) {
      const wrong = await t.req('POST', '/accounts/invites/accept', { headers: { authorization: other.headers.authorization ?? '' }, json: { token } });
      assert.equal(wrong.status, 403, wrong.text);
      assert.equal(wrong.body.error.code, 'invite_for_another_user');
    }
    // A bad token is a 401 for the token, not an anonymous acceptance.
    const forged = await t.req('POST', '/accounts/invites/accept', { headers: { authorization: 'Bearer not-a-token' }, json: { token } });
    assert.equal(forged.status, 401);
    assert.equal(forged.body.error.code, 'invalid_token');

    // Nothing written; the invite is still open; B's owner is untouched and still belongs to B alone.
    assert.deepEqual(await counts(), before);
    const invites = await t.req('GET', '/accounts/invites', { headers: acct(a) });
    assert.equal(invites.body[0].accepted_at, null);
    const bBearer = { authorization: b.headers.authorization ?? '' };
    assert.deepEqual((await t.req('GET', '/users', { headers: bBearer })).body, bProfile);
    assert.deepEqual((await t.req('GET', '/users/accounts', { headers: bBearer })).body.map((x: { id: string }) => x.id), [b.accountId]);
    const bKeys = await t.deps.db.selectFrom('api_keys').select('account_id').where('user_id', '=', b.userId).execute();
    assert.deepEqual(bKeys, [{ account_id: b.accountId }]);
  });

  test('the existing user accepts while signed in (a key of any account): their user, a key for this account', async () => {
    const ten = await t.factory.tenant();
    const other = await t.factory.tenant();
    const made = await t.req('POST', '/accounts/invites', { headers: acct(ten), json: [{ email: other.email, roles: ['admin'] }] });
    assert.equal(made.status, 200);
    const [pending] = await historyOf(t, { userId: other.userId, type: 'invite_created' });
    assert.equal(pending?.data.account_id, ten.accountId);
    const usersBefore = await t.count('users');
    // The caller's token was made from their key of the other account.
    const res = await t.req('POST', '/accounts/invites/accept', { headers: { authorization: other.headers.authorization ?? '' }, json: { token: made.body[0].token } });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.user.id, other.userId);
    assert.deepEqual(res.body.member.roles, ['admin']);
    assert.equal(await t.count('users'), usersBefore);
    const token = await t.factory.token(res.body.key, res.body.secret, ten.accountId);
    const me = await t.req('GET', '/accounts', { headers: { authorization: `Bearer ${token}`, 'x-account-id': ten.accountId } });
    assert.deepEqual(me.body[0].members.roles, ['admin']);
    assert.deepEqual(
      (await t.req('GET', '/users/accounts', { headers: { authorization: `Bearer ${token}` } })).body.map((x: { id: string }) => x.id).sort(),
      [ten.accountId, other.accountId].sort(),
    );
  });

  test('an invite for a new e-mail needs no sign-in, and is refused to a signed-in user (it is not theirs)', async () => {
    const ten = await t.factory.tenant();
    const someone = await t.factory.tenant();
    const made = await t.req('POST', '/accounts/invites', { headers: acct(ten), json: [{ email: 'brand.new@example.test' }] });
    const before = await Promise.all([t.count('users'), t.count('account_members'), t.count('api_keys')]);
    const signedIn = await t.req('POST', '/accounts/invites/accept', { headers: { authorization: someone.headers.authorization ?? '' }, json: { token: made.body[0].token } });
    assert.equal(signedIn.status, 403);
    assert.equal(signedIn.body.error.code, 'invite_for_another_user');
    assert.deepEqual(await Promise.all([t.count('users'), t.count('account_members'), t.count('api_keys')]), before);
    const res = await t.req('POST', '/accounts/invites/accept', { json: { token: made.body[0].token } });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.user.email, 'brand.new@example.test');
    assert.notEqual(res.body.user.id, someone.userId);
  });

  test('accept: unknown token 404, expired 409, bad body 400; nothing written', async () => {
    const ten = await t.factory.tenant();
    const made = await t.req('POST', '/accounts/invites', { headers: acct(ten), json: [{ email: 'late@example.test' }] });
    const before = await Promise.all([t.count('users'), t.count('account_members'), t.count('api_keys')]);
    const unknown = await t.req('POST', '/accounts/invites/accept', { json: { token: 'inv_nope' } });
    assert.equal(unknown.status, 404);
    assert.equal(unknown.body.error.code, 'invite_not_found');
    const bad = await t.req('POST', '/accounts/invites/accept', { json: {} });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error.fields[0].pointer, '/token');
    t.clock.advance(7 * 24 * 3600 + 1);
    try {
      const expired = await t.req('POST', '/accounts/invites/accept', { json: { token: made.body[0].token } });
      assert.equal(expired.status, 409);
      assert.equal(expired.body.error.code, 'invite_expired');
    } finally {
      t.clock.advance(-(7 * 24 * 3600 + 1));
    }
    assert.deepEqual(await Promise.all([t.count('users'), t.count('account_members'), t.count('api_keys')]), before);
  });
});
