import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { once } from 'node:events';
import { ATELIER_NODE_FLAGS, freePort, waitFor, stop } from '../lib/processes.js';
import { benchDataDir } from '../lib/data-dir.js';
import { HAS_CURL, rawUpload } from '../lib/raw-upload.js';

/*
 * Ingest benchmark: single-request uploads (POST /workspaces/assets, raw body streamed from a file) of a 1 GiB
 * file over loopback into Atelier (SQLite, disk blob store, its own process), against `cp` of the same file on the
 * same disk, in alternating rounds of the same run. Prints MB/s of each, the median ratio (target >= 70% of cp) and
 * the server's peak RSS over all rounds (VmHWM, target < 200 MB).
 *
 *   npm run bench:ingest
 *   BENCH_BYTES=268435456 npm run bench:ingest     # a smaller file
 *   BENCH_ROUNDS=5 npm run bench:ingest            # more rounds (default 3)
 *   BENCH_CPU_PROF=1 npm run bench:ingest          # also a V8 CPU profile of the server in .tmp/bench-profiles/
 */

const ROOT = resolve(import.meta.dirname, '../..');
const BYTES = Number(process.env.BENCH_BYTES ?? 1024 ** 3);
const CPU_PROF = process.env.BENCH_CPU_PROF === '1';
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
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

/** Runs a command to completion and answers its wall-clock seconds; throws when it fails. */
function timed(run: () => ReturnType<typeof spawnSync>): number {
  const start = process.hrtime.bigint();
  const result = run();
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (result.status !== 0) {
    throw new Error(`command failed: ${String(result.stderr)}`);
  }
  return seconds;
}

const procStatus = (pid: number, field: string): number => {
  const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m?.[1] ? Number(m[1]) * 1024 : 0;
};

const dataDir = benchDataDir('ingest');
let server: ChildProcess | undefined;
try {
  const env = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', DATA_DIR: dataDir, LOG_LEVEL: 'warn' };
  // bootstrap needs an existing database (it never starts one by accident): `migrate` creates it on the temp dir.
  const migrated = spawnSync(process.execPath, [join(ROOT, 'bin/atelier.js'), 'migrate'], { cwd: ROOT, env, encoding: 'utf8' });
  if (migrated.status !== 0) {
    throw new Error(`migrate failed: ${migrated.stderr}`);
  }
  const boot = spawnSync(process.execPath, [join(ROOT, 'bin/atelier.js'), 'bootstrap', '--json', '--account', 'Bench Studio'], { cwd: ROOT, env, encoding: 'utf8' });
  if (boot.status !== 0) {
    throw new Error(`bootstrap failed: ${boot.stderr}`);
  }
  const tenant = JSON.parse(boot.stdout) as { account_id: string; workspace_id: string; key: string; secret: string };

  const source = join(dataDir, 'source.bin');
  process.stderr.write(`generating ${BYTES} bytes...\n`);
  const sha256 = await generateFile(source, BYTES);

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

  // Rounds alternate cp, cp + sync and the upload, each right after the step before freed the 1 GiB it wrote (the
  // copy is removed; each upload of the same bytes replaces the stored blob), so all three write into the page cache
  // in the same state. On a VM, pages the host has not backed yet cost several times more to fill than recently
  // freed ones, and which kind a copy gets would otherwise decide the ratio.
  const copy = join(dataDir, 'copy.bin');
  const rounds: Array<{ cp: number; cpSync: number; upload: number }> = [];
  for (let round = 1; round <= ROUNDS; round++) {
    const cp = timed(() => spawnSync('cp', [source, copy]));
    rmSync(copy);
    // `sync FILE` fsyncs the copy, as Atelier does before it answers.
    const cpSync = timed(() => spawnSync('sh', ['-c', `cp "${source}" "${copy}" && sync "${copy}"`]));
    rmSync(copy);
    const upStart = process.hrtime.bigint();
    const res = await rawUpload(`${base}/workspaces/assets?file_name=big-${round}.bin`, headers, source);
    const up = Number(process.hrtime.bigint() - upStart) / 1e9;
    if (res.status !== 201) {
      throw new Error(`upload answered ${res.status}: ${res.body.slice(0, 500)}`);
    }
    const stored = (JSON.parse(res.body) as { currentVersion: { checksum: string; size: number } }).currentVersion;
    if (stored.checksum !== sha256 || stored.size !== BYTES) {
      throw new Error(`checksum/size mismatch: ${stored.checksum} ${stored.size} vs ${sha256} ${BYTES}`);
    }
    rounds.push({ cp, cpSync, upload: up });
    process.stderr.write(`round ${round}: cp ${cp.toFixed(2)} s, cp + sync ${cpSync.toFixed(2)} s, upload ${up.toFixed(2)} s\n`);
  }
  const hwm = procStatus(pid, 'VmHWM');

  await stop(server);
  server = undefined;

  // The same upload to a bare Node server that only hashes, writes and fsyncs: what Node itself does on this machine.
  const bare = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'bench/ingest/bare-server.ts'), join(dataDir, 'bare.bin')], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const [barePortLine] = (await once(bare.stdout!, 'data')) as [Buffer];
  const bareStart = process.hrtime.bigint();
  const bareRes = await rawUpload(`http://127.0.0.1:${barePortLine.toString().trim()}/`, {}, source);
  const bareSeconds = Number(process.hrtime.bigint() - bareStart) / 1e9;
  await stop(bare);
  if (bareRes.body !== sha256) {
    throw new Error('bare server checksum mismatch');
  }

  const mbps = (s: number) => BYTES / 1e6 / s;
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;
  const cpSeconds = median(rounds.map((r) => r.cp));
  const cpSyncSeconds = median(rounds.map((r) => r.cpSync));
  const upSeconds = median(rounds.map((r) => r.upload));
  const ratios = rounds.map((r) => r.cp / r.upload);
  const ratio = median(ratios);
  const row = (what: string, s: number, each: number[]) => `| ${what} | ${s.toFixed(2)} | ${mbps(s).toFixed(0)} | ${each.map((x) => mbps(x).toFixed(0)).join(', ')} |`;
  process.stdout.write(
    [
      `Node ${process.version}, ${BYTES} bytes (${(BYTES / MiB).toFixed(0)} MiB), SQLite + disk blob store, loopback, one request from ${HAS_CURL ? 'curl' : 'a Node client'}, ${ROUNDS} alternating rounds`,
      '',
      '| what | median seconds | median MB/s | MB/s each round |',
      '| --- | --- | --- | --- |',
      row('cp (same file system)', cpSeconds, rounds.map((r) => r.cp)),
      row('cp + sync of the copy', cpSyncSeconds, rounds.map((r) => r.cpSync)),
      row('Atelier POST /workspaces/assets (raw body, hashed + fsynced)', upSeconds, rounds.map((r) => r.upload)),
      `| bare Node HTTP server (hash + write + fsync only), once | ${bareSeconds.toFixed(2)} | ${mbps(bareSeconds).toFixed(0)} | |`,
      '',
      `upload / cp throughput: median ${(ratio * 100).toFixed(1)}% (rounds ${ratios.map((r) => `${(r * 100).toFixed(1)}%`).join(', ')}; target >= 70%)`,
      `upload / (cp + sync): ${((cpSyncSeconds / upSeconds) * 100).toFixed(1)}%; upload / bare Node server: ${((bareSeconds / upSeconds) * 100).toFixed(1)}%`,
      `load average at the end: ${loadavg().map((l) => l.toFixed(1)).join(' ')} on ${cpus().length} CPUs (other processes skew these figures)`,
      `server RSS before the uploads: ${(rssBefore / 1e6).toFixed(0)} MB; peak RSS (VmHWM): ${(hwm / 1e6).toFixed(0)} MB (target < 200 MB)`,
      `checksum verified: ${sha256}`,
      '',
    ].join('\n'),
  );
  process.stdout.write(`${JSON.stringify({ bytes: BYTES, rounds, bare_seconds: bareSeconds, ratio: Math.round(ratio * 1000) / 1000, vm_hwm_bytes: hwm })}\n`);
} finally {
  if (server) {
    await stop(server);
  }
  rmSync(dataDir, { recursive: true, force: true });
}
