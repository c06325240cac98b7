// Streams a generated body through BlobStore.put and prints throughput and memory, on disk and on S3 (a local
// s3rver in its own process, so only Atelier's side is measured). Each store runs in a fresh child process so
// that peak RSS (getrusage maxrss) belongs to that run alone.
//
//   node --import tsx bench/blob-put.ts [--mib 1024] [--stores disk,s3]
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { BlobStore } from '../src/blobs/blob-store.js';
import { generatedBody } from '../src/blobs/blob-store.contract.js';
import { DiskBlobStore } from '../src/blobs/disk.js';
import { S3BlobStore } from '../src/blobs/s3.js';
import { parseS3Url } from '../src/blobs/s3-url.js';
import { startS3Server } from '../test/harness/s3-server.js';

const MiB = 1024 ** 2;
const { values } = parseArgs({
  options: { mib: { type: 'string', default: '1024' }, stores: { type: 'string', default: 'disk,s3' }, child: { type: 'string' } },
});
const mib = Number(values.mib);

async function measure(store: BlobStore): Promise<string> {
  const baseline = process.memoryUsage.rss();
  let peak = baseline;
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss());
  }, 10);
  const gen = generatedBody(mib * MiB);
  const started = performance.now();
  const put = await store.put(gen.body);
  const seconds = (performance.now() - started) / 1000;
  clearInterval(sampler);
  if (put.key !== gen.sha256() || put.size !== mib * MiB) {
    throw new Error('digest or size mismatch');
  }
  const maxRssMb = (process.resourceUsage().maxRSS * 1024) / 1e6;
  return [
    `${store.kind.padEnd(4)} ${mib} MiB`,
    `${((mib * MiB) / 1e6 / seconds).toFixed(1)} MB/s`,
    `${seconds.toFixed(1)} s`,
    `peak RSS ${maxRssMb.toFixed(0)} MB`,
    `RSS growth ${((peak - baseline) / 1e6).toFixed(0)} MB`,
  ].join(' | ');
}

async function child(kind: string): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'atelier-bench-'));
  const s3 = kind === 's3' ? await startS3Server() : undefined;
  try {
    const store = s3 ? new S3BlobStore({ ...parseS3Url(s3.url), credentials: s3.credentials }) : new DiskBlobStore(dir);
    await store.verify();
    process.stdout.write(`${await measure(store)}\n`);
    if (store instanceof S3BlobStore) {
      store.close();
    }
  } finally {
    await s3?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (values.child) {
  await child(values.child);
} else {
  process.stdout.write(`node ${process.version}, body generated 1 MiB at a time; S3 = s3rver on loopback (part size 8 MiB, queue 2)\n`);
  for (const kind of values.stores.split(',')) {
    const r = spawnSync(process.execPath, ['--import', 'tsx', '--no-warnings', import.meta.filename, '--child', kind, '--mib', String(mib)], {
      stdio: 'inherit',
    });
    if (r.status !== 0) {
      process.exitCode = 1;
    }
  }
}
