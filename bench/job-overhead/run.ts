import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DiskBlobStore } from '../../src/blobs/disk.js';
import { runDerivativeJob } from '../../src/domain/media/derivatives.service.js';
import { Worker } from '../../src/jobs/worker.js';
import { openThumbnailPipeline, threadCpu } from '../lib/pipeline.js';
import { benchDataDir } from '../lib/data-dir.js';

/*
 * The media pipeline's own cost per job, without the media tool: what bench/thumbnails' pipeline spends besides
 * sharp, measured apart, where it is not lost in libvips' noise.
 *
 *   npm run bench:job-overhead
 *   BENCH_JOBS=5000 BENCH_ROUNDS=5 npm run bench:job-overhead
 *
 * (a) jobs: BENCH_JOBS `derivative.thumbnail` jobs (SQLite and a disk blob store in a temp data dir, concurrency 2)
 *     whose maker returns 8,000 random bytes at once. Per job: the claim, the lookup, the durable put of the bytes,
 *     the settle transaction with the job's completion. Printed: wall time and CPU per job, and the CPU of the main
 *     thread and of the other threads (the blob threads' fsyncs, V8's).
 * (b) puts: 3,000 puts of 8,000 bytes in memory, two at a time, into a new (one-level) store and into a store laid
 *     out with two levels of prefix directories as older stores are: CPU per put.
 * Data directories are removed when the bench ends, not between rounds (on a journal-less ext4 a file created within
 * a minute of many deletions costs more, which would charge one round for the previous one's cleanup).
 */

const JOBS = Number(process.env.BENCH_JOBS ?? 2000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const PUTS = 3000;

const dirs: string[] = [];
process.on('exit', () => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
const tempDir = (name: string): string => {
  const dir = benchDataDir(name);
  dirs.push(dir);
  return dir;
};

/** CPU ms of the main thread and of all other threads so far. */
const cpuByThread = (): { main: number; other: number } => {
  const byKind = threadCpu((tid) => (tid === String(process.pid) ? 'main' : 'other'));
  return { main: byKind.get('main') ?? 0, other: byKind.get('other') ?? 0 };
};

const made = async () => ({ data: randomBytes(8000), width: 256, height: 170, contentType: 'image/webp' });

async function jobsRound(): Promise<string> {
  const p = await openThumbnailPipeline({
    dataDir: tempDir('jobs'),
    concurrency: 2,
    handler: (ctx, payload) => runDerivativeJob(ctx, payload, () => made),
  });
  const { deps, config } = p;
  try {
    for (let i = 0; i < JOBS; i++) {
      await p.commit(await deps.blobs.put(randomBytes(1000)), i);
    }
    const finished = p.expect(JOBS);
    const worker = new Worker(deps, config.jobs);
    const t0 = cpuByThread();
    const c0 = process.cpuUsage();
    const start = performance.now();
    worker.start();
    await finished;
    const ms = performance.now() - start;
    const cpu = process.cpuUsage(c0);
    const t1 = cpuByThread();
    await worker.stop(10_000);
    const failed = await deps.db.selectFrom('derivatives').select('error').where('state', '=', 'failed').execute();
    if (failed.length > 0) {
      throw new Error(`${failed.length} derivatives failed: ${failed[0]?.error ?? ''}`);
    }
    const per = (ms: number) => (ms / JOBS).toFixed(2);
    return (
      `wall ${per(ms)} ms/job, CPU ${per((cpu.user + cpu.system) / 1000)} ms/job ` +
      `(main thread ${per(t1.main - t0.main)}, other threads ${per(t1.other - t0.other)})`
    );
  } finally {
    await deps.close();
  }
}

async function putsRound(levels: 1 | 2): Promise<string> {
  const root = tempDir('puts');
  if (levels === 2) {
    // A blob two levels deep, as a store made before one-level prefixes has: the store keeps that layout.
    const key = createHash('sha256').update('older').digest('hex');
    mkdirSync(join(root, key.slice(0, 2), key.slice(2, 4)), { recursive: true });
    writeFileSync(join(root, key.slice(0, 2), key.slice(2, 4), key), 'older');
  }
  const store = new DiskBlobStore(root);
  await store.verify();
  const items = Array.from({ length: PUTS }, () => randomBytes(8000));
  const c0 = process.cpuUsage();
  const start = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: 2 }, async () => {
      while (next < items.length) {
        await store.put(items[next++] as Buffer);
      }
    }),
  );
  const cpu = process.cpuUsage(c0);
  const us = (v: number) => (v / PUTS).toFixed(0);
  return `${levels} level${levels === 1 ? ' ' : 's'}: wall ${us((performance.now() - start) * 1000)} µs/put, CPU ${us(cpu.user + cpu.system)} µs/put`;
}

process.stderr.write(`${ROUNDS} rounds of ${JOBS} derivative jobs (uploads committed first, not timed), then small puts\n`);
const lines = ['derivative jobs without the media tool (concurrency 2, SQLite, disk):'];
for (let r = 0; r < ROUNDS; r++) {
  lines.push(`  round ${r + 1}: ${await jobsRound()}`);
}
lines.push(`durable puts of 8,000 bytes in memory (${PUTS}, two at a time):`);
for (let r = 0; r < ROUNDS; r++) {
  lines.push(`  round ${r + 1}: ${await putsRound(2)}; ${await putsRound(1)}`);
}
process.stdout.write(`${lines.join('\n')}\n`);
