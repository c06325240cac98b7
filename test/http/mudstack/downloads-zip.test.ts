import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeEachDatabaseAndStore } from '../../harness/app.js';
import { Readable } from 'node:stream';
import { buildZip } from '../../../src/domain/downloads/zip-stream.js';
import { randomData } from './assets-fixtures.js';
import { readZip, unzipList, uploadFile, wire } from './downloads-fixtures.js';

describeEachDatabaseAndStore('downloads: bulk ZIP', (t) => {
  test('POST /workspaces/assets/download streams a ZIP of current versions; names are folder + file, unique', async () => {
    const ten = await t.factory.tenant();
    const d1 = randomData(2000);
    const d2 = randomData(10);
    const d3 = randomData(0);
    const older = randomData(33);
    const a = await uploadFile(t, ten, 'hero.png.bin', older, '/Art/Final/');
    await uploadFile(t, ten, 'hero.png.bin', d1, '/Art/Final/');
    const b = await uploadFile(t, ten, 'notes.txt', d2);
    const c = await uploadFile(t, ten, 'NOTES.TXT', d3);
    const res = await wire(t, 'POST', '/workspaces/assets/download', {
      headers: ten.headers,
      json: { ids: [a.id, b.id], asset_ids: [c.id, b.id], version_ids: [a.current_version_id] },
    });
    assert.equal(res.status, 200, res.body.toString());
    assert.equal(res.headers.get('content-type'), 'application/zip');
    assert.equal(res.headers.get('content-disposition'), 'attachment; filename="assets.zip"');
    assert.equal(res.headers.get('content-length'), String(res.body.length));
    assert.equal(res.headers.get('cache-control'), 'no-store');
    const entries = readZip(res.body);
    assert.deepEqual(entries.map((e) => e.name), ['Art/Final/hero.png.bin', 'notes.txt', 'NOTES (2).TXT', 'Art/Final/hero.png (2).bin']);
    assert.deepEqual(entries.map((e) => e.data), [d1, d2, d3, older]);
    const listing = unzipList(res.body);
    assert.match(listing, /Art\/Final\/hero\.png \(2\)\.bin/);
    assert.match(listing, /4 files/);
  });

  test('hostile stored names become safe entries (no absolute paths, .., backslashes or control characters)', async () => {
    const ten = await t.factory.tenant();
    const data = randomData(12);
    const up = await uploadFile(t, ten, '../../etc/passwd', data);
    assert.equal(up.file_name, 'passwd');
    // The upload path already cleans names; rows written by something less careful are cleaned again on the way out.
    const b = await uploadFile(t, ten, 'b.bin', data);
    await t.deps.db.updateTable('assets').set({ file_location: '/../../etc/', file_name: '..\\..\\evil\r\n.txt' }).where('id', '=', b.id).execute();
    const c = await uploadFile(t, ten, 'c.bin', data);
    await t.deps.db.updateTable('assets').set({ file_location: 'C:\\Windows\\', file_name: '/abs\u0007olute' }).where('id', '=', c.id).execute();
    const res = await wire(t, 'POST', '/workspaces/assets/download', { headers: ten.headers, json: { ids: [b.id, c.id, up.id] } });
    assert.equal(res.status, 200, res.body.toString());
    const names = readZip(res.body).map((e) => e.name);
    assert.deepEqual(names, ['etc/evil.txt', 'C_/Windows/absolute', 'passwd']);
    for (const n of names) {
      assert.ok(!n.startsWith('/') && !n.includes('\\') && !n.split('/').includes('..') && !/[\u0000-\u001f]/.test(n), n);
    }
  });

  test('every id is checked before any byte: unknown, foreign or trashed ids 404; bad input 400', async () => {
    const ten = await t.factory.tenant();
    const other = await t.factory.tenant();
    const a = await uploadFile(t, ten, 'a.bin', randomData(5));
    const trashed = await uploadFile(t, ten, 't.bin', randomData(5));
    await t.req('DELETE', `/workspaces/assets/${trashed.id}`, { headers: ten.headers });
    const theirs = await uploadFile(t, other, 'x.bin', randomData(5));
    const cases: Array<[unknown, number, string, string?]> = [
      [{ ids: [a.id, theirs.id] }, 404, 'asset_not_found'],
      [{ ids: [a.id, '00000000-0000-4000-8000-000000000000'] }, 404, 'asset_not_found'],
      [{ ids: [a.id, trashed.id] }, 404, 'asset_not_found'],
      [{ ids: [a.id], version_ids: [theirs.current_version_id] }, 404, 'version_not_found'],
      [{ ids: [] }, 400, 'validation_failed', '/ids'],
      [{}, 400, 'validation_failed', '/ids'],
      [{ ids: [{}] }, 400, 'validation_failed', '/ids/0'],
      [{ ids: [a.id], zip: true }, 400, 'validation_failed', '/zip'],
      [{ ids: Array.from({ length: 10_001 }, (_, i) => `id-${i}`) }, 400, 'validation_failed', '/ids'],
      [{ ids: Array.from({ length: 6000 }, (_, i) => `id-${i}`), asset_ids: Array.from({ length: 6000 }, (_, i) => `x-${i}`) }, 400, 'validation_failed', '/ids'],
    ];
    for (const [json, status, code, pointer] of cases) {
      const res = await t.req('POST', '/workspaces/assets/download', { headers: ten.headers, json });
      assert.equal(res.status, status, JSON.stringify(json).slice(0, 200));
      assert.equal(res.body.error.code, code);
      assert.equal(res.headers['content-type'], 'application/json; charset=utf-8');
      if (pointer) {
        assert.equal(res.body.error.fields[0].pointer, pointer);
      }
    }
    assert.equal((await t.req('POST', '/workspaces/assets/download', { json: { ids: [a.id] } })).status, 401);
    const viewer = await t.factory.member(ten, { workspace: 'viewer' });
    const ok = await wire(t, 'POST', '/workspaces/assets/download', { headers: viewer.headers, json: { ids: [a.id] } });
    assert.equal(ok.status, 200);
    assert.deepEqual(readZip(ok.body).map((e) => e.name), ['a.bin']);
  });

  test('Content-Length is exact for large central directories (2,000 entries, ZIP64 end records)', async () => {
    const data = randomData(10);
    const { key } = await t.deps.blobs.put(Readable.from(data));
    const entries = Array.from({ length: 2000 }, (_, i) => ({ name: `folder/file-${i}.bin`, blobKey: key, size: 10, mtime: new Date(0) }));
    const zip = await buildZip(t.deps.blobs, entries, t.deps.log);
    const chunks: Buffer[] = [];
    for await (const chunk of zip.stream) {
      chunks.push(chunk as Buffer);
    }
    const body = Buffer.concat(chunks);
    assert.equal(body.length, zip.size);
    const read = readZip(body);
    assert.equal(read.length, 2000);
    assert.deepEqual(read[1999], { name: 'folder/file-1999.bin', data });
  });
});
