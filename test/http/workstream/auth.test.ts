import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeEachDatabase } from '../../harness/app.js';
import type { Tenant } from '../../harness/factories.js';
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
    assert.deepEqual(Object.keys(res.body).sort(), ['access_token', 'expires_in', 'token_type']);
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
    const unsupported = await t.req('POST', '/workstream/oauth2/token', { headers: FORM, payload: form([['grant_type', 'refresh_token'], ['refresh_token', 'x']]) });
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
