import assert from 'node:assert/strict';
import { test } from 'node:test';
import { revokeApiKey } from '../../../src/domain/auth/api-keys.service.js';
import { describeEachDatabase } from '../../harness/app.js';

describeEachDatabase('POST /auth/token and request authentication', (t) => {
  test('exchanges key + secret for a token with expires_in', async () => {
    const ten = await t.factory.tenant();
    const res = await t.req('POST', '/auth/token', { json: { account_id: ten.accountId, key: ten.key, secret: ten.secret } });
    assert.equal(res.status, 200);
    assert.deepEqual(Object.keys(res.body).sort(), ['expires_in', 'token']);
    assert.equal(res.body.expires_in, 3600);
    assert.match(res.body.token, /^[\w-]+\.[\w-]+\.[\w-]+$/);
    // account_id may be left out, as one documented example does.
    const noAccount = await t.req('POST', '/v1/auth/token', { json: { key: ten.key, secret: ten.secret } });
    assert.equal(noAccount.status, 200);
  });

  test('a wrong key, secret or account is 401 and says nothing about which', async () => {
    const ten = await t.factory.tenant();
    const other = await t.factory.tenant();
    const bodies = [
      { account_id: ten.accountId, key: ten.key, secret: `${ten.secret}x` },
      { account_id: ten.accountId, key: `${ten.key}x`, secret: ten.secret },
      { account_id: other.accountId, key: ten.key, secret: ten.secret },
    ];
    const answers = [];
    for (const json of bodies) {
      const res = await t.req('POST', '/auth/token', { json, headers: { 'x-forwarded-for': 'ignored' } });
      assert.equal(res.status, 401);
      answers.push(res.body.error);
    }
    assert.deepEqual(answers[0], answers[1]);
    assert.deepEqual(answers[1], answers[2]);
    assert.equal(answers[0].code, 'invalid_credentials');
  });

  test('bad input is 400 with the bad field named', async () => {
    const res = await t.req('POST', '/auth/token', { json: { key: 'k' } });
    assert.equal(res.status, 400);
    assert.equal(res.body.error.code, 'validation_failed');
    assert.deepEqual(res.body.error.fields, [{ in: 'body', pointer: '/secret', message: 'is required' }]);
    const malformed = await t.req('POST', '/auth/token', { payload: '{"key":', headers: { 'content-type': 'application/json' } });
    assert.equal(malformed.status, 400);
    assert.equal(malformed.body.error.code, 'malformed_json');
    assert.ok(!malformed.text.includes('SyntaxError'));
  });

  test('Bearer, Token and a bare token are accepted; a garbage token is 401', async () => {
    const ten = await t.factory.tenant();
    const h = { 'x-account-id': ten.accountId, 'x-workspace-id': ten.workspaceId };
    for (const authorization of [`Bearer ${ten.token}`, `Token ${ten.token}`, ten.token, `bearer ${ten.token}`]) {
      const res = await t.req('GET', '/workspaces', { headers: { ...h, authorization } });
      assert.equal(res.status, 200, authorization.slice(0, 10));
    }
    for (const authorization of ['Bearer nope', 'Bearer ', `Bearer ${ten.token}x`]) {
      const res = await t.req('GET', '/workspaces', { headers: { ...h, authorization } });
      assert.equal(res.status, 401);
      assert.equal(res.body.error.code, authorization === 'Bearer ' ? 'unauthenticated' : 'invalid_token');
    }
    const none = await t.req('GET', '/workspaces', { headers: h });
    assert.equal(none.status, 401);
    assert.equal(none.body.error.code, 'unauthenticated');
  });

  test('tokens expire', async () => {
    const ten = await t.factory.tenant();
    t.clock.advance(3601);
    try {
      const res = await t.req('GET', '/workspaces', { headers: ten.headers });
      assert.equal(res.status, 401);
      assert.equal(res.body.error.code, 'invalid_token');
    } finally {
      t.clock.advance(-3601);
    }
  });

  test('a revoked key stops working at once, tokens included', async () => {
    const ten = await t.factory.tenant();
    assert.equal((await t.req('GET', '/workspaces', { headers: ten.headers })).status, 200);
    await revokeApiKey(t.deps, { idOrKey: ten.key });
    assert.equal((await t.req('GET', '/workspaces', { headers: ten.headers })).status, 401);
    const again = await t.req('POST', '/auth/token', { json: { key: ten.key, secret: ten.secret } });
    assert.equal(again.status, 401);
  });

  test('tenancy headers: missing or malformed is 400, another account or workspace is 403', async () => {
    const ten = await t.factory.tenant();
    const other = await t.factory.tenant();
    const auth = { authorization: `Bearer ${ten.token}` };
    const cases: Array<[Record<string, string>, number, string]> = [
      [{ 'x-workspace-id': ten.workspaceId }, 400, 'header_missing'],
      [{ 'x-account-id': ten.accountId }, 400, 'header_missing'],
      [{ 'x-account-id': 'nope', 'x-workspace-id': ten.workspaceId }, 400, 'header_malformed'],
      [{ 'x-account-id': ten.accountId, 'x-workspace-id': 'nope' }, 400, 'header_malformed'],
      [{ 'x-account-id': other.accountId, 'x-workspace-id': other.workspaceId }, 403, 'account_forbidden'],
      [{ 'x-account-id': ten.accountId, 'x-workspace-id': other.workspaceId }, 403, 'workspace_forbidden'],
    ];
    for (const [headers, status, code] of cases) {
      const res = await t.req('GET', '/workspaces', { headers: { ...auth, ...headers } });
      assert.equal(res.status, status, JSON.stringify(headers));
      assert.equal(res.body.error.code, code);
    }
    // Header names are case-insensitive.
    const upper = await t.req('GET', '/workspaces', {
      headers: { Authorization: `Bearer ${ten.token}`, 'X-Account-Id': ten.accountId, 'X-Workspace-Id': ten.workspaceId },
    });
    assert.equal(upper.status, 200);
  });

  test('a member without a role in the workspace is refused with 403', async () => {
    const ten = await t.factory.tenant();
    const outsider = await t.factory.member(ten, { account: 'member', workspace: null });
    const res = await t.req('GET', '/workspaces', { headers: outsider.headers });
    assert.equal(res.status, 403);
  });

  test('repeated failures are rate limited with Retry-After, and the limit is per key and address', async () => {
    const ten = await t.factory.tenant();
    const max = t.config.auth.rateLimitMax;
    for (let i = 0; i < max; i++) {
      const res = await t.req('POST', '/auth/token', { json: { key: ten.key, secret: 'wrong' } });
      assert.equal(res.status, 401);
    }
    const limited = await t.req('POST', '/auth/token', { json: { key: ten.key, secret: ten.secret } });
    assert.equal(limited.status, 429);
    assert.equal(limited.body.error.code, 'too_many_attempts');
    const retryAfter = Number(limited.headers['retry-after']);
    assert.ok(retryAfter >= 1 && retryAfter <= t.config.auth.rateLimitWindowSeconds, String(retryAfter));
    t.clock.advance(t.config.auth.rateLimitWindowSeconds + 1);
    try {
      const ok = await t.req('POST', '/auth/token', { json: { key: ten.key, secret: ten.secret } });
      assert.equal(ok.status, 200);
    } finally {
      t.clock.advance(-(t.config.auth.rateLimitWindowSeconds + 1));
    }
  });

  test('unknown routes are JSON 404s with a request id', async () => {
    const res = await t.req('GET', '/no/such/route');
    assert.equal(res.status, 404);
    assert.equal(res.body.error.code, 'route_not_found');
    assert.equal(typeof res.body.request_id, 'string');
    assert.equal(res.headers['x-request-id'], res.body.request_id);
  });
});
