import assert from 'node:assert/strict';
import { createHook } from 'node:async_hooks';
import { test } from 'node:test';
import { revokeApiKey } from '../../../src/domain/auth/api-keys.service.js';
import { describeEachDatabase, type TestApp } from '../../harness/app.js';

/** POST /auth/token from a given client address (the socket's address; no proxy is trusted). */
async function tokenFrom(t: TestApp, remoteAddress: string, json: Record<string, unknown>) {
  const res = await t.app.inject({ method: 'POST', url: '/auth/token', remoteAddress, headers: { 'content-type': 'application/json' }, payload: JSON.stringify(json) });
  return { status: res.statusCode, body: res.json(), headers: res.headers };
}

/** How many scrypt computations Node started while `fn` ran (async_hooks sees each one as a SCRYPTREQUEST). */
async function scryptRuns(fn: () => Promise<unknown>): Promise<number> {
  let n = 0;
  const hook = createHook({
    init(_id, type) {
      if (type === 'SCRYPTREQUEST') {
        n += 1;
      }
    },
  }).enable();
  try {
    await fn();
  } finally {
    hook.disable();
  }
  return n;
}

describeEachDatabase('POST /auth/token throttling and timing', (t) => {
  test("an attacker's failures get the attacker 429 with Retry-After, and the owner elsewhere still gets a token", async () => {
    const ten = await t.factory.tenant();
    const max = t.config.auth.rateLimitMax;
    for (let i = 0; i < max + 2; i++) {
      const res = await tokenFrom(t, '203.0.113.7', { key: ten.key, secret: `wrong-${i}` });
      assert.equal(res.status, i < max ? 401 : 429, `attempt ${i + 1}`);
    }
    // The attacker stays limited even with the right secret...
    const limited = await tokenFrom(t, '203.0.113.7', { key: ten.key, secret: ten.secret });
    assert.equal(limited.status, 429);
    assert.equal(limited.body.error.code, 'too_many_attempts');
    assert.equal(typeof limited.body.request_id, 'string');
    const retryAfter = Number(limited.headers['retry-after']);
    assert.ok(retryAfter >= 1 && retryAfter <= t.config.auth.rateLimitWindowSeconds, String(retryAfter));
    // ...while the owner, from another address, is not locked out.
    const owner = await tokenFrom(t, '198.51.100.2', { account_id: ten.accountId, key: ten.key, secret: ten.secret });
    assert.equal(owner.status, 200);
    assert.equal(typeof owner.body.token, 'string');
    // Addresses in the attacker's IPv6 /64 count as one.
    for (let i = 0; i < max; i++) {
      assert.equal((await tokenFrom(t, `2001:db8:7:7::${i + 1}`, { key: ten.key, secret: 'wrong' })).status, 401);
    }
    assert.equal((await tokenFrom(t, '2001:db8:7:7:ffff::1', { key: ten.key, secret: ten.secret })).status, 429);
    assert.equal((await tokenFrom(t, '2001:db8:7:8::1', { key: ten.key, secret: ten.secret })).status, 200);
  });

  test('one address trying many keys is limited across keys, other addresses are not', async () => {
    const ten = await t.factory.tenant();
    const perAddress = t.config.auth.rateLimitMax * 5;
    for (let i = 0; i < perAddress; i++) {
      const res = await tokenFrom(t, '203.0.113.50', { key: `ak_guess_${i}`, secret: 'wrong' });
      assert.equal(res.status, 401, `attempt ${i + 1}`);
    }
    const next = await tokenFrom(t, '203.0.113.50', { key: ten.key, secret: ten.secret });
    assert.equal(next.status, 429);
    assert.ok(Number(next.headers['retry-after']) >= 1);
    assert.equal((await tokenFrom(t, '203.0.113.51', { key: ten.key, secret: ten.secret })).status, 200);
  });

  test('a success from an address forgets that address’s failures with that key', async () => {
    const ten = await t.factory.tenant();
    const max = t.config.auth.rateLimitMax;
    for (let i = 0; i < max - 1; i++) {
      assert.equal((await tokenFrom(t, '198.51.100.9', { key: ten.key, secret: 'typo' })).status, 401);
    }
    assert.equal((await tokenFrom(t, '198.51.100.9', { key: ten.key, secret: ten.secret })).status, 200);
    for (let i = 0; i < max - 1; i++) {
      assert.equal((await tokenFrom(t, '198.51.100.9', { key: ten.key, secret: 'typo' })).status, 401, `typo ${i + 1}`);
    }
    assert.equal((await tokenFrom(t, '198.51.100.9', { key: ten.key, secret: ten.secret })).status, 200);
  });

  test('unknown keys, wrong secrets, revoked keys and other accounts all run the same one scrypt check', async () => {
    const ten = await t.factory.tenant();
    const other = await t.factory.tenant();
    const revoked = await t.factory.tenant();
    await revokeApiKey(t.deps, { idOrKey: revoked.key });
    const cases: Array<[string, Record<string, unknown>, number]> = [
      ['unknown key', { key: 'ak_does_not_exist', secret: 'sk_whatever' }, 401],
      ['known key, wrong secret', { key: ten.key, secret: 'sk_wrong' }, 401],
      ['revoked key', { key: revoked.key, secret: 'sk_wrong' }, 401],
      ['another account', { account_id: other.accountId, key: ten.key, secret: 'sk_wrong' }, 401],
      ['right secret', { key: ten.key, secret: ten.secret }, 200],
    ];
    for (const [name, json, status] of cases) {
      let res: Awaited<ReturnType<typeof tokenFrom>> | undefined;
      const runs = await scryptRuns(async () => {
        res = await tokenFrom(t, '192.0.2.77', json);
      });
      assert.equal(res?.status, status, name);
      assert.equal(runs, 1, `${name}: scrypt runs`);
    }
  });
});

// Behind a reverse proxy every client reaches Atelier from the proxy's address: TRUST_PROXY lets the per-address
// limits see the clients' own addresses (X-Forwarded-For), and only from the listed proxies.
describeEachDatabase(
  'POST /auth/token throttling behind a trusted proxy',
  (t) => {
    const viaProxy = (proxy: string, client: string, json: Record<string, unknown>) =>
      t.app.inject({
        method: 'POST',
        url: '/auth/token',
        remoteAddress: proxy,
        headers: { 'content-type': 'application/json', 'x-forwarded-for': client },
        payload: JSON.stringify(json),
      });

    test("an attacker behind the proxy is limited by its own address, and the owner behind the same proxy is not", async () => {
      const ten = await t.factory.tenant();
      const max = t.config.auth.rateLimitMax;
      for (let i = 0; i < max; i++) {
        assert.equal((await viaProxy('10.1.2.3', '203.0.113.9', { key: ten.key, secret: 'wrong' })).statusCode, 401);
      }
      assert.equal((await viaProxy('10.1.2.3', '203.0.113.9', { key: ten.key, secret: ten.secret })).statusCode, 429);
      assert.equal((await viaProxy('10.1.2.3', '198.51.100.20', { key: ten.key, secret: ten.secret })).statusCode, 200);
      // A client that is not a listed proxy cannot choose its address with the header.
      for (let i = 0; i < max; i++) {
        assert.equal((await viaProxy('192.0.2.50', `203.0.113.${100 + i}`, { key: ten.key, secret: 'wrong' })).statusCode, 401);
      }
      assert.equal((await viaProxy('192.0.2.50', '203.0.113.200', { key: ten.key, secret: ten.secret })).statusCode, 429);
    });
  },
  { TRUST_PROXY: '10.0.0.0/8,127.0.0.1' },
);
