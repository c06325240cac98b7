import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { connect } from 'node:net';
import { test } from 'node:test';
import { ConfigError, loadConfig } from '../../src/config/config.js';
import { describeEachDatabase, type Res, type TestApp } from '../harness/app.js';

/** The core API's error shape, with the request id in the body and the header. */
function assertErrorShape(res: Pick<Res, 'status' | 'body' | 'headers'>, status: number, code: string): void {
  assert.equal(res.status, status);
  assert.deepEqual(Object.keys(res.body).sort(), ['error', 'request_id']);
  assert.deepEqual(Object.keys(res.body.error).sort(), ['code', 'message']);
  assert.equal(res.body.error.code, code);
  assert.equal(typeof res.body.error.message, 'string');
  assert.ok(res.body.error.message.length > 0);
  assert.equal(typeof res.body.request_id, 'string');
  assert.equal(res.headers['x-request-id'], res.body.request_id);
}

function assertSecurityHeaders(headers: Res['headers'], csp = "default-src 'none'; frame-ancestors 'none'"): void {
  assert.equal(headers['x-content-type-options'], 'nosniff');
  assert.equal(headers['x-frame-options'], 'DENY');
  assert.equal(headers['referrer-policy'], 'no-referrer');
  assert.equal(headers['content-security-policy'], csp);
}

/** Writes raw bytes to a listening app and reads the whole answer (status, headers, JSON body). */
async function rawHttp(t: TestApp, request: string): Promise<Res> {
  const address = t.app.server.address();
  assert.ok(address && typeof address === 'object');
  const socket = connect(address.port, '127.0.0.1');
  const chunks: Buffer[] = [];
  socket.on('data', (d: Buffer) => chunks.push(d));
  await new Promise<void>((resolve, reject) => {
    socket.on('error', reject);
    socket.on('close', () => resolve());
    socket.write(request);
  });
  const text = Buffer.concat(chunks).toString('utf8');
  const [head = '', body = ''] = text.split('\r\n\r\n');
  const [statusLine = '', ...lines] = head.split('\r\n');
  const headers: Res['headers'] = {};
  for (const line of lines) {
    const i = line.indexOf(':');
    headers[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
  }
  return { status: Number(statusLine.split(' ')[1]), headers, body: JSON.parse(body), text };
}

describeEachDatabase('HTTP edges: error shape, 405, parser errors, security headers', (t) => {
  test('a badly percent-encoded URL is 400 bad_url in the error shape', async () => {
    for (const url of ['/workspaces/%zz', '/v1/workspaces/assets/%E0%A4%A', '/workspaces/assets/%']) {
      const res = await t.req('GET', url);
      assertErrorShape(res, 400, 'bad_url');
      assertSecurityHeaders(res.headers);
    }
  });

  test('a path segment over the router limit is 414 uri_too_long in the error shape', async () => {
    const res = await t.req('GET', `/workspaces/assets/${'a'.repeat(150)}`);
    assertErrorShape(res, 414, 'uri_too_long');
    assertSecurityHeaders(res.headers);
  });

  test('a wrong method on an existing path is 405 with Allow; an unknown path stays 404', async () => {
    const ten = await t.factory.tenant();
    const put = await t.req('PUT', `/workspaces/assets/${randomUUID()}`, { headers: ten.headers, json: {} });
    assertErrorShape(put, 405, 'method_not_allowed');
    assert.equal(put.headers.allow, 'GET, HEAD, PATCH, DELETE');
    const prefixed = await t.req('PATCH', '/v1/healthz');
    assertErrorShape(prefixed, 405, 'method_not_allowed');
    assert.equal(prefixed.headers.allow, 'GET, HEAD');
    const token = await t.req('GET', '/auth/token');
    assertErrorShape(token, 405, 'method_not_allowed');
    assert.equal(token.headers.allow, 'POST');
    const missing = await t.req('GET', '/no/such/route');
    assertErrorShape(missing, 404, 'route_not_found');
    assert.equal(missing.headers.allow, undefined);
  });

  test('every answer carries nosniff, a CSP, frame and referrer rules; /docs gets a policy swagger-ui can run under', async () => {
    const ten = await t.factory.tenant();
    for (const res of [
      await t.req('GET', '/workspaces', { headers: ten.headers }),
      await t.req('GET', '/workspaces'),
      await t.req('GET', '/no/such/route'),
      await t.req('POST', '/auth/token', { json: {} }),
      await t.req('GET', '/healthz'),
      await t.req('GET', '/openapi.json'),
    ]) {
      assertSecurityHeaders(res.headers);
    }
    const docs = await t.req('GET', '/docs/');
    assert.equal(docs.status, 200);
    assert.match(String(docs.headers['content-type']), /text\/html/);
    const docsCsp = String(docs.headers['content-security-policy']);
    assertSecurityHeaders(docs.headers, docsCsp);
    assert.match(docsCsp, /(^|; )default-src 'none'(;|$)/);
    assert.match(docsCsp, /(^|; )script-src 'self'(;|$)/);
    assert.match(docsCsp, /(^|; )connect-src 'self'(;|$)/);
    assert.match(docsCsp, /(^|; )frame-ancestors 'none'(;|$)/);
    // Everything the page loads comes from this origin, and it has no inline script the policy would block.
    assert.doesNotMatch(docs.text, /<script>(?!\s*<\/script>)|<script(?![^>]*\bsrc=)[^>]*>\s*\S/);
    for (const src of docs.text.matchAll(/(?:src|href)="([^"]+)"/g)) {
      assert.ok(!/^[a-z]+:\/\//i.test(src[1] ?? ''), `loads ${src[1]} from elsewhere`);
    }
    const script = await t.req('GET', '/docs/static/swagger-initializer.js');
    assert.equal(script.status, 200);
    assertSecurityHeaders(script.headers, docsCsp);
  });

  test('CORS is off by default: no CORS headers, and a preflight is not answered', async () => {
    const ten = await t.factory.tenant();
    const get = await t.req('GET', '/workspaces', { headers: { ...ten.headers, origin: 'https://app.example.com' } });
    assert.equal(get.status, 200);
    assert.equal(Object.keys(get.headers).filter((h) => h.startsWith('access-control-')).length, 0);
    const preflight = await t.req('OPTIONS', '/workspaces', {
      headers: { origin: 'https://app.example.com', 'access-control-request-method': 'GET' },
    });
    assertErrorShape(preflight, 405, 'method_not_allowed');
    assert.equal(Object.keys(preflight.headers).filter((h) => h.startsWith('access-control-')).length, 0);
  });

  test('over a real socket: headers too large and a too long URL are 431, malformed HTTP is 400, in the error shape', async () => {
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    const bigHeader = await rawHttp(t, `GET /workspaces HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`);
    assertErrorShape(bigHeader, 431, 'headers_too_large');
    assertSecurityHeaders(bigHeader.headers);
    assert.match(String(bigHeader.headers['content-type']), /^application\/json/);
    const longUrl = await rawHttp(t, `GET /workspaces?q=${'a'.repeat(20_000)} HTTP/1.1\r\nHost: x\r\n\r\n`);
    assertErrorShape(longUrl, 431, 'headers_too_large');
    const garbage = await rawHttp(t, 'NOT HTTP AT ALL\r\n\r\n');
    assertErrorShape(garbage, 400, 'bad_request');
    assertSecurityHeaders(garbage.headers);
    // The server still answers afterwards.
    const ok = await fetch(`http://127.0.0.1:${(t.app.server.address() as { port: number }).port}/healthz`);
    assert.equal(ok.status, 200);
  });
});

describeEachDatabase(
  'CORS with CORS_ORIGINS set',
  (t) => {
    const allowed = 'https://app.example.com';
    test('a preflight from a listed origin is answered before authentication, with methods and headers', async () => {
      const res = await t.req('OPTIONS', '/workspaces/assets/tus', {
        headers: { origin: allowed, 'access-control-request-method': 'PATCH', 'access-control-request-headers': 'authorization, x-account-id, tus-resumable' },
      });
      assert.equal(res.status, 204);
      assert.equal(res.text, '');
      assert.equal(res.headers['access-control-allow-origin'], allowed);
      assert.equal(res.headers['access-control-allow-methods'], 'GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS');
      const allowHeaders = String(res.headers['access-control-allow-headers']).split(', ');
      for (const h of ['authorization', 'content-type', 'x-account-id', 'x-workspace-id', 'tus-resumable', 'upload-offset', 'upload-length', 'upload-metadata']) {
        assert.ok(allowHeaders.includes(h), h);
      }
      assert.equal(res.headers['access-control-max-age'], '600');
      assert.match(String(res.headers.vary), /Origin/);
      assert.equal(res.headers['access-control-allow-credentials'], undefined);
    });

    test('a request from a listed origin gets Allow-Origin and the exposed headers; others get no CORS headers', async () => {
      const ten = await t.factory.tenant();
      const ok = await t.req('GET', '/workspaces', { headers: { ...ten.headers, origin: allowed } });
      assert.equal(ok.status, 200);
      assert.equal(ok.headers['access-control-allow-origin'], allowed);
      const exposed = String(ok.headers['access-control-expose-headers']).split(', ');
      for (const h of ['x-request-id', 'x-next-cursor', 'location', 'upload-offset', 'tus-resumable']) {
        assert.ok(exposed.includes(h), h);
      }
      assertSecurityHeaders(ok.headers);
      // An error answer carries them too, so the browser app can read it.
      const denied = await t.req('GET', '/workspaces', { headers: { origin: allowed } });
      assert.equal(denied.status, 401);
      assert.equal(denied.headers['access-control-allow-origin'], allowed);

      for (const origin of ['https://evil.example.com', 'https://app.example.com.evil.test', 'http://app.example.com', 'null']) {
        const other = await t.req('GET', '/workspaces', { headers: { ...ten.headers, origin } });
        assert.equal(other.status, 200);
        assert.equal(Object.keys(other.headers).filter((h) => h.startsWith('access-control-')).length, 0, origin);
        const preflight = await t.req('OPTIONS', '/workspaces', { headers: { origin, 'access-control-request-method': 'DELETE' } });
        assert.equal(preflight.status, 405, origin);
        assert.equal(Object.keys(preflight.headers).filter((h) => h.startsWith('access-control-')).length, 0, origin);
      }
    });
  },
  { CORS_ORIGINS: 'https://app.example.com, https://other.example.org:8443' },
);

test('CORS_ORIGINS accepts only origins', () => {
  const base = { DATA_DIR: '/tmp/x' };
  assert.deepEqual(loadConfig({ ...base, CORS_ORIGINS: 'https://a.example, http://localhost:5173' }).http.corsOrigins, [
    'https://a.example',
    'http://localhost:5173',
  ]);
  assert.deepEqual(loadConfig(base).http.corsOrigins, []);
  for (const bad of ['https://a.example/', 'a.example', '*', 'https://a.example/app']) {
    assert.throws(() => loadConfig({ ...base, CORS_ORIGINS: bad }), (err: unknown) => err instanceof ConfigError && /CORS_ORIGINS/.test(err.message), bad);
  }
});
