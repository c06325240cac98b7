import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { describeEachDatabase } from '../../harness/app.js';
import type { Tenant } from '../../harness/factories.js';
import { acceptVersions, isoMicros } from '../../../src/http/surfaces/medialoopster/conventions.js';
import { assertMlErrors, ISO_MICROS } from './fixtures.js';

test('isoMicros writes ISO 8601 UTC with six fraction digits; acceptVersions reads the version parameter', () => {
  assert.equal(isoMicros('2017-01-13T17:30:00.897Z'), '2017-01-13T17:30:00.897000Z');
  assert.match(isoMicros('2026-12-07 05:00:00+00') ?? '', ISO_MICROS);
  assert.equal(isoMicros(null), null);
  assert.deepEqual(acceptVersions('application/json; version=1'), ['1']);
  assert.deepEqual(acceptVersions('application/json;version="2", text/html'), ['2']);
  assert.deepEqual(acceptVersions('application/json'), []);
});

describeEachDatabase('medialoopster conventions', (t) => {
  let ten: Tenant;
  before(async () => {
    ten = await t.factory.tenant();
  });

  test('GET /api/ping/ answers 204 without authentication, with or without the version in Accept', async () => {
    for (const accept of [undefined, 'application/json; version=1', 'application/json', '*/*']) {
      const res = await t.req('GET', '/api/ping/', { headers: accept ? { accept } : {} });
      assert.equal(res.status, 204, `${accept}: ${res.text}`);
      assert.equal(res.text, '');
    }
    // A wrong token does not matter on the access test.
    const res = await t.req('GET', '/api/ping/', { headers: { authorization: 'Token nonsense' } });
    assert.equal(res.status, 204);
  });

  test('an Accept header naming another version is 406 not_acceptable in the list form', async () => {
    for (const accept of ['application/json; version=2', 'application/json; version=0']) {
      const res = await t.req('GET', '/api/ping/', { headers: { accept } });
      const [e] = assertMlErrors(res, 406, 'not_acceptable');
      assert.equal(e?.title, 'Not Acceptable');
      assert.match(e?.detail ?? '', /version/);
    }
  });

  test('a path without its trailing slash: GET redirects (301, query kept), other methods 404 naming the right path', async () => {
    const get = await t.req('GET', '/api/ping?x=1');
    assert.equal(get.status, 301, get.text);
    assert.equal(get.headers.location, '/api/ping/?x=1');
    const post = await t.req('POST', '/api/api-token-auth', { json: { username: ten.key, password: ten.secret } });
    const [e] = assertMlErrors(post, 404, 'not_found');
    assert.match(e?.detail ?? '', /\/api\/api-token-auth\//);
  });

  test('unknown paths are 404 and wrong methods 405 with Allow, both in the list form', async () => {
    const nf = await t.req('GET', '/api/nothing-here/');
    const [e] = assertMlErrors(nf, 404, 'not_found');
    assert.equal(e?.title, 'Not Found');
    assert.equal(e?.source, undefined);
    const wrong = await t.req('DELETE', '/api/ping/');
    const [m] = assertMlErrors(wrong, 405, 'method_not_allowed');
    assert.equal(m?.title, 'Method Not Allowed');
    assert.match(String(wrong.headers.allow), /GET/);
  });

  test('POST /api/api-token-auth/ exchanges key + secret (JSON or form) for the core token; bad ones are 401', async () => {
    const json = await t.req('POST', '/api/api-token-auth/', { json: { username: ten.key, password: ten.secret } });
    assert.equal(json.status, 200, json.text);
    assert.deepEqual(Object.keys(json.body), ['token']);
    // The token is the core API's: it works there too.
    const me = await t.req('GET', '/users/me', { headers: { authorization: `Bearer ${json.body.token}` } });
    assert.equal(me.status, 200, me.text);
    const form = await t.req('POST', '/api/api-token-auth/', {
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ username: ten.key, password: ten.secret }).toString(),
    });
    assert.equal(form.status, 200, form.text);
    assert.equal(typeof form.body.token, 'string');
    const bad = await t.req('POST', '/api/api-token-auth/', { json: { username: ten.key, password: 'wrong' } });
    assertMlErrors(bad, 401, 'authentication_failed');
  });

  test('missing fields are 400 field errors with DRF codes and JSON pointers; malformed JSON is parse_error', async () => {
    const res = await t.req('POST', '/api/api-token-auth/', { json: {} });
    const errs = assertMlErrors(res, 400, 'required', 2);
    assert.deepEqual(
      errs.map((e) => [e.source?.pointer, e.code, e.detail, e.title]),
      [
        ['/username', 'required', 'This field is required.', 'Validation Error'],
        ['/password', 'required', 'This field is required.', 'Validation Error'],
      ],
    );
    const typed = await t.req('POST', '/api/api-token-auth/', { json: { username: 5, password: 'x' } });
    const [e] = assertMlErrors(typed, 400, 'invalid');
    assert.equal(e?.source?.pointer, '/username');
    const broken = await t.req('POST', '/api/api-token-auth/', { headers: { 'content-type': 'application/json' }, payload: '{"username":' });
    assertMlErrors(broken, 400, 'parse_error');
  });
});
