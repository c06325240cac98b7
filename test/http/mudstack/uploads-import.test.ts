import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { describeEachDatabase } from '../../harness/app.js';
import { PNG_1x1, randomData, sha256 } from './assets-fixtures.js';
import { writtenCounts } from './uploads-fixtures.js';

// A tree to import from: files in nested directories, a symlink inside the root and two pointing outside it.
const base = mkdtempSync(join(tmpdir(), 'atelier-import-'));
const root = join(base, 'root');
const outside = join(base, 'outside');
mkdirSync(join(root, 'sub', 'deeper'), { recursive: true });
mkdirSync(outside);
const A = randomData(1000);
const C = randomData(70_000);
writeFileSync(join(root, 'a.txt'), A);
writeFileSync(join(root, 'sub', 'b.png'), PNG_1x1);
writeFileSync(join(root, 'sub', 'deeper', 'c.bin'), C);
writeFileSync(join(outside, 'secret.txt'), 'secret');
symlinkSync(join(root, 'a.txt'), join(root, 'sub', 'alias.txt'));
symlinkSync(join(outside, 'secret.txt'), join(root, 'leak.txt'));
symlinkSync(outside, join(root, 'escape'));

// The "remote" server: loopback only, so URL imports need IMPORT_URL_ALLOW_PRIVATE.
const BIG = randomData(150_000);
let server: Server;
let origin = '';
before(async () => {
  server = createServer((req, res) => {
    if (req.url === '/files/model.obj') {
      res.writeHead(200, { 'content-type': 'text/plain', 'content-length': String(A.length) });
      res.end(A);
    } else if (req.url === '/redirect') {
      res.writeHead(302, { location: '/files/model.obj' });
      res.end();
    } else if (req.url === '/named') {
      res.writeHead(200, { 'content-disposition': 'attachment; filename="render final.png"' });
      res.end(PNG_1x1);
    } else if (req.url === '/big') {
      // No Content-Length: the cap must hold while streaming.
      res.writeHead(200);
      res.end(BIG);
    } else {
      res.writeHead(404);
      res.end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  origin = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
});
after(() => {
  server.close();
  rmSync(base, { recursive: true, force: true });
});

const env = { IMPORT_ROOTS: root, IMPORT_URL_ENABLED: 'true', IMPORT_URL_ALLOW_PRIVATE: 'true', MAX_UPLOAD_BYTES: '100000' };

describeEachDatabase('POST /workspaces/import', (t) => {
  async function runImport(headers: Record<string, string>, body: Record<string, string>) {
    const res = await t.req('POST', '/workspaces/import', { headers, json: body });
    assert.equal(res.status, 202, res.text);
    await t.jobs.runUntilIdle();
    const got = await t.req('GET', `/workspaces/import/${res.body.import_id}`, { headers });
    assert.equal(got.status, 200);
    return { started: res.body, state: got.body };
  }

  test('a directory is imported recursively as folders; symlinks out of the root are skipped', async () => {
    const ten = await t.factory.tenant();
    const res = await t.req('POST', '/workspaces/import', { headers: ten.headers, json: { path: root, file_location: '/Imported/' } });
    assert.equal(res.status, 202);
    assert.deepEqual(Object.keys(res.body).sort(), [
      'asset_ids', 'created_at', 'errors', 'failed', 'file_location', 'finished_at', 'import_id', 'source', 'source_kind', 'state', 'total', 'updated_at', 'done',
    ].sort());
    assert.equal(res.body.state, 'queued');
    assert.equal(res.body.source_kind, 'path');
    assert.equal(res.body.source, root);
    assert.equal(res.body.file_location, '/Imported/');
    assert.deepEqual([res.body.total, res.body.done, res.body.failed, res.body.finished_at], [0, 0, 0, null]);
    assert.equal((await t.jobs.list('import.run')).length >= 1, true);
    await t.jobs.runUntilIdle();
    const got = (await t.req('GET', `/workspaces/import/${res.body.import_id}`, { headers: ten.headers })).body;
    assert.equal(got.state, 'completed');
    // a.txt, sub/alias.txt (inside), sub/b.png, sub/deeper/c.bin; leak.txt and escape/ refused.
    assert.equal(got.total, 6);
    assert.equal(got.done, 4);
    assert.equal(got.failed, 2);
    assert.deepEqual(got.errors.map((e: { path: string }) => e.path).sort(), ['escape', 'leak.txt']);
    assert.ok(got.errors.every((e: { message: string }) => e.message === 'symlink points outside the import roots'));
    assert.equal(got.asset_ids.length, 4);
    assert.ok(got.finished_at);
    const assets = await t.deps.db
      .selectFrom('assets as a')
      .innerJoin('asset_versions as v', 'v.id', 'a.current_version_id')
      .select(['a.file_location', 'a.file_name', 'a.created_by_user_id', 'v.checksum'])
      .where('a.workspace_id', '=', ten.workspaceId)
      .orderBy('a.file_location')
      .orderBy('a.file_name')
      .execute();
    assert.deepEqual(
      assets.map((a) => [a.file_location, a.file_name, a.checksum, a.created_by_user_id]),
      [
        ['/Imported/', 'a.txt', sha256(A), ten.userId],
        ['/Imported/sub/', 'alias.txt', sha256(A), ten.userId],
        ['/Imported/sub/', 'b.png', sha256(PNG_1x1), ten.userId],
        ['/Imported/sub/deeper/', 'c.bin', sha256(C), ten.userId],
      ],
    );
  });

  test('a single file; `..` is refused (400); paths outside the roots and symlinks out of them are refused (403)', async () => {
    const ten = await t.factory.tenant();
    const one = await runImport(ten.headers, { path: join(root, 'sub', 'b.png') });
    assert.equal(one.state.state, 'completed');
    assert.deepEqual([one.state.total, one.state.done, one.state.failed], [1, 1, 0]);
    const imports = await t.count('imports');
    const before = await writtenCounts(t);
    for (const [path, status, code] of [
      [`${root}/../outside/secret.txt`, 400, 'validation_failed'],
      [`${root}/sub/../../outside`, 400, 'validation_failed'],
      ['relative/path', 400, 'validation_failed'],
      [join(root, 'leak.txt'), 403, 'import_path_forbidden'],
      [join(root, 'escape', 'secret.txt'), 403, 'import_path_forbidden'],
      [outside, 403, 'import_path_forbidden'],
      ['/etc/passwd', 403, 'import_path_forbidden'],
      [join(root, 'missing.txt'), 403, 'import_path_forbidden'],
      [`${root}-sibling`, 403, 'import_path_forbidden'],
    ] as const) {
      const r = await t.req('POST', '/workspaces/import', { headers: ten.headers, json: { path } });
      assert.equal(r.status, status, path);
      assert.equal(r.body.error.code, code, path);
    }
    for (const body of [{}, { path: root, url: `${origin}/x` }, { path: root, file_location: '/a/../b/' }, { path: 7 }]) {
      const r = await t.req('POST', '/workspaces/import', { headers: ten.headers, json: body });
      assert.equal(r.status, 400, JSON.stringify(body));
      assert.ok(r.body.error.fields.length >= 1);
    }
    assert.equal(await t.count('imports'), imports);
    assert.deepEqual(await writtenCounts(t), before);
  });

  test('URL imports stream the download (redirects followed, name from the URL or Content-Disposition)', async () => {
    const ten = await t.factory.tenant();
    const plain = await runImport(ten.headers, { url: `${origin}/redirect`, file_location: '/Web/' });
    assert.equal(plain.started.source_kind, 'url');
    assert.equal(plain.state.state, 'completed', JSON.stringify(plain.state.errors));
    const asset = await t.req('GET', `/workspaces/assets/${plain.state.asset_ids[0]}`, { headers: ten.headers });
    assert.equal(asset.body.file_name, 'model.obj');
    assert.equal(asset.body.file_location, '/Web/');
    assert.equal(asset.body.currentVersion.checksum, sha256(A));
    const named = await runImport(ten.headers, { url: `${origin}/named` });
    const png = await t.req('GET', `/workspaces/assets/${named.state.asset_ids[0]}`, { headers: ten.headers });
    assert.equal(png.body.file_name, 'render final.png');
    assert.equal(png.body.currentVersion.content_type, 'image/png');
  });

  test('a failed download (404, over MAX_UPLOAD_BYTES) fails the import and stores nothing', async () => {
    const ten = await t.factory.tenant();
    const before = await writtenCounts(t);
    const missing = await runImport(ten.headers, { url: `${origin}/nope` });
    assert.equal(missing.state.state, 'failed');
    assert.deepEqual([missing.state.total, missing.state.done, missing.state.failed], [1, 0, 1]);
    assert.equal(missing.state.errors[0].message, 'The remote server answered 404.');
    const big = await runImport(ten.headers, { url: `${origin}/big` });
    assert.equal(big.state.state, 'failed');
    assert.match(big.state.errors[0].message, /larger than the limit of 100000 bytes/);
    assert.deepEqual(await writtenCounts(t), before);
    for (const url of ['ftp://127.0.0.1/x', 'file:///etc/passwd', 'not a url', 'http://user:pw@127.0.0.1/x']) {
      const r = await t.req('POST', '/workspaces/import', { headers: ten.headers, json: { url } });
      assert.equal(r.status, 400, url);
    }
  });

  test("the account's max_upload_bytes caps path and URL imports; nothing is stored", async () => {
    const ten = await t.factory.tenant();
    const set = await t.req('PUT', '/accounts/settings/max_upload_bytes', { headers: { authorization: ten.headers.authorization ?? '', 'x-account-id': ten.accountId }, json: { value: 999 } });
    assert.equal(set.status, 200);
    const before = await writtenCounts(t);
    const byPath = await runImport(ten.headers, { path: join(root, 'a.txt') });
    assert.equal(byPath.state.state, 'failed');
    assert.match(byPath.state.errors[0].message, /larger than the limit of 999 bytes/);
    // Content-Length 1000: refused before the download is read.
    const byUrl = await runImport(ten.headers, { url: `${origin}/files/model.obj` });
    assert.equal(byUrl.state.state, 'failed');
    assert.match(byUrl.state.errors[0].message, /larger than the limit of 999 bytes/);
    assert.deepEqual(await writtenCounts(t), before);
  });

  test("another tenant's import is 404; no auth 401; a viewer cannot import (403) but can read progress", async () => {
    const ten = await t.factory.tenant();
    const stranger = await t.factory.tenant();
    const viewer = await t.factory.member(ten, { workspace: 'viewer' });
    const res = await t.req('POST', '/workspaces/import', { headers: ten.headers, json: { path: join(root, 'a.txt') } });
    assert.equal((await t.req('GET', `/workspaces/import/${res.body.import_id}`, { headers: stranger.headers })).status, 404);
    assert.equal((await t.req('GET', `/workspaces/import/${res.body.import_id}`)).status, 401);
    assert.equal((await t.req('GET', `/workspaces/import/${res.body.import_id}`, { headers: viewer.headers })).status, 200);
    assert.equal((await t.req('POST', '/workspaces/import', { json: { path: root } })).status, 401);
    const imports = await t.count('imports');
    const denied = await t.req('POST', '/workspaces/import', { headers: viewer.headers, json: { path: root } });
    assert.equal(denied.status, 403);
    assert.equal(await t.count('imports'), imports);
    await t.jobs.runUntilIdle();
  });
}, env);

describeEachDatabase('POST /workspaces/import (defaults: no roots, private addresses refused)', (t) => {
  test('path imports are disabled without IMPORT_ROOTS; 127.0.0.1 and localhost are refused', async () => {
    const ten = await t.factory.tenant();
    const imports = await t.count('imports');
    const path = await t.req('POST', '/workspaces/import', { headers: ten.headers, json: { path: root } });
    assert.equal(path.status, 403);
    assert.equal(path.body.error.code, 'import_path_disabled');
    for (const url of [`${origin}/files/model.obj`, 'http://localhost/x', 'http://[::1]/x', 'http://169.254.169.254/latest/meta-data', 'http://10.0.0.1/x']) {
      const r = await t.req('POST', '/workspaces/import', { headers: ten.headers, json: { url } });
      assert.equal(r.status, 403, url);
      assert.equal(r.body.error.code, 'import_url_forbidden', url);
    }
    assert.equal(await t.count('imports'), imports);
  });
}, { IMPORT_URL_ENABLED: 'true' });
