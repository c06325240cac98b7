import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { test } from 'node:test';
import { SignJWT } from 'jose';
import { verifyHs256 } from './jwt-hs256.js';

const key = new TextEncoder().encode('k'.repeat(48));
const other = new TextEncoder().encode('x'.repeat(48));
const now = new Date('2026-11-23T10:00:00Z');
const sec = Math.floor(now.getTime() / 1000);

const sign = (claims: Record<string, unknown>, k = key, header: Record<string, unknown> = { alg: 'HS256', typ: 'JWT' }) =>
  new SignJWT(claims).setProtectedHeader(header as { alg: string }).sign(k);

const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');

test('accepts what jose signs and returns the claims', async () => {
  const token = await sign({ sub: 'u', acc: 'a', kid: 'k', iss: 'atelier', iat: sec, exp: sec + 60 });
  assert.deepEqual(verifyHs256(token, key, { issuer: 'atelier', now }), { sub: 'u', acc: 'a', kid: 'k', iss: 'atelier', iat: sec, exp: sec + 60 });
});

test('refuses expiry, not-before, issuer, key and tampering', async () => {
  const base = { sub: 'u', iss: 'atelier', exp: sec + 60 };
  assert.equal(verifyHs256(await sign({ ...base, exp: sec }), key, { issuer: 'atelier', now }), undefined);
  assert.equal(verifyHs256(await sign({ sub: 'u', iss: 'atelier' }), key, { issuer: 'atelier', now }), undefined);
  assert.equal(verifyHs256(await sign({ ...base, nbf: sec + 10 }), key, { issuer: 'atelier', now }), undefined);
  assert.equal(verifyHs256(await sign({ ...base, iss: 'other' }), key, { issuer: 'atelier', now }), undefined);
  assert.equal(verifyHs256(await sign(base, other), key, { issuer: 'atelier', now }), undefined);
  const [h, , s] = (await sign(base)).split('.');
  assert.equal(verifyHs256(`${h}.${b64({ ...base, sub: 'admin' })}.${s}`, key, { issuer: 'atelier', now }), undefined);
});

test('refuses alg none, other algorithms, crit headers and malformed tokens', () => {
  const payload = b64({ sub: 'u', iss: 'atelier', exp: sec + 60 });
  const mac = (h: string) => createHmac('sha256', key).update(`${h}.${payload}`).digest('base64url');
  const none = b64({ alg: 'none' });
  assert.equal(verifyHs256(`${none}.${payload}.`, key, { issuer: 'atelier', now }), undefined);
  const hs512 = b64({ alg: 'HS512' });
  assert.equal(verifyHs256(`${hs512}.${payload}.${mac(hs512)}`, key, { issuer: 'atelier', now }), undefined);
  const crit = b64({ alg: 'HS256', crit: ['x'], x: 1 });
  assert.equal(verifyHs256(`${crit}.${payload}.${mac(crit)}`, key, { issuer: 'atelier', now }), undefined);
  const ok = b64({ alg: 'HS256' });
  assert.ok(verifyHs256(`${ok}.${payload}.${mac(ok)}`, key, { issuer: 'atelier', now }));
  for (const bad of ['', 'a.b', 'a.b.c.d', `${ok}.${payload}.${mac(ok)}=`, `${ok}.${b64([1])}.x`, '!!.??.##']) {
    assert.equal(verifyHs256(bad, key, { issuer: 'atelier', now }), undefined, bad);
  }
});
