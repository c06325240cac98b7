import assert from 'node:assert/strict';
import { request } from 'node:http';
import { after, before, describe, test } from 'node:test';
import { BLOB_STORES, TestApp } from '../../harness/app.js';
import { DATABASES } from '../../harness/databases.js';
import { listening, streamUpload } from './uploads-fixtures.js';

const GiB = 1024 ** 3;

// SQLite + disk only, to keep CI time down: the upload path is the same on PostgreSQL, and S3 has its own memory
// test in bench/blob-put.ts.
describe('1 GiB single-request upload with flat memory [sqlite, disk]', { skip: !DATABASES.includes('sqlite') || !BLOB_STORES.includes('disk') }, () => {
  const t = new TestApp('sqlite');
  before(() => t.start());
  after(() => t.stop());

  test('streams 1 GiB to POST /workspaces/assets over a socket: RSS grows < 150 MB, checksum matches', { timeout: 600_000 }, async (ctx) => {
    const ten = await t.factory.tenant();
    const base = await listening(t);
    const url = `${base}/workspaces/assets?file_name=big.bin`;
    // Warm up the route (schemas, first allocations) before taking the baseline.
    assert.equal((await streamUpload(url, ten.headers, 4 * 1024 ** 2)).status, 201);
    global.gc?.();
    const baseline = process.memoryUsage.rss();
    let peak = baseline;
    const sampler = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage.rss());
    }, 10);
    let res;
    try {
      res = await streamUpload(url, ten.headers, GiB);
    } finally {
      clearInterval(sampler);
    }
    peak = Math.max(peak, process.memoryUsage.rss());
    assert.equal(res.status, 201, JSON.stringify(res.body).slice(0, 300));
    assert.equal(res.body.currentVersion.size, GiB);
    assert.equal(res.body.currentVersion.checksum, res.sha256);
    assert.equal((await t.deps.blobs.stat(res.sha256))?.size, GiB);
    const growthMb = (peak - baseline) / 1e6;
    ctx.diagnostic(`RSS growth ${growthMb.toFixed(1)} MB`);
    // Client and server share this process, so the bound covers both.
    assert.ok(growthMb < 150, `RSS grew by ${growthMb.toFixed(1)} MB while uploading 1 GiB`);
    await t.deps.blobs.delete(res.sha256);
  });
});
