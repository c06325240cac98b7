import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, describe, it } from 'node:test';
import { generatedBody } from '../../src/blobs/blob-store.contract.js';
import { DiskBlobStore } from '../../src/blobs/disk.js';

const MiB = 1024 ** 2;

describe('DiskBlobStore memory', () => {
  const root = mkdtempSync(join(tmpdir(), 'atelier-blob-mem-'));
  after(() => rmSync(root, { recursive: true, force: true }));

  // 256 MiB here to keep CI short; bench/blob-put.ts does 1 GiB on disk and on S3.
  it('streams 256 MiB through put with flat RSS (growth < 100 MB)', async () => {
    const store = new DiskBlobStore(root);
    await store.put(Readable.from([Buffer.alloc(MiB)])); // warm up code paths before the baseline
    const baseline = process.memoryUsage.rss();
    let peak = baseline;
    const sampler = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage.rss());
    }, 10);
    try {
      const gen = generatedBody(256 * MiB);
      const put = await store.put(gen.body);
      assert.equal(put.size, 256 * MiB);
      assert.equal(put.key, gen.sha256());
    } finally {
      clearInterval(sampler);
    }
    peak = Math.max(peak, process.memoryUsage.rss());
    const growthMb = (peak - baseline) / 1e6;
    assert.ok(growthMb < 100, `RSS grew by ${growthMb.toFixed(1)} MB while storing 256 MiB`);
  });
});
