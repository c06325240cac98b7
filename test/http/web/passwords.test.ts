import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setUserPassword } from '../../../src/domain/auth/passwords.service.js';
import { describeEachDatabase } from '../../harness/app.js';
import { HOST, PASSWORD, signIn, signInFrom, withPassword } from './sessions-fixtures.js';

describeEachDatabase('web sessions: passwords, invites with a password, own API keys', (t) => {
  test('changing the password needs the current one, ends the other sessions and keeps this one', async () => {
    const ten = await withPassword(t, await t.factory.tenant());
    const here = await signIn(t, ten);
    const elsewhere = await signIn(t, ten);
    const wrong = await t.req('PUT', '/users/me/password', { headers: here.write, json: { current_password: 'not it at all', new_password: 'a brand new passphrase' } });
    assert.equal(wrong.status, 403);
    assert.equal(wrong.body.error.code, 'current_password_wrong');
    const short = await t.req('PUT', '/users/me/password', { headers: here.write, json: { current_password: PASSWORD, new_password: 'short' } });
    assert.equal(short.status, 400);
    assert.equal(short.body.error.fields[0].pointer, '/new_password');
    const missing = await t.req('PUT', '/users/me/password', { headers: here.write, json: { new_password: 'a brand new passphrase' } });
    assert.equal(missing.status, 403);
    assert.equal((await signInFrom(t, '127.0.0.2', { email: ten.email, password: PASSWORD })).status, 200, 'unchanged so far');

    const ok = await t.req('PUT', '/users/me/password', { headers: here.write, json: { current_password: PASSWORD, new_password: 'a brand new passphrase' } });
    assert.equal(ok.status, 204, ok.text);
    assert.equal((await t.req('GET', '/users/me', { headers: here.read })).status, 200, 'this session stays');
    assert.equal((await t.req('GET', '/users/me', { headers: elsewhere.read })).status, 401, 'the others end');
    assert.equal((await signInFrom(t, '127.0.0.2', { email: ten.email, password: PASSWORD })).status, 401);
    assert.equal((await signInFrom(t, '127.0.0.2', { email: ten.email, password: 'a brand new passphrase' })).status, 200);
    // With an API token (no session), a user without a password sets a first one without a current password.
    const fresh = await t.factory.tenant();
    const first = await t.req('PUT', '/users/me/password', { headers: fresh.headers, json: { new_password: 'first password here' } });
    assert.equal(first.status, 204);
    assert.equal((await signInFrom(t, '127.0.0.2', { email: fresh.email, password: 'first password here' })).status, 200);
    const none = await t.req('PUT', '/users/me/password', { json: { new_password: 'first password here' } });
    assert.equal(none.status, 401);
  });

  test('the admin function sets a password by e-mail and ends every session; unknown e-mail and short passwords are refused', async () => {
    const ten = await withPassword(t, await t.factory.tenant());
    const b = await signIn(t, ten);
    await setUserPassword(t.deps, { email: ten.email, password: 'set by the admin' });
    assert.equal((await t.req('GET', '/users/me', { headers: b.read })).status, 401);
    assert.equal((await signInFrom(t, '127.0.0.3', { email: ten.email, password: 'set by the admin' })).status, 200);
    await assert.rejects(setUserPassword(t.deps, { email: 'nobody@example.test', password: 'long enough password' }), { code: 'user_not_found' });
    await assert.rejects(setUserPassword(t.deps, { email: ten.email, password: 'short' }), { code: 'password_unacceptable' });
  });

  test('accepting an invite with a password creates a user who can sign in; a bad password writes nothing', async () => {
    const ten = await t.factory.tenant();
    const inv = await t.req('POST', '/accounts/invites', { headers: { authorization: ten.headers.authorization ?? '', 'x-account-id': ten.accountId }, json: [{ email: 'painter@example.test', workspace_ids: [ten.workspaceId] }] });
    assert.equal(inv.status, 200, inv.text);
    const token = inv.body[0].token as string;
    const users = await t.count('users');
    const bad = await t.req('POST', '/accounts/invites/accept', { json: { token, password: 'short' } });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error.code, 'password_unacceptable');
    assert.equal(await t.count('users'), users);
    const ok = await t.req('POST', '/accounts/invites/accept', { json: { token, password: 'painter password 1' } });
    assert.equal(ok.status, 200, ok.text);
    const signed = await signInFrom(t, '127.0.0.4', { email: 'painter@example.test', password: 'painter password 1' });
    assert.equal(signed.status, 200);
    assert.equal(signed.body.user.id, ok.body.user.id);
    // An e-mail that already has a user: the password is refused (set it in the profile instead).
    const again = await t.req('POST', '/accounts/invites', { headers: { authorization: ten.headers.authorization ?? '', 'x-account-id': ten.accountId }, json: [{ email: 'painter@example.test' }] });
    assert.equal(again.status, 409, 'already a member');
  });

  test('people manage their own API keys; another user’s key reads as absent', async () => {
    const ten = await withPassword(t, await t.factory.tenant());
    const colleague = await t.factory.member(ten);
    const b = await signIn(t, ten);
    const created = await t.req('POST', '/users/me/keys', { headers: b.write, json: { name: 'render farm' } });
    assert.equal(created.status, 201, created.text);
    assert.deepEqual(Object.keys(created.body).sort(), ['account_id', 'created_at', 'id', 'key', 'last_used_at', 'name', 'revoked_at', 'secret']);
    assert.equal(created.body.name, 'render farm');
    assert.equal(created.body.account_id, ten.accountId);
    const token = await t.factory.token(created.body.key, created.body.secret, ten.accountId);
    assert.equal((await t.req('GET', '/users/me', { headers: { authorization: `Bearer ${token}` } })).status, 200);
    const list = await t.req('GET', '/users/me/keys', { headers: b.read });
    assert.equal(list.status, 200);
    assert.deepEqual(list.body.map((k: { id: string }) => k.id), [ten.keyId, created.body.id]);
    assert.ok(list.body.every((k: Record<string, unknown>) => !('secret' in k)));
    const blank = await t.req('POST', '/users/me/keys', { headers: b.write, json: { name: '   ' } });
    assert.equal(blank.status, 400);
    const foreign = await t.req('DELETE', `/users/me/keys/${colleague.keyId}`, { headers: b.write });
    assert.equal(foreign.status, 404);
    assert.equal((await t.req('GET', '/users/me', { headers: { authorization: colleague.headers.authorization ?? '' } })).status, 200);
    const revoked = await t.req('DELETE', `/users/me/keys/${created.body.id}`, { headers: b.write });
    assert.equal(revoked.status, 200);
    assert.notEqual(revoked.body.revoked_at, null);
    assert.equal((await t.req('GET', '/users/me', { headers: { authorization: `Bearer ${token}` } })).status, 401);
    assert.equal((await t.req('GET', '/users/me/keys', { headers: { host: HOST } })).status, 401);
  });
});
