import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { request } from 'node:http';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { once } from 'node:events';
import { ATELIER_NODE_FLAGS, freePort, waitFor, stop } from '../lib/processes.js';

/*
 * Ingest benchmark: one single-request upload (POST /workspaces/assets, raw body streamed from a file) of a 1 GiB
 * file over loopback into Atelier (SQLite, disk blob store, its own process), against `cp` of the same file on the
 * same disk in the same run. Prints MB/s of both, the ratio (target >= 70% of cp) and the server's peak RSS
 * (VmHWM, target < 200 MB).
 *
 *   npm run bench:ingest
 *   BENCH_BYTES=268435456 npm run bench:ingest     # a smaller file
 *   BENCH_CPU_PROF=1 npm run bench:ingest          # also a V8 CPU profile of the server in .tmp/bench-profiles/
 */

const ROOT = resolve(import.meta.dirname, '../..');
const BYTES = Number(process.env.BENCH_BYTES ?? 1024 ** 3);
const CPU_PROF = process.env.BENCH_CPU_PROF === '1';
const MiB = 1024 ** 2;

/** Writes `bytes` of incompressible data (a random MiB with a counter stamped in) and returns its SHA-256. */
async function generateFile(path: string, bytes: number): Promise<string> {
  const seed = randomBytes(MiB);
  const hash = createHash('sha256');
  const out = createWriteStream(path);
  for (let sent = 0, n = 0; sent < bytes; n++) {
    const chunk = Buffer.from(seed.subarray(0, Math.min(MiB, bytes - sent)));
    chunk.writeUInt32BE(n, 0);
    hash.update(chunk);
    sent += chunk.length;
    if (!out.write(chunk)) {
      await once(out, 'drain');
    }
  }
  out.end();
  await once(out, 'finish');
  return hash.digest('hex');
}

const procStatus = (pid: number, field: string): number => {
  const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m?.[1] ? Number(m[1]) * 1024 : 0;
};

async function upload(url: string, headers: Record<string, string>, file: string): Promise<{ status: number; body: string }> {
  const req = request(url, {
    method: 'POST',
    headers: { ...headers, 'content-type': 'application/octet-stream', 'content-length': String(statSync(file).size) },
  });
  const response = new Promise<{ status: number; body: string }>((res, rej) => {
    req.on('response', (r) => {
      let body = '';
      r.on('data', (d: Buffer) => (body += d.toString()));
      r.on('end', () => res({ status: r.statusCode ?? 0, body }));
    });
    req.on('error', rej);
  });
  createReadStream(file, { highWaterMark: MiB }).pipe(req);
  return response;
}

const dataDir = mkdtempSync(join(tmpdir(), 'atelier-bench-ingest-'));
let server: ChildProcess | undefined;
try {
  const env = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', DATA_DIR: dataDir, LOG_LEVEL: 'warn' };
  const boot = spawnSync(process.execPath, [join(ROOT, 'bin/atelier.js'), 'bootstrap', '--json', '--account', 'Bench Studio'], { cwd: ROOT, env, encoding: 'utf8' });
  if (boot.status !== 0) {
    throw new Error(`bootstrap failed: ${boot.stderr}`);
  }
  const tenant = JSON.parse(boot.stdout) as { account_id: string; workspace_id: string; key: string; secret: string };

  const source = join(dataDir, 'source.bin');
  process.stderr.write(`generating ${BYTES} bytes...\n`);
  const sha256 = await generateFile(source, BYTES);

  // cp of the same file on the same file system (page cache warm for both, as the generator just wrote it).
  const cpStart = process.hrtime.bigint();
  const cp = spawnSync('cp', [source, join(dataDir, 'copy.bin')]);
  const cpSeconds = Number(process.hrtime.bigint() - cpStart) / 1e9;
  if (cp.status !== 0) {
    throw new Error(`cp failed: ${cp.stderr.toString()}`);
  }
  rmSync(join(dataDir, 'copy.bin'));
  // The same with the copy made durable (`sync FILE` fsyncs it), as Atelier does before it answers.
  const syncStart = process.hrtime.bigint();
  const cps = spawnSync('sh', ['-c', `cp "${source}" "${join(dataDir, 'copy.bin')}" && sync "${join(dataDir, 'copy.bin')}"`]);
  const cpSyncSeconds = Number(process.hrtime.bigint() - syncStart) / 1e9;
  if (cps.status !== 0) {
    throw new Error(`cp + sync failed: ${cps.stderr.toString()}`);
  }
  rmSync(join(dataDir, 'copy.bin'));

  const port = await freePort();
  const profArgs = CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${join(ROOT, '.tmp/bench-profiles')}`] : [];
  server = spawn(process.execPath, [...ATELIER_NODE_FLAGS, ...profArgs, join(ROOT, 'bin/atelier.js'), 'serve', '--no-workers'], {
    cwd: ROOT,
    env: { ...env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const base = `http://127.0.0.1:${port}`;
  await waitFor(`${base}/healthz`, server);
  const tokenRes = await fetch(`${base}/auth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ account_id: tenant.account_id, key: tenant.key, secret: tenant.secret }),
  });
  const { token } = (await tokenRes.json()) as { token: string };
  const headers = { authorization: `Bearer ${token}`, 'x-account-id': tenant.account_id, 'x-workspace-id': tenant.workspace_id };
  const pid = server.pid ?? 0;
  const rssBefore = procStatus(pid, 'VmRSS');

  const upStart = process.hrtime.bigint();
  const res = await upload(`${base}/workspaces/assets?file_name=big.bin`, headers, source);
  const upSeconds = Number(process.hrtime.bigint() - upStart) / 1e9;
  const hwm = procStatus(pid, 'VmHWM');
  if (res.status !== 201) {
    throw new Error(`upload answered ${res.status}: ${res.body.slice(0, 500)}`);
  }
  const stored = (JSON.parse(res.body) as { currentVersion: { checksum: string; size: number } }).currentVersion;
  if (stored.checksum !== sha256 || stored.size !== BYTES) {
    throw new Error(`checksum/size mismatch: ${stored.checksum} ${stored.size} vs ${sha256} ${BYTES}`);
  }

  await stop(server);
  server = undefined;

  // The same upload to a bare Node server that only hashes, writes and fsyncs: what Node itself does on this machine.
  const bare = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'bench/ingest/bare-server.ts'), join(dataDir, 'bare.bin')], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const [barePortLine] = (await once(bare.stdout!, 'data')) as [Buffer];
  const bareStart = process.hrtime.bigint();
  const bareRes = await upload(`http://127.0.0.1:${barePortLine.toString().trim()}/`, {}, source);
  const bareSeconds = Number(process.hrtime.bigint() - bareStart) / 1e9;
  await stop(bare);
  if (bareRes.body !== sha256) {
    throw new Error('bare server checksum mismatch');
  }

  const mbps = (s: number) => BYTES / 1e6 / s;
  const ratio = cpSeconds / upSeconds;
  process.stdout.write(
    [
      `Node ${process.version}, ${BYTES} bytes (${(BYTES / MiB).toFixed(0)} MiB), SQLite + disk blob store, loopback, one request`,
      '',
      '| what | seconds | MB/s |',
      '| --- | --- | --- |',
      `| cp (same file system) | ${cpSeconds.toFixed(2)} | ${mbps(cpSeconds).toFixed(0)} |`,
      `| cp + sync of the copy | ${cpSyncSeconds.toFixed(2)} | ${mbps(cpSyncSeconds).toFixed(0)} |`,
      `| Atelier POST /workspaces/assets (raw body, hashed + fsynced) | ${upSeconds.toFixed(2)} | ${mbps(upSeconds).toFixed(0)} |`,
      `| bare Node HTTP server (hash + write + fsync only) | ${bareSeconds.toFixed(2)} | ${mbps(bareSeconds).toFixed(0)} |`,
      '',
      `upload / cp throughput: ${(ratio * 100).toFixed(1)}% (target >= 70%); upload / (cp + sync): ${((cpSyncSeconds / upSeconds) * 100).toFixed(1)}%`,
      `upload / bare Node server: ${((bareSeconds / upSeconds) * 100).toFixed(1)}%`,
      `load average at the end: ${loadavg().map((l) => l.toFixed(1)).join(' ')} on ${cpus().length} CPUs (other processes skew these figures)`,
      `server RSS before upload: ${(rssBefore / 1e6).toFixed(0)} MB; peak RSS (VmHWM): ${(hwm / 1e6).toFixed(0)} MB (target < 200 MB)`,
      `checksum verified: ${sha256}`,
      '',
    ].join('\n'),
  );
  process.stdout.write(`${JSON.stringify({ bytes: BYTES, cp_seconds: cpSeconds, cp_sync_seconds: cpSyncSeconds, upload_seconds: upSeconds, bare_seconds: bareSeconds, ratio: Math.round(ratio * 1000) / 1000, vm_hwm_bytes: hwm })}\n`);
} finally {
  if (server) {
    await stop(server);
  }
  rmSync(dataDir, { recursive: true, force: true });
}
