import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeEachDatabase } from '../../harness/app.js';
import { HOST, ORIGIN, PASSWORD, signIn, signInFrom, withPassword } from './sessions-fixtures.js';

describeEachDatabase('web sessions: sign-in, cookie auth, CSRF, sign-out', (t) => {
  test('sign-in sets an HttpOnly SameSite cookie whose session authenticates the core API with the tenancy headers', async () => {
    const ten = await withPassword(t, await t.factory.tenant());
    const res = await signInFrom(t, '127.0.0.1', { email: ten.email.toUpperCase(), password: PASSWORD });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.user.id, ten.userId);
    assert.equal(res.body.user.email, ten.email);
    assert.match(res.body.csrf_token, /^[\w-]{43}$/);
    assert.equal(res.headers['cache-control'], 'no-store');
    const cookie = String(res.headers['set-cookie']);
    assert.match(cookie, /^atelier_session=[\w-]{43}; Max-Age=2592000; Path=\/; HttpOnly; SameSite=Strict$/);
    // Only the hash of the cookie value is stored.
    const value = cookie.split(';')[0]?.split('=')[1] ?? '';
    const rows = await t.deps.db.selectFrom('user_sessions').selectAll().where('user_id', '=', ten.userId).execute();
    assert.equal(rows.length, 1);
    assert.ok(!JSON.stringify(rows).includes(value));
    assert.equal(Date.parse(rows[0]?.expires_at ?? '') - Date.parse(rows[0]?.created_at ?? ''), t.config.auth.sessionTtlSeconds * 1000);

    const b = await signIn(t, ten);
    const ws = await t.req('GET', '/workspaces', { headers: b.read });
    assert.equal(ws.status, 200, ws.text);
    assert.equal(ws.body.id, ten.workspaceId);
    const me = await t.req('GET', '/users/me', { headers: { host: HOST, cookie: b.cookie } });
    assert.equal(me.status, 200);
    assert.equal(me.body.id, ten.userId);
    const session = await t.req('GET', '/auth/session', { headers: { host: HOST, cookie: b.cookie } });
    assert.equal(session.status, 200);
    assert.equal(session.body.csrf_token, b.csrf);
    assert.equal(session.body.user.id, ten.userId);
    // Tenancy headers are still required where the API requires them.
    const noWs = await t.req('GET', '/workspaces', { headers: { host: HOST, cookie: b.cookie, 'x-account-id': ten.accountId } });
    assert.equal(noWs.status, 400);
    assert.equal(noWs.body.error.code, 'header_missing');
  });

  test('wrong password, unknown e-mail, a user without a password and bad input are refused alike; nothing is created', async () => {
    const ten = await withPassword(t, await t.factory.tenant());
    const noPassword = await t.factory.tenant();
    const before = await t.count('user_sessions');
    for (const body of [
      { email: ten.email, password: 'not the password' },
      { email: 'nobody@example.test', password: PASSWORD },
      { email: noPassword.email, password: PASSWORD },
    ]) {
      const res = await signInFrom(t, '192.0.2.10', body);
      assert.equal(res.status, 401, JSON.stringify(body));
      assert.equal(res.body.error.code, 'invalid_credentials');
      assert.equal(res.body.error.message, 'The e-mail or password is not valid.');
      assert.equal(res.headers['set-cookie'], undefined);
    }
    for (const body of [{ email: ten.email }, { email: ten.email, password: '' }, { email: ten.email, password: PASSWORD, extra: 1 }]) {
      const res = await signInFrom(t, '192.0.2.10', body);
      assert.equal(res.status, 400, JSON.stringify(body));
      assert.equal(res.body.error.code, 'validation_failed');
    }
    assert.equal(await t.count('user_sessions'), before);
    const noCookie = await t.req('GET', '/workspaces', { headers: { host: HOST, cookie: 'atelier_session=forgedforgedforgedforgedforged', 'x-account-id': ten.accountId, 'x-workspace-id': ten.workspaceId } });
    assert.equal(noCookie.status, 401);
  });

  test('failed sign-ins are rate limited per address and e-mail like keys; another address still signs in', async () => {
    const ten = await withPassword(t, await t.factory.tenant());
    const max = t.config.auth.rateLimitMax;
    for (let i = 0; i < max; i++) {
      assert.equal((await signInFrom(t, '203.0.113.77', { email: ten.email, password: `guess ${i}` })).status, 401, `attempt ${i + 1}`);
    }
    const limited = await signInFrom(t, '203.0.113.77', { email: ten.email, password: PASSWORD });
    assert.equal(limited.status, 429);
    assert.equal(limited.body.error.code, 'too_many_attempts');
    assert.ok(Number(limited.headers['retry-after']) >= 1);
    assert.equal((await signInFrom(t, '198.51.100.77', { email: ten.email, password: PASSWORD })).status, 200);
  });

  test('cookie writes need the CSRF token and this origin; Bearer requests need neither', async () => {
    const ten = await withPassword(t, await t.factory.tenant());
    const b = await signIn(t, ten);
    const body = { json: { firstName: 'Changed' } };
    const attempts: Array<[string, Record<string, string>]> = [
      ['no token', { ...b.read, origin: ORIGIN }],
      ['wrong token', { ...b.write, 'x-csrf-token': 'x'.repeat(43) }],
      ['other origin', { ...b.write, origin: 'https://evil.example' }],
      ['cross-site fetch', { ...b.write, 'sec-fetch-site': 'cross-site' }],
    ];
    for (const [why, headers] of attempts) {
      const res = await t.req('PUT', '/users/me', { ...body, headers });
      assert.equal(res.status, 403, why);
      assert.equal(res.body.error.code, 'csrf_rejected', why);
    }
    const unchanged = await t.deps.db.selectFrom('users').select('first_name').where('id', '=', ten.userId).executeTakeFirstOrThrow();
    assert.equal(unchanged.first_name, '');
    // Another session's token does not fit this one.
    const other = await signIn(t, ten);
    assert.equal((await t.req('PUT', '/users/me', { ...body, headers: { ...b.write, 'x-csrf-token': other.csrf } })).status, 403);
    const ok = await t.req('PUT', '/users/me', { ...body, headers: { ...b.write, 'sec-fetch-site': 'same-origin' } });
    assert.equal(ok.status, 200, ok.text);
    assert.equal(ok.body.firstName, 'Changed');
    // Reads need no token; API tokens ignore the cookie and need no CSRF header.
    assert.equal((await t.req('GET', '/users/me', { headers: b.read })).status, 200);
    const bearer = await t.req('PUT', '/users/me', { json: { lastName: 'Script' }, headers: { ...ten.headers, cookie: b.cookie, origin: 'https://evil.example' } });
    assert.equal(bearer.status, 200, bearer.text);
    assert.equal(bearer.body.lastName, 'Script');
  });

  test('sign-out ends the session on the server; an idle session expires', async () => {
    const ten = await withPassword(t, await t.factory.tenant());
    const b = await signIn(t, ten);
    const refused = await t.req('DELETE', '/auth/session', { headers: { host: HOST, cookie: b.cookie } });
    assert.equal(refused.status, 403, 'sign-out without the CSRF token');
    const out = await t.req('DELETE', '/auth/session', { headers: b.write });
    assert.equal(out.status, 204);
    assert.match(String(out.headers['set-cookie']), /^atelier_session=; Max-Age=0; Path=\/; HttpOnly; SameSite=Strict$/);
    // The browser's copy of the cookie no longer works.
    const after = await t.req('GET', '/workspaces', { headers: b.read });
    assert.equal(after.status, 401);
    assert.equal((await t.req('GET', '/auth/session', { headers: b.read })).status, 401);
    const row = await t.deps.db.selectFrom('user_sessions').select('revoked_at').where('user_id', '=', ten.userId).executeTakeFirstOrThrow();
    assert.notEqual(row.revoked_at, null);

    const idle = await signIn(t, ten);
    t.clock.advance(t.config.auth.sessionTtlSeconds + 1);
    assert.equal((await t.req('GET', '/workspaces', { headers: idle.read })).status, 401);
  });

  test("a session acts only in the person's own accounts and workspaces", async () => {
    const ten = await withPassword(t, await t.factory.tenant());
    const other = await t.factory.tenant();
    const b = await signIn(t, ten);
    const foreignWs = await t.req('GET', '/workspaces', { headers: { ...b.read, 'x-workspace-id': other.workspaceId } });
    assert.equal(foreignWs.status, 403);
    assert.equal(foreignWs.body.error.code, 'workspace_forbidden');
    const foreignAcct = await t.req('GET', '/workspaces', { headers: { ...b.read, 'x-account-id': other.accountId, 'x-workspace-id': other.workspaceId } });
    assert.equal(foreignAcct.status, 403);
    assert.equal(foreignAcct.body.error.code, 'account_forbidden');
    // Another tenant's asset reads as absent.
    const up = await t.req('POST', '/workspaces/assets', { headers: { ...other.headers, 'content-type': 'application/octet-stream' }, query: { file_name: 'x.txt' }, payload: 'hello' });
    assert.equal(up.status, 201, up.text);
    const asset = await t.req('GET', `/workspaces/assets/${up.body.id}`, { headers: b.read });
    assert.equal(asset.status, 404);
    // A person removed from their only account is refused everywhere (403), not answered with a 500.
    const member = await withPassword(t, await t.factory.member(ten));
    const mb = await signIn(t, member);
    assert.equal((await t.req('GET', '/users/me', { headers: { host: HOST, cookie: mb.cookie } })).status, 200);
    const removed = await t.req('DELETE', `/accounts/members/${member.userId}`, { headers: { authorization: ten.headers.authorization ?? '', 'x-account-id': ten.accountId } });
    assert.equal(removed.status, 200, removed.text);
    for (const path of ['/users/me', '/users/history', '/users/accounts']) {
      const res = await t.req('GET', path, { headers: { host: HOST, cookie: mb.cookie } });
      assert.equal(res.status, 403, path);
      assert.equal(res.body.error.code, 'account_forbidden');
    }
  });
});
