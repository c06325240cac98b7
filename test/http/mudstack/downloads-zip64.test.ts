import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { BLOB_STORES, TestApp } from '../../harness/app.js';
import { DATABASES } from '../../harness/databases.js';
import { uploadFile } from './downloads-fixtures.js';
import { listening, streamUpload } from './uploads-fixtures.js';

const GiB = 1024 ** 3;
/** Past 4 GiB, so the entry's sizes and the next entry's offset only fit ZIP64 fields. */
const BIG = 4 * GiB + 3 * 1024 ** 2 + 12;

// Downloads the archive to a file (POST with JSON), then reads it back with zipfile: each entry's name, size,
// SHA-256 and offset; zipfile checks every CRC as it reads.
const FETCH_AND_CHECK = `
import sys, json, zipfile, hashlib, urllib.request
url, headers, body, path = sys.argv[1], json.loads(sys.argv[2]), sys.argv[3].encode(), sys.argv[4]
req = urllib.request.Request(url, data=body, headers=headers, method='POST')
received = 0
with urllib.request.urlopen(req) as res, open(path, 'wb') as f:
    status, length = res.status, res.headers.get('content-length')
    while True:
        b = res.read(8 << 20)
        if not b:
            break
        received += len(b)
        f.write(b)
entries = []
for i in zipfile.ZipFile(path).infolist():
    h = hashlib.sha256()
    with zipfile.ZipFile(path).open(i) as f:
        while True:
            b = f.read(8 << 20)
            if not b:
                break
            h.update(b)
    entries.append([i.filename, i.file_size, h.hexdigest(), i.header_offset])
print(json.dumps({'status': status, 'contentLength': length, 'received': received, 'entries': entries}))
`;

// Moves over 8 GiB through the disk (the blob, then the archive), so it runs once: SQLite and the disk store. The
// archive is built the same way on every database and store (zip-stream.ts); only the id lookups differ.
describe('bulk ZIP past 4 GiB [sqlite, disk]', { skip: !DATABASES.includes('sqlite') || !BLOB_STORES.includes('disk') }, () => {
  const t = new TestApp('sqlite');
  const dir = mkdtempSync(join(tmpdir(), 'atelier-zip64-'));
  before(() => t.start());
  after(async () => {
    await t.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test('a 4 GiB + file and a file after it: exact Content-Length, ZIP64 sizes and offsets, every byte checked by zipfile', { timeout: 900_000 }, async (ctx) => {
    const started = Date.now();
    const phase = (what: string): void => ctx.diagnostic(`${what}: ${((Date.now() - started) / 1000).toFixed(1)} s`);
    const ten = await t.factory.tenant();
    const base = await listening(t);
    const big = await streamUpload(`${base}/workspaces/assets?file_name=huge.bin`, ten.headers, BIG);
    assert.equal(big.status, 201, JSON.stringify(big.body).slice(0, 300));
    assert.equal(big.body.currentVersion.size, BIG);
    const smallData = Buffer.from('after the 4 GiB mark\n');
    const small = await uploadFile(t, ten, 'small.txt', smallData);
    phase('uploaded');

    // python3 downloads and checks the archive: a client in this process would share its event loop with the
    // server it measures, and zipfile is a reader independent of the writer.
    const file = join(dir, 'assets.zip');
    const body = JSON.stringify({ ids: [big.body.id, small.id] });
    // Not execFileSync: the server answering it runs on this event loop.
    const { stdout } = await promisify(execFile)('python3', ['-c', FETCH_AND_CHECK, `${base}/workspaces/assets/download`, JSON.stringify({ ...ten.headers, 'content-type': 'application/json' }), body, file]);
    const out = JSON.parse(stdout) as { status: number; contentLength: string; received: number; entries: Array<[string, number, string, number]> };
    assert.equal(out.status, 200);
    assert.equal(out.contentLength, String(out.received), 'Content-Length is the exact archive size');
    assert.ok(out.received > 4 * GiB);
    const entries = out.entries;
    phase('downloaded and checked with zipfile');
    const smallSha = createHash('sha256').update(smallData).digest('hex');
    assert.deepEqual(
      entries.map(([name, size, sha]) => [name, size, sha]),
      [
        ['huge.bin', BIG, big.sha256],
        ['small.txt', smallData.length, smallSha],
      ],
    );
    assert.ok((entries[1]?.[3] ?? 0) > 4 * GiB, 'the second entry starts past 4 GiB (a ZIP64 offset)');
    await t.deps.blobs.delete(big.sha256);
  });
});
