import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeEachDatabase } from '../../harness/app.js';
import type { Tenant } from '../../harness/factories.js';
import { setUserPassword } from '../../../src/domain/auth/passwords.service.js';
import { REFRESH_TOKENS_PER_KEY } from '../../../src/domain/auth/refresh-tokens.service.js';
import { assertWsError, bearer, form, FORM } from './fixtures.js';

describeEachDatabase('workstream: OAuth2 token, bearer auth and tenancy', (t) => {
  let a: Tenant;
  let b: Tenant;

  test('setup', async () => {
    a = await t.factory.tenant();
    b = await t.factory.tenant();
  });

  test('client_credentials, form-encoded: a lower-case bearer token that works on the surface', async () => {
    const res = await t.req('POST', '/workstream/oauth2/token', {
      headers: FORM,
      payload: form([['grant_type', 'client_credentials'], ['client_id', a.key], ['client_secret', a.secret]]),
    });
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(Object.keys(res.body).sort(), ['access_token', 'expires_in', 'refresh_token', 'token_type']);
    assert.match(res.body.refresh_token, /^rt_[A-Za-z0-9_-]{43}$/);
    assert.equal(res.body.token_type, 'bearer');
    assert.equal(res.body.expires_in, t.config.auth.tokenTtlSeconds);
    assert.equal(res.headers['cache-control'], 'no-store');
    const statuses = await t.req('GET', '/workstream/statuses', { headers: { authorization: `Bearer ${res.body.access_token}` } });
    assert.equal(statuses.status, 200, statuses.text);
    assert.ok(statuses.body.length >= 4);
  });

  test('password grant with the key as username/password (JSON), and parameters in the query string', async () => {
    const json = await t.req('POST', '/workstream/oauth2/token', { json: { grant_type: 'password', username: a.key, password: a.secret } });
    assert.equal(json.status, 200, json.text);
    assert.equal(typeof json.body.access_token, 'string');
    const query = await t.req('POST', `/workstream/oauth2/token?${form([['grant_type', 'client_credentials'], ['client_id', a.key], ['client_secret', a.secret]])}`);
    assert.equal(query.status, 200, query.text);
  });

  test('bad credentials, a missing or unsupported grant: 400 in the OAuth shape', async () => {
    const bad = await t.req('POST', '/workstream/oauth2/token', {
      headers: FORM,
      payload: form([['grant_type', 'client_credentials'], ['client_id', a.key], ['client_secret', 'wrong']]),
    });
    assert.equal(bad.status, 400, bad.text);
    assert.deepEqual(bad.body, { error: 'invalid_client', error_description: 'The client credentials are invalid' });
    const unsupported = await t.req('POST', '/workstream/oauth2/token', { headers: FORM, payload: form([['grant_type', 'authorization_code'], ['code', 'x']]) });
    assert.equal(unsupported.status, 400);
    assert.equal(unsupported.body.error, 'unsupported_grant_type');
    const none = await t.req('POST', '/workstream/oauth2/token', { headers: FORM, payload: form([['client_id', a.key]]) });
    assert.equal(none.status, 400);
    assert.equal(none.body.error, 'invalid_request');
    const missingSecret = await t.req('POST', '/workstream/oauth2/token', { json: { grant_type: 'client_credentials', client_id: a.key } });
    assert.equal(missingSecret.status, 400);
    assert.equal(missingSecret.body.error, 'invalid_request');
    const wrongType = await t.req('POST', '/workstream/oauth2/token', { json: { grant_type: 'client_credentials', client_id: 5, client_secret: a.secret } });
    assert.equal(wrongType.status, 400, wrongType.text);
    assert.equal(wrongType.body.error, 'invalid_request');
  });

  test('refresh_token grant: a new access token, the same reusable refresh token; only the hash is stored', async () => {
    const first = await t.req('POST', '/workstream/oauth2/token', { headers: FORM, payload: form([['grant_type', 'client_credentials'], ['client_id', a.key], ['client_secret', a.secret]]) });
    assert.equal(first.status, 200, first.text);
    const rt: string = first.body.refresh_token;
    const stored = await t.deps.db.selectFrom('oauth_refresh_tokens').selectAll().where('api_key_id', '=', a.keyId).execute();
    assert.ok(stored.length >= 1);
    assert.ok(stored.every((r) => r.token_hash !== rt && /^[0-9a-f]{64}$/.test(r.token_hash)));
    assert.ok(stored.every((r) => r.account_id === a.accountId && r.user_id === a.userId));
    const before = await t.count('oauth_refresh_tokens');
    for (let i = 0; i < 2; i++) {
      // Form body the first time, query string the second: reusable, and no new row per refresh.
      const refreshed =
        i === 0
          ? await t.req('POST', '/workstream/oauth2/token', { headers: FORM, payload: form([['grant_type', 'refresh_token'], ['refresh_token', rt], ['client_id', a.key], ['client_secret', a.secret]]) })
          : await t.req('POST', `/workstream/oauth2/token?${form([['grant_type', 'refresh_token'], ['refresh_token', rt], ['client_id', a.key], ['client_secret', a.secret]])}`);
      assert.equal(refreshed.status, 200, refreshed.text);
      assert.equal(refreshed.body.refresh_token, rt);
      assert.equal(refreshed.body.token_type, 'bearer');
      assert.equal(refreshed.body.expires_in, t.config.auth.tokenTtlSeconds);
      assert.equal(refreshed.headers['cache-control'], 'no-store');
      const me = await t.req('GET', '/workstream/statuses', { headers: { authorization: `Bearer ${refreshed.body.access_token}` } });
      assert.equal(me.status, 200, me.text);
    }
    assert.equal(await t.count('oauth_refresh_tokens'), before);
    const used = await t.deps.db.selectFrom('oauth_refresh_tokens').select('last_used_at').where('api_key_id', '=', a.keyId).where('last_used_at', 'is not', null).execute();
    assert.equal(used.length, 1);
  });

  test('refresh_token grant refused: wrong or unknown token (invalid_grant), wrong client (invalid_client), missing (invalid_request)', async () => {
    const other = await t.factory.member(a);
    const mine = (await t.req('POST', '/workstream/oauth2/token', { json: { grant_type: 'client_credentials', client_id: a.key, client_secret: a.secret } })).body.refresh_token as string;
    const refresh = (pairs: Array<[string, string]>) => t.req('POST', '/workstream/oauth2/token', { headers: FORM, payload: form([['grant_type', 'refresh_token'], ...pairs]) });
    const unknown = await refresh([['refresh_token', `rt_${'A'.repeat(43)}`], ['client_id', a.key], ['client_secret', a.secret]]);
    assert.equal(unknown.status, 400, unknown.text);
    assert.deepEqual(unknown.body, { error: 'invalid_grant', error_description: 'The refresh token is invalid or revoked' });
    assert.equal((await refresh([['refresh_token', 'garbage'], ['client_id', a.key], ['client_secret', a.secret]])).body.error, 'invalid_grant');
    // Another client's key with its own right secret: the token is not theirs.
    const foreign = await refresh([['refresh_token', mine], ['client_id', other.key], ['client_secret', other.secret]]);
    assert.equal(foreign.status, 400);
    assert.equal(foreign.body.error, 'invalid_grant');
    const foreignTenant = await refresh([['refresh_token', mine], ['client_id', b.key], ['client_secret', b.secret]]);
    assert.equal(foreignTenant.body.error, 'invalid_grant');
    const wrongSecret = await refresh([['refresh_token', mine], ['client_id', a.key], ['client_secret', 'wrong']]);
    assert.equal(wrongSecret.status, 400);
    assert.deepEqual(wrongSecret.body, { error: 'invalid_client', error_description: 'The client credentials are invalid' });
    const noToken = await refresh([['client_id', a.key], ['client_secret', a.secret]]);
    assert.equal(noToken.status, 400);
    assert.equal(noToken.body.error, 'invalid_request');
    const noClient = await refresh([['refresh_token', mine]]);
    assert.equal(noClient.status, 400);
    assert.equal(noClient.body.error, 'invalid_request');
    // The right one still works after all that.
    assert.equal((await refresh([['refresh_token', mine], ['client_id', a.key], ['client_secret', a.secret]])).status, 200);
  });

  test('a refresh token stops working when its key is revoked or its user is removed from the account', async () => {
    const revokedUser = await t.factory.member(a);
    const removedUser = await t.factory.member(a);
    const grant = async (ten: Tenant) =>
      (await t.req('POST', '/workstream/oauth2/token', { json: { grant_type: 'client_credentials', client_id: ten.key, client_secret: ten.secret } })).body.refresh_token as string;
    const refresh = (ten: Tenant, rt: string) => t.req('POST', '/workstream/oauth2/token', { json: { grant_type: 'refresh_token', refresh_token: rt, client_id: ten.key, client_secret: ten.secret } });
    const rtRevoked = await grant(revokedUser);
    const rtRemoved = await grant(removedUser);
    assert.equal((await refresh(revokedUser, rtRevoked)).status, 200);
    assert.equal((await refresh(removedUser, rtRemoved)).status, 200);
    const revoke = await t.req('DELETE', `/users/me/keys/${revokedUser.keyId}`, { headers: revokedUser.headers });
    assert.equal(revoke.status, 200, revoke.text);
    const afterRevoke = await refresh(revokedUser, rtRevoked);
    assert.equal(afterRevoke.status, 400);
    assert.equal(afterRevoke.body.error, 'invalid_client');
    const removal = await t.req('DELETE', `/accounts/members/${removedUser.userId}`, { headers: a.headers });
    assert.equal(removal.status, 200, removal.text);
    const afterRemoval = await refresh(removedUser, rtRemoved);
    assert.equal(afterRemoval.status, 400);
    assert.ok(['invalid_client', 'invalid_grant'].includes(afterRemoval.body.error));
    // Even were the key left live, the membership check refuses the grant.
    await t.deps.db.updateTable('api_keys').set({ revoked_at: null }).where('id', '=', removedUser.keyId).execute();
    const unrevoked = await refresh(removedUser, rtRemoved);
    assert.equal(unrevoked.status, 400);
    assert.equal(unrevoked.body.error, 'invalid_grant');
  });

  test('each key keeps its newest 20 refresh tokens: the 21st grant drops the oldest; a deactivated user is refused', async () => {
    const ten = await t.factory.member(a);
    const grant = async () =>
      (await t.req('POST', '/workstream/oauth2/token', { json: { grant_type: 'client_credentials', client_id: ten.key, client_secret: ten.secret } })).body.refresh_token as string;
    const refresh = (rt: string) => t.req('POST', '/workstream/oauth2/token', { json: { grant_type: 'refresh_token', refresh_token: rt, client_id: ten.key, client_secret: ten.secret } });
    const tokens: string[] = [];
    for (let i = 0; i < REFRESH_TOKENS_PER_KEY + 1; i++) {
      tokens.push(await grant());
    }
    assert.equal(new Set(tokens).size, tokens.length);
    const rows = await t.deps.db.selectFrom('oauth_refresh_tokens').select('id').where('api_key_id', '=', ten.keyId).execute();
    assert.equal(rows.length, REFRESH_TOKENS_PER_KEY);
    const oldest = await refresh(tokens[0]!);
    assert.equal(oldest.status, 400);
    assert.equal(oldest.body.error, 'invalid_grant');
    assert.equal((await refresh(tokens[1]!)).status, 200);
    await t.deps.db.updateTable('users').set({ is_active: 0 }).where('id', '=', ten.userId).execute();
    const inactive = await refresh(tokens[1]!);
    assert.equal(inactive.status, 400);
    assert.equal(inactive.body.error, 'invalid_client');
  });

  test('wrong refresh tokens are rate limited like wrong secrets: 429 with Retry-After', async () => {
    const ten = await t.factory.tenant();
    const tries = t.config.auth.rateLimitMax;
    const attempt = () =>
      t.app.inject({
        method: 'POST',
        url: '/workstream/oauth2/token',
        remoteAddress: '10.9.8.7',
        headers: FORM,
        payload: form([['grant_type', 'refresh_token'], ['refresh_token', `rt_${'B'.repeat(43)}`], ['client_id', ten.key], ['client_secret', ten.secret]]),
      });
    for (let i = 0; i < tries; i++) {
      const r = await attempt();
      assert.equal(r.statusCode, 400, r.body);
      assert.equal(r.json().error, 'invalid_grant');
    }
    const limited = await attempt();
    assert.equal(limited.statusCode, 429, limited.body);
    assert.ok(Number(limited.headers['retry-after']) >= 1);
    assert.equal(limited.json().error, 'invalid_client');
  });

  test('password grant: a user\'s e-mail and password are not accepted (a token acts as its API key\'s user)', async () => {
    const ten = await t.factory.tenant();
    await setUserPassword(t.deps, { email: ten.email, password: 'a long enough passphrase' });
    const res = await t.req('POST', '/workstream/oauth2/token', {
      headers: FORM,
      payload: form([['grant_type', 'password'], ['username', ten.email], ['password', 'a long enough passphrase'], ['client_id', ten.key], ['client_secret', ten.secret]]),
    });
    assert.equal(res.status, 400, res.text);
    assert.equal(res.body.error, 'invalid_client');
    // The key and secret as username/password work, with a refresh token.
    const ok = await t.req('POST', '/workstream/oauth2/token', { headers: FORM, payload: form([['grant_type', 'password'], ['username', ten.key], ['password', ten.secret]]) });
    assert.equal(ok.status, 200, ok.text);
    assert.match(ok.body.refresh_token, /^rt_/);
  });

  test('no token, a bad token: 401 with error_description and WWW-Authenticate', async () => {
    const none = await t.req('GET', '/workstream/tasks');
    const body = assertWsError(none, 401, 'unauthenticated');
    assert.equal(body.error, 'invalid_token');
    assert.equal(typeof body.error_description, 'string');
    assert.match(String(none.headers['www-authenticate']), /^Bearer/);
    assertWsError(await t.req('GET', '/workstream/tasks', { headers: { authorization: 'Bearer not-a-token' } }), 401, 'invalid_token');
    assertWsError(await t.req('GET', '/workstream/statuses', { headers: { authorization: `Bearer ${a.token}x` } }), 401);
  });

  test('tenancy: the key\'s account and its oldest workspace; x-workspace-id picks another, never another account\'s', async () => {
    const second = await t.factory.workspace(a, 'Second');
    // A task in the second workspace shows only when that workspace is chosen.
    const made = await t.req('POST', '/workspaces/tasks', { headers: { ...a.headers, 'x-workspace-id': second }, json: { title: 'In second' } });
    assert.equal(made.status, 200, made.text);
    const byDefault = await t.req('GET', '/workstream/tasks', { headers: bearer(a) });
    assert.equal(byDefault.status, 200, byDefault.text);
    assert.equal(byDefault.body.some((x: { name: string }) => x.name === 'In second'), false);
    const chosen = await t.req('GET', '/workstream/tasks', { headers: { ...bearer(a), 'x-workspace-id': second } });
    assert.deepEqual(chosen.body.map((x: { name: string }) => x.name), ['In second']);
    assertWsError(await t.req('GET', '/workstream/tasks', { headers: { ...bearer(a), 'x-workspace-id': b.workspaceId } }), 403, 'workspace_forbidden');
    assertWsError(await t.req('GET', '/workstream/tasks', { headers: { ...bearer(a), 'x-workspace-id': 'nope' } }), 422, 'header_malformed');
  });

  test('a member of no workspace: 403; a revoked key: 401', async () => {
    const loner = await t.factory.member(a, { workspace: null });
    assertWsError(await t.req('GET', '/workstream/statuses', { headers: bearer(loner) }), 403, 'workspace_forbidden');
    await t.deps.db.updateTable('api_keys').set({ revoked_at: new Date().toISOString() }).where('id', '=', loner.keyId).execute();
    assertWsError(await t.req('GET', '/workstream/statuses', { headers: bearer(loner) }), 401, 'invalid_token');
  });

  test('unknown routes and methods answer in the surface\'s shape', async () => {
    assertWsError(await t.req('GET', '/workstream/nope', { headers: bearer(a) }), 404, 'route_not_found');
    const wrong = await t.req('PATCH', '/workstream/statuses', { headers: bearer(a) });
    assertWsError(wrong, 405, 'method_not_allowed');
    assert.equal(wrong.headers.allow, 'GET, HEAD');
    // The core API keeps its own shape.
    const core = await t.req('GET', '/nope');
    assert.equal(core.body.error.code, 'route_not_found');
  });
});
