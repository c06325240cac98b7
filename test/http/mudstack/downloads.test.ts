import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeEachDatabaseAndStore } from '../../harness/app.js';
import { PNG_1x1, randomData, sha256 } from './assets-fixtures.js';
import { uploadFile, wire } from './downloads-fixtures.js';

describeEachDatabaseAndStore('downloads: one file, ranges, conditionals', (t, store) => {
  test('GET /download streams the current version with exact headers; HEAD has the same headers and no body', async () => {
    const ten = await t.factory.tenant();
    const data = randomData(1000);
    const a = await uploadFile(t, ten, 'scene.bin', data, '/Shots/');
    const v = a.currentVersion;
    const expected = {
      'accept-ranges': 'bytes',
      etag: `"${sha256(data)}"`,
      'last-modified': new Date(v.created_at).toUTCString(),
      'cache-control': 'private, no-cache',
      'x-content-type-options': 'nosniff',
      'content-type': 'application/octet-stream',
      'content-disposition': `attachment; filename="scene.bin"; filename*=UTF-8''scene.bin`,
      'content-length': '1000',
    };
    for (const method of ['GET', 'HEAD']) {
      const res = await wire(t, method, `/workspaces/assets/${a.id}/download`, { headers: ten.headers });
      assert.equal(res.status, 200, method);
      for (const [k, value] of Object.entries(expected)) {
        assert.equal(res.headers.get(k), value, `${method} ${k}`);
      }
      assert.equal(res.headers.get('content-range'), null);
      assert.deepEqual(res.body, method === 'GET' ? data : Buffer.alloc(0));
    }
    // The /v1 alias and app.inject agree.
    const injected = await t.req('GET', `/v1/workspaces/assets/${a.id}/download`, { headers: ten.headers });
    assert.equal(injected.status, 200);
    assert.equal(injected.headers['content-length'], '1000');
    assert.equal(injected.headers.etag, expected.etag);
  });

  test('Range: first byte, suffix, open-ended, clamped, several ranges, unsatisfiable (RFC 9110 §14)', async () => {
    const ten = await t.factory.tenant();
    const data = randomData(1000);
    const a = await uploadFile(t, ten, 'r.bin', data);
    const get = (range: string, extra: Record<string, string> = {}) =>
      wire(t, 'GET', `/workspaces/assets/${a.id}/download`, { headers: { ...ten.headers, range, ...extra } });
    const cases: Array<[string, number, number]> = [
      ['bytes=0-0', 0, 0],
      ['bytes=-10', 990, 999],
      ['bytes=990-', 990, 999],
      ['bytes=100-199', 100, 199],
      ['bytes=500-5000', 500, 999],
    ];
    for (const [range, start, end] of cases) {
      const res = await get(range);
      assert.equal(res.status, 206, range);
      assert.equal(res.headers.get('content-range'), `bytes ${start}-${end}/1000`, range);
      assert.equal(res.headers.get('content-length'), String(end - start + 1), range);
      assert.equal(res.headers.get('etag'), `"${sha256(data)}"`);
      assert.deepEqual(res.body, data.subarray(start, end + 1), range);
    }
    for (const range of ['bytes=1000-', 'bytes=5000-6000', 'bytes=-0']) {
      const res = await get(range);
      assert.equal(res.status, 416, range);
      assert.equal(res.headers.get('content-range'), 'bytes */1000');
      assert.equal(JSON.parse(res.body.toString()).error.code, 'range_not_satisfiable');
    }
    // Several ranges and malformed ones: the whole file (documented).
    for (const range of ['bytes=0-1,5-6', 'bytes=5-1', 'lines=1-2']) {
      const res = await get(range);
      assert.equal(res.status, 200, range);
      assert.deepEqual(res.body, data);
    }
    // HEAD with a range describes the part.
    const head = await wire(t, 'HEAD', `/workspaces/assets/${a.id}/download`, { headers: { ...ten.headers, range: 'bytes=-10' } });
    assert.equal(head.status, 206);
    assert.equal(head.headers.get('content-length'), '10');
    assert.equal(head.body.length, 0);
  });

  test('If-None-Match gives 304; If-Range is honoured only for the current ETag or Last-Modified', async () => {
    const ten = await t.factory.tenant();
    const data = randomData(300);
    const a = await uploadFile(t, ten, 'c.bin', data);
    const url = `/workspaces/assets/${a.id}/download`;
    const etag = `"${sha256(data)}"`;
    for (const inm of [etag, `W/${etag}`, `"other", ${etag}`, '*']) {
      const res = await wire(t, 'GET', url, { headers: { ...ten.headers, 'if-none-match': inm } });
      assert.equal(res.status, 304, inm);
      assert.equal(res.headers.get('etag'), etag);
      assert.equal(res.body.length, 0);
    }
    assert.equal((await wire(t, 'GET', url, { headers: { ...ten.headers, 'if-none-match': '"stale"' } })).status, 200);
    const lastModified = new Date(a.currentVersion.created_at).toUTCString();
    for (const [ifRange, status] of [[etag, 206], [lastModified, 206], ['"stale"', 200], [`W/${etag}`, 200]] as const) {
      const res = await wire(t, 'GET', url, { headers: { ...ten.headers, range: 'bytes=0-9', 'if-range': ifRange } });
      assert.equal(res.status, status, ifRange);
      assert.equal(res.body.length, status === 206 ? 10 : 300);
    }
  });

  test('versions: GET .../versions/{id}/download serves that version (immutable); /download follows the current one', async () => {
    const ten = await t.factory.tenant();
    const v1 = randomData(64);
    const v2 = randomData(80);
    const a = await uploadFile(t, ten, 'take.bin', v1);
    const b = await uploadFile(t, ten, 'take.bin', v2);
    assert.equal(b.id, a.id);
    const old = await wire(t, 'GET', `/workspaces/assets/${a.id}/versions/${a.current_version_id}/download`, { headers: ten.headers });
    assert.equal(old.status, 200);
    assert.deepEqual(old.body, v1);
    assert.equal(old.headers.get('cache-control'), 'private, max-age=31536000, immutable');
    assert.equal(old.headers.get('etag'), `"${sha256(v1)}"`);
    const part = await wire(t, 'GET', `/workspaces/assets/${a.id}/versions/${a.current_version_id}/download`, { headers: { ...ten.headers, range: 'bytes=1-2' } });
    assert.deepEqual(part.body, v1.subarray(1, 3));
    const cur = await wire(t, 'GET', `/workspaces/assets/${a.id}/download`, { headers: ten.headers });
    assert.deepEqual(cur.body, v2);
    // A version of another asset, or an unknown one, is 404.
    const other = await uploadFile(t, ten, 'other.bin', randomData(5));
    const wrong = await t.req('GET', `/workspaces/assets/${other.id}/versions/${a.current_version_id}/download`, { headers: ten.headers });
    assert.equal(wrong.status, 404);
    assert.equal(wrong.body.error.code, 'version_not_found');
  });

  test('?inline=1 only for previewable types; SVG and unknown types stay attachments', async () => {
    const ten = await t.factory.tenant();
    const png = await uploadFile(t, ten, 'pic.png', PNG_1x1);
    const svg = await uploadFile(t, ten, 'x.svg', Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'));
    const bin = await uploadFile(t, ten, 'x.bin', randomData(10));
    const disp = async (id: string) => (await wire(t, 'HEAD', `/workspaces/assets/${id}/download?inline=1`, { headers: ten.headers })).headers;
    const p = await disp(png.id);
    assert.equal(p.get('content-disposition'), `inline; filename="pic.png"; filename*=UTF-8''pic.png`);
    assert.equal(p.get('content-type'), 'image/png');
    const s = await disp(svg.id);
    assert.equal(s.get('content-type'), 'image/svg+xml');
    assert.match(s.get('content-disposition') ?? '', /^attachment;/);
    assert.match((await disp(bin.id)).get('content-disposition') ?? '', /^attachment;/);
    assert.match((await wire(t, 'HEAD', `/workspaces/assets/${png.id}/download`, { headers: ten.headers })).headers.get('content-disposition') ?? '', /^attachment;/);
  });

  test('hostile and non-ASCII file names cannot inject headers (RFC 6266 / 8187)', async () => {
    const ten = await t.factory.tenant();
    const up = await uploadFile(t, ten, '../../etc/passwd', randomData(4));
    assert.equal(up.file_name, 'passwd');
    const a = await uploadFile(t, ten, 'Ünïcode “plan”.bin', randomData(4));
    const res = await wire(t, 'HEAD', `/workspaces/assets/${a.id}/download`, { headers: ten.headers });
    assert.equal(
      res.headers.get('content-disposition'),
      `attachment; filename="_n_code _plan_.bin"; filename*=UTF-8''${encodeURIComponent('Ünïcode “plan”.bin')}`,
    );
    // A row written by something less careful than the upload path: the header is still safe.
    await t.deps.db.updateTable('assets').set({ file_name: 'a"b\\c\r\nX-Evil: 1;.txt' }).where('id', '=', a.id).execute();
    const evil = await wire(t, 'HEAD', `/workspaces/assets/${a.id}/download`, { headers: ten.headers });
    assert.equal(evil.status, 200);
    assert.equal(evil.headers.get('x-evil'), null);
    // Last path segment only, control characters dropped, `:` and quotes replaced: nothing can end the header.
    assert.equal(evil.headers.get('content-disposition'), `attachment; filename="cX-Evil_ 1;.txt"; filename*=UTF-8''cX-Evil_%201%3B.txt`);
  });

  test('trashed assets are 404 unless include_deleted=1; tenancy, roles and auth', async () => {
    const ten = await t.factory.tenant();
    const other = await t.factory.tenant();
    const data = randomData(20);
    const a = await uploadFile(t, ten, 'gone.bin', data);
    assert.equal((await t.req('DELETE', `/workspaces/assets/${a.id}`, { headers: ten.headers })).status, 200);
    const hidden = await t.req('GET', `/workspaces/assets/${a.id}/download`, { headers: ten.headers });
    assert.equal(hidden.status, 404);
    assert.equal(hidden.body.error.code, 'asset_not_found');
    const shown = await wire(t, 'GET', `/workspaces/assets/${a.id}/download?include_deleted=1`, { headers: ten.headers });
    assert.equal(shown.status, 200);
    assert.deepEqual(shown.body, data);
    const b = await uploadFile(t, ten, 'live.bin', data);
    const viewer = await t.factory.member(ten, { workspace: 'viewer' });
    assert.equal((await wire(t, 'GET', `/workspaces/assets/${b.id}/download`, { headers: viewer.headers })).status, 200);
    for (const url of [`/workspaces/assets/${b.id}/download`, `/workspaces/assets/${b.id}/versions/${b.current_version_id}/download`]) {
      const foreign = await t.req('GET', url, { headers: other.headers });
      assert.equal(foreign.status, 404, url);
      assert.equal(foreign.body.error.code, 'asset_not_found');
      assert.equal((await t.req('GET', url)).status, 401);
      assert.equal((await t.req('HEAD', url, { headers: other.headers })).status, 404);
    }
    assert.equal((await t.req('GET', `/workspaces/assets/${b.id}/download?inline=yes`, { headers: ten.headers })).status, 400);
  });

  test(`?redirect=1 ${store === 's3' ? 'answers 302 to a presigned URL' : 'streams (the disk store cannot presign)'}`, async () => {
    const ten = await t.factory.tenant();
    const data = randomData(50);
    const a = await uploadFile(t, ten, 'far.bin', data);
    const res = await wire(t, 'GET', `/workspaces/assets/${a.id}/download?redirect=1`, { headers: ten.headers });
    if (store === 'disk') {
      assert.equal(res.status, 200);
      assert.deepEqual(res.body, data);
      return;
    }
    assert.equal(res.status, 302);
    const location = res.headers.get('location') ?? '';
    assert.match(location, /X-Amz-Signature=/);
    const direct = await fetch(location);
    assert.equal(direct.status, 200);
    assert.deepEqual(Buffer.from(await direct.arrayBuffer()), data);
  });
});
