import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Value } from '@sinclair/typebox/value';
import { ACCOUNT_PERMISSIONS, WORKSPACE_PERMISSIONS } from '../../../src/domain/access.js';
import { insertAccountMember } from '../../../src/domain/accounts/accounts.service.js';
import { createApiKey } from '../../../src/domain/auth/api-keys.service.js';
import { User } from '../../../src/http/surfaces/mudstack/common.schemas.js';
import { Account } from '../../../src/http/surfaces/mudstack/accounts.schemas.js';
import { UserHistory, UserPermissions } from '../../../src/http/surfaces/mudstack/users.schemas.js';
import { describeEachDatabase } from '../../harness/app.js';
import type { Tenant } from '../../harness/factories.js';
import { acct } from './accounts-fixtures.js';

const bearer = (ten: Tenant): Record<string, string> => ({ authorization: `Bearer ${ten.token}` });

describeEachDatabase('Users: /users, /users/me, /users/accounts, /users/permissions, /users/history', (t) => {
  test('GET /users and /users/me return the caller with only Authorization', async () => {
    const ten = await t.factory.tenant();
    for (const path of ['/users', '/users/me', '/v1/users/me']) {
      const res = await t.req('GET', path, { headers: bearer(ten) });
      assert.equal(res.status, 200, path);
      assert.ok(Value.Check(User, res.body));
      assert.deepEqual(res.body, {
        id: ten.userId,
        auth0UserID: `atelier|${ten.userId}`,
        username: ten.email.split('@')[0],
        email: ten.email,
        firstName: '',
        lastName: '',
        avatar_file_id: null,
        defaultAvatar: 1,
        industry: null,
        occupation: null,
        company: null,
        emailVerified: false,
        isActive: true,
        city: null,
        state: null,
        country: null,
        zipCode: null,
        invited_by_user: {},
      });
    }
    for (const path of ['/users', '/users/me', '/users/accounts', '/users/permissions', '/users/history']) {
      const res = await t.req('GET', path, { headers: { 'x-account-id': ten.accountId } });
      assert.equal(res.status, 401, path);
    }
    assert.equal((await t.req('GET', '/users', { headers: { authorization: 'Bearer nope' } })).status, 401);
  });

  test('PUT /users updates the caller’s profile and records before/after', async () => {
    const ten = await t.factory.tenant();
    const other = await t.factory.tenant();
    const res = await t.req('PUT', '/users', {
      headers: bearer(ten),
      json: { username: ' ada ', firstName: 'Ada', lastName: 'Lovelace', company: 'Analytical', city: 'London', zipCode: 'N1', defaultAvatar: 7 },
    });
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(
      [res.body.id, res.body.username, res.body.firstName, res.body.lastName, res.body.company, res.body.city, res.body.zipCode, res.body.defaultAvatar, res.body.email],
      [ten.userId, 'ada', 'Ada', 'Lovelace', 'Analytical', 'London', 'N1', 7, ten.email],
    );
    // /users/me is the same resource; an empty string clears an optional field.
    const me = await t.req('PUT', '/users/me', { headers: bearer(ten), json: { company: '', industry: 'Games' } });
    assert.equal(me.status, 200);
    assert.deepEqual([me.body.company, me.body.industry, me.body.username], [null, 'Games', 'ada']);
    assert.equal((await t.req('GET', '/users/me', { headers: bearer(ten) })).body.industry, 'Games');
    // The other tenant's user is untouched.
    assert.equal((await t.req('GET', '/users', { headers: bearer(other) })).body.firstName, '');
    const history = await t.req('GET', '/users/history', { headers: bearer(ten), query: { limit: '2' } });
    assert.equal(history.status, 200);
    assert.deepEqual(
      history.body.map((e: { type: string; data: unknown }) => [e.type, e.data]),
      [
        ['updated', { before: { company: 'Analytical', industry: null }, after: { company: null, industry: 'Games' } }],
        [
          'updated',
          {
            before: { username: ten.email.split('@')[0], firstName: '', lastName: '', company: null, city: null, zipCode: null, defaultAvatar: 1 },
            after: { username: 'ada', firstName: 'Ada', lastName: 'Lovelace', company: 'Analytical', city: 'London', zipCode: 'N1', defaultAvatar: 7 },
          },
        ],
      ],
    );
  });

  test('PUT /users: bad input is 400 with the field named and changes nothing', async () => {
    const ten = await t.factory.tenant();
    const before = await t.req('GET', '/users', { headers: bearer(ten) });
    const history = await t.count('history_events');
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ defaultAvatar: 11 }, '/defaultAvatar'],
      [{ defaultAvatar: 0 }, '/defaultAvatar'],
      [{ defaultAvatar: 1.5 }, '/defaultAvatar'],
      [{ username: '' }, '/username'],
      [{ username: '   ' }, '/username'],
      [{ email: 'new@example.test' }, '/email'],
      [{ zipCode: 'x'.repeat(21) }, '/zipCode'],
      [{ firstName: { a: 1 } }, '/firstName'],
    ];
    for (const [json, pointer] of cases) {
      const res = await t.req('PUT', '/users', { headers: bearer(ten), json });
      assert.equal(res.status, 400, JSON.stringify(json));
      assert.equal(res.body.error.fields[0].in, 'body');
      assert.equal(res.body.error.fields[0].pointer, pointer, JSON.stringify(json));
    }
    assert.equal((await t.req('PUT', '/users', { headers: { 'x-account-id': ten.accountId }, json: { firstName: 'X' } })).status, 401);
    assert.deepEqual((await t.req('GET', '/users', { headers: bearer(ten) })).body, before.body);
    assert.equal(await t.count('history_events'), history);
  });

  test('GET /users/accounts lists the caller’s accounts, each item exactly as GET /accounts shows it in that account', async () => {
    const ten = await t.factory.tenant();
    const hidden = await t.factory.workspace(ten, 'Owner only');
    const member = await t.factory.member(ten, { account: 'member', workspace: 'viewer' });
    // The member also belongs to a second account (as admin there, so sees all its workspaces).
    const second = await t.factory.tenant('Second studio');
    await insertAccountMember(t.deps, { accountId: second.accountId, userId: member.userId, role: 'admin' });
    const stranger = await t.factory.tenant();

    const owner = await t.req('GET', '/users/accounts', { headers: bearer(ten) });
    assert.equal(owner.status, 200);
    assert.equal(owner.body.length, 1);
    assert.ok(Value.Check(Account, owner.body[0]));
    const acc = owner.body[0];
    assert.deepEqual(Object.keys(acc).sort(), [
      'account_tier_id', 'created_at', 'created_by_user_id', 'creator', 'defaultAvatar', 'id', 'members', 'name', 'sequence', 'subscription',
      'thumbnail_file_id', 'tier', 'type', 'updated_at', 'workspaces',
    ]);
    assert.deepEqual([acc.id, acc.creator?.id, acc.members.user_id, acc.members.roles, acc.subscription.licenses, acc.tier.id, acc.type.id], [
      ten.accountId, ten.userId, ten.userId, ['owner'], 2, 'self-hosted', 'self-hosted',
    ]);
    assert.deepEqual(acc.workspaces.map((w: { id: string }) => w.id), [ten.workspaceId, hidden]);
    assert.deepEqual(acc.workspaces[0]?.roles, { workspace_id: ten.workspaceId, user_id: ten.userId, roles: ['admin'] });
    assert.deepEqual(acc.workspaces[0]?.usage, { members: 2, storage: 0, assets: 0 });
    // The same object GET /accounts answers with a key of that account.
    assert.deepEqual(acc, (await t.req('GET', '/accounts', { headers: acct(ten) })).body[0]);

    const res = await t.req('GET', '/users/accounts', { headers: bearer(member) });
    assert.deepEqual(
      res.body.map((a: { id: string; members: { roles: string[] }; workspaces: Array<{ id: string; roles: unknown }> }) => [
        a.id,
        a.members.roles,
        a.workspaces.map((w) => [w.id, w.roles]),
      ]),
      [
        [ten.accountId, ['member'], [[ten.workspaceId, { workspace_id: ten.workspaceId, user_id: member.userId, roles: ['viewer'] }]]],
        [second.accountId, ['admin'], [[second.workspaceId, null]]],
      ],
    );
    assert.deepEqual(res.body[0], (await t.req('GET', '/accounts', { headers: acct(member) })).body[0]);
    const issued = await createApiKey(t.deps, { accountId: second.accountId, userId: member.userId, name: 'second' });
    const inSecond = { authorization: `Bearer ${await t.factory.token(issued.key, issued.secret, second.accountId)}`, 'x-account-id': second.accountId };
    assert.deepEqual(res.body[1], (await t.req('GET', '/accounts', { headers: inSecond })).body[0]);
    assert.ok(!JSON.stringify(res.body).includes(stranger.accountId));
  });

  test('GET /users/permissions: identity, accounts and roles, and the permissions of the token account', async () => {
    const ten = await t.factory.tenant();
    const extra = await t.factory.workspace(ten, 'Extra');
    const member = await t.factory.member(ten, { account: 'member', workspace: 'editor' });
    const owner = await t.req('GET', '/users/permissions', { headers: bearer(ten) });
    assert.equal(owner.status, 200);
    assert.ok(Value.Check(UserPermissions, owner.body));
    assert.equal(owner.body.id, ten.userId);
    assert.equal(owner.body.email, ten.email);
    assert.equal(owner.body.auth0UserID, `atelier|${ten.userId}`);
    assert.equal(owner.body.account_id, ten.accountId);
    assert.deepEqual(Object.keys(owner.body.permissions).sort(), Object.keys(ACCOUNT_PERMISSIONS).sort());
    assert.ok(Object.values(owner.body.permissions).every((v) => v === true));
    assert.deepEqual(
      owner.body.accounts.map((a: { id: string; roles: string[]; workspaces: Array<{ id: string; name: string; roles: string[] }> }) => [
        a.id,
        a.roles,
        a.workspaces.map((w) => [w.id, w.name, w.roles]),
      ]),
      [[ten.accountId, ['owner'], [[ten.workspaceId, 'Main', ['admin']], [extra, 'Extra', ['admin']]]]],
    );

    const res = await t.req('GET', '/users/permissions', { headers: bearer(member) });
    assert.equal(res.status, 200);
    assert.deepEqual(res.body.accounts[0].roles, ['member']);
    assert.equal(res.body.permissions['account.read'], true);
    assert.equal(res.body.permissions['workspace.create'], false);
    assert.equal(res.body.permissions['account.update'], false);
    const ws = res.body.accounts[0].workspaces;
    assert.deepEqual(ws.map((w: { id: string; roles: string[] }) => [w.id, w.roles]), [[ten.workspaceId, ['editor']]]);
    assert.deepEqual(Object.keys(ws[0].permissions).sort(), Object.keys(WORKSPACE_PERMISSIONS).sort());
    assert.deepEqual([ws[0].permissions['asset.write'], ws[0].permissions['workspace.update'], ws[0].permissions['workspace.read']], [true, false, true]);
  });

  test('GET /users/history shows only what the token\'s account lets the caller read there', async () => {
    const a = await t.factory.tenant();
    const b = await t.factory.tenant();
    const w2 = await t.factory.workspace(b, 'Second');
    // A's owner joins B as an admin through an invite (signed in), then acts in B and in A.
    const made = await t.req('POST', '/accounts/invites', { headers: acct(b), json: [{ email: a.email, roles: ['admin'] }] });
    const joined = await t.req('POST', '/accounts/invites/accept', { headers: bearer(a), json: { token: made.body[0].token } });
    assert.equal(joined.status, 200, joined.text);
    const inB = { authorization: `Bearer ${await t.factory.token(joined.body.key, joined.body.secret, b.accountId)}` };
    const inBws = (ws: string) => ({ ...inB, 'x-account-id': b.accountId, 'x-workspace-id': ws });
    assert.equal((await t.req('PUT', '/accounts', { headers: { ...inB, 'x-account-id': b.accountId }, json: { name: 'B renamed by U' } })).status, 200);
    assert.equal((await t.req('PUT', '/workspaces', { headers: inBws(b.workspaceId), json: { name: 'B main by U' } })).status, 200);
    assert.equal((await t.req('PUT', '/workspaces', { headers: inBws(w2), json: { name: 'B second by U' } })).status, 200);
    assert.equal((await t.req('PUT', '/workspaces', { headers: a.headers, json: { name: 'A main by U' } })).status, 200);
    // B's owner makes them a plain member who can open only B's main workspace.
    assert.equal((await t.req('POST', `/workspaces/members/${a.userId}`, { headers: b.headers, query: { roles: 'viewer' } })).status, 200);
    assert.equal((await t.req('PUT', `/accounts/members/${a.userId}`, { headers: acct(b), json: { roles: ['member'] } })).status, 200);

    const names = async (headers: Record<string, string>): Promise<string[]> => {
      const res = await t.req('GET', '/users/history', { headers, query: { limit: '100' } });
      assert.equal(res.status, 200);
      for (const e of res.body) {
        assert.equal(e.user_id, a.userId);
      }
      return res.body.flatMap((e: { type: string; data: { after?: { name?: string } } }) => (e.data.after?.name ? [`${e.type}:${e.data.after.name}`] : []));
    };
    // With A's key: A's events only; nothing of B (the events about the caller themselves aside).
    assert.deepEqual(await names(bearer(a)), ['workspace_updated:A main by U']);
    const fromA = await t.req('GET', '/users/history', { headers: bearer(a), query: { limit: '100' } });
    assert.ok(!fromA.body.some((e: { type: string }) => ['user_workspace_member_add', 'account_updated'].includes(e.type)));
    assert.ok(fromA.body.some((e: { type: string }) => e.type === 'user_account_member_updated'));
    // With B's key, as a member: the workspace they can open, not the other one, not B's account-level events.
    assert.deepEqual(await names(inB), ['workspace_updated:B main by U']);
    const fromB = await t.req('GET', '/users/history', { headers: inB, query: { limit: '100' } });
    assert.ok(fromB.body.some((e: { type: string; record_id: string }) => e.type === 'user_workspace_member_add' && e.record_id === b.workspaceId));
    // Promoted back to admin, B's account-level event and both workspaces show again.
    assert.equal((await t.req('PUT', `/accounts/members/${a.userId}`, { headers: acct(b), json: { roles: ['admin'] } })).status, 200);
    assert.deepEqual(await names(inB), ['workspace_updated:B second by U', 'workspace_updated:B main by U', 'account_updated:B renamed by U']);
  });

  test('GET /users/history is the caller’s own log (membership changes included), paginated', async () => {
    const ten = await t.factory.tenant();
    const member = await t.factory.member(ten, { workspace: null });
    const other = await t.factory.tenant();
    await t.req('POST', `/workspaces/members/${member.userId}`, { headers: ten.headers, query: { roles: 'viewer' } });
    await t.req('PUT', `/workspaces/members/${member.userId}`, { headers: ten.headers, json: { roles: ['editor'] } });
    await t.req('PUT', '/users', { headers: bearer(member), json: { city: 'Oslo' } });
    await t.req('PUT', '/users', { headers: bearer(other), json: { city: 'Elsewhere' } });
    const page1 = await t.req('GET', '/users/history', { headers: bearer(member), query: { limit: '3' } });
    assert.equal(page1.status, 200);
    for (const e of page1.body) {
      assert.ok(Value.Check(UserHistory, e));
      assert.equal(e.user_id, member.userId);
    }
    assert.deepEqual(page1.body.map((e: { type: string }) => e.type), ['updated', 'user_workspace_member_updated', 'user_workspace_member_add']);
    assert.deepEqual(page1.body[2], {
      id: page1.body[2].id,
      user_id: member.userId,
      type: 'user_workspace_member_add',
      record_id: ten.workspaceId,
      data: { after: { roles: ['viewer'] }, workspace_id: ten.workspaceId, by_user_id: ten.userId },
      created_at: page1.body[2].created_at,
    });
    const cursor = String(page1.headers['x-next-cursor']);
    assert.match(cursor, /^\d+$/);
    const rest = await t.req('GET', '/users/history', { headers: bearer(member), query: { cursor } });
    assert.ok(rest.body.length >= 1);
    assert.equal(rest.body[rest.body.length - 1].type, 'created');
    assert.equal(rest.headers['x-next-cursor'], undefined);
    assert.ok(![...page1.body, ...rest.body].some((e: { data: { after?: { city?: string } } }) => e.data.after?.city === 'Elsewhere'));
    const bad = await t.req('GET', '/users/history', { headers: bearer(member), query: { limit: '0' } });
    assert.equal(bad.status, 400);
    assert.deepEqual(bad.body.error.fields[0].pointer, '/limit');
  });
});
