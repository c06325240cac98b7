import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ATELIER_NODE_FLAGS, freePort, waitFor } from '../lib/processes.js';
import { benchDataDir } from '../lib/data-dir.js';

/*
 * Bulk download benchmark: N files (default 1,000 x 1 MiB of random bytes, so nothing compresses or dedups) are
 * uploaded through the API into a fresh Atelier (SQLite, disk blob store), then POST /workspaces/assets/download
 * streams them as one ZIP over loopback. Prints the throughput and the server's memory: the server runs in its own
 * process, its peak RSS is reset (`echo 5 > /proc/<pid>/clear_refs`) right before the download and read back
 * (VmHWM) right after, and VmRSS is also sampled every 20 ms during it.
 *
 *   npm run bench:zip
 *   BENCH_FILES=200 BENCH_FILE_MIB=5 npm run bench:zip
 *   BENCH_VERIFY=1 npm run bench:zip     # also checks every CRC of the archive with python3 zipfile
 */

const ROOT = resolve(import.meta.dirname, '../..');
const FILES = Number(process.env.BENCH_FILES ?? 1000);
const FILE_BYTES = Number(process.env.BENCH_FILE_MIB ?? 1) * 1024 * 1024;
const VERIFY = process.env.BENCH_VERIFY === '1';
const UPLOAD_CONCURRENCY = 4;

/** A field of /proc/<pid>/status in KiB. */
function procStatusKiB(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) : NaN;
}

const mib = (kib: number): string => (kib / 1024).toFixed(1);

const dataDir = benchDataDir('zip');
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
  const port = await freePort();
  server = spawn(process.execPath, [...ATELIER_NODE_FLAGS, join(ROOT, 'bin/atelier.js'), 'serve', '--no-workers'], {
    cwd: ROOT,
    env: { ...env, PORT: String(port), HOST: '127.0.0.1' },
    // Server logs (warn and above) go to stderr, so a failure inside the stream is visible.
    stdio: ['ignore', 2, 'inherit'],
  });
  const pid = server.pid ?? 0;
  const base = `http://127.0.0.1:${port}`;
  await waitFor(`${base}/healthz`, server);
  const tokenRes = await fetch(`${base}/auth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ account_id: tenant.account_id, key: tenant.key, secret: tenant.secret }),
  });
  const { token } = (await tokenRes.json()) as { token: string };
  const headers = { authorization: `Bearer ${token}`, 'x-account-id': tenant.account_id, 'x-workspace-id': tenant.workspace_id };

  process.stderr.write(`uploading ${FILES} files of ${FILE_BYTES} bytes...\n`);
  const ids: string[] = [];
  const uploadStart = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: UPLOAD_CONCURRENCY }, async () => {
      while (next < FILES) {
        const i = next++;
        const q = new URLSearchParams({ file_name: `file-${String(i).padStart(5, '0')}.bin`, file_location: `/bench/${i % 10}/` });
        const res = await fetch(`${base}/workspaces/assets?${q}`, {
          method: 'POST',
          headers: { ...headers, 'content-type': 'application/octet-stream' },
          body: randomBytes(FILE_BYTES),
        });
        if (res.status !== 201) {
          throw new Error(`upload ${i} answered ${res.status}: ${await res.text()}`);
        }
        ids[i] = ((await res.json()) as { id: string }).id;
      }
    }),
  );
  const uploadSeconds = (performance.now() - uploadStart) / 1000;

  // Reset the kernel's peak-RSS counter so VmHWM covers the download only (Linux >= 4.0).
  let hwmReset = true;
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
  } catch {
    hwmReset = false;
  }
  const rssBefore = procStatusKiB(pid, 'VmRSS');
  let rssMax = rssBefore;
  const sampler = setInterval(() => {
    rssMax = Math.max(rssMax, procStatusKiB(pid, 'VmRSS'));
  }, 20);
  const start = performance.now();
  const res = await fetch(`${base}/workspaces/assets/download`, {
    method: 'POST',
    headers: { ...headers, 'content-type': 'application/json' },
    body: JSON.stringify({ ids }),
  });
  if (res.status !== 200 || !res.body) {
    throw new Error(`bulk download answered ${res.status}: ${await res.text()}`);
  }
  const firstByteMs = performance.now() - start;
  let bytes = 0;
  const chunks: Buffer[] | undefined = VERIFY ? [] : undefined;
  try {
    for await (const chunk of res.body) {
      bytes += chunk.byteLength;
      chunks?.push(Buffer.from(chunk));
    }
  } catch (err) {
    throw new Error(`download cut after ${bytes} of ${res.headers.get('content-length')} bytes, ${((performance.now() - start) / 1000).toFixed(1)} s`, { cause: err });
  }
  const seconds = (performance.now() - start) / 1000;
  clearInterval(sampler);
  const hwm = procStatusKiB(pid, 'VmHWM');
  const declared = Number(res.headers.get('content-length'));
  if (bytes !== declared) {
    throw new Error(`received ${bytes} bytes, Content-Length said ${declared}`);
  }
  let verified = 'not verified (BENCH_VERIFY=1 checks every CRC)';
  if (chunks) {
    const file = join(dataDir, 'bench.zip');
    writeFileSync(file, Buffer.concat(chunks));
    const check = spawnSync('python3', ['-c', 'import sys,zipfile;z=zipfile.ZipFile(sys.argv[1]);assert z.testzip() is None;print(len(z.infolist()))', file], { encoding: 'utf8' });
    if (check.status !== 0 || Number(check.stdout.trim()) !== FILES) {
      throw new Error(`archive check failed: ${check.stderr}${check.stdout}`);
    }
    verified = `verified: ${FILES} entries, every CRC correct (python3 zipfile)`;
  }
  const payload = FILES * FILE_BYTES;
  process.stdout.write(
    [
      `Node ${process.version}, SQLite + disk blob store, ${FILES} files x ${(FILE_BYTES / 1048576).toFixed(0)} MiB random bytes, loopback`,
      '',
      '| measure | value |',
      '| --- | --- |',
      `| upload (4 parallel raw POSTs) | ${uploadSeconds.toFixed(1)} s, ${(payload / 1048576 / uploadSeconds).toFixed(0)} MiB/s |`,
      `| bulk ZIP size | ${bytes} bytes (${(bytes / 1048576).toFixed(1)} MiB, ${bytes - payload} bytes of ZIP structure) |`,
      `| time to first byte | ${firstByteMs.toFixed(0)} ms |`,
      `| bulk ZIP download | ${seconds.toFixed(2)} s, ${(bytes / 1048576 / seconds).toFixed(0)} MiB/s (${(bytes / 1e6 / seconds).toFixed(0)} MB/s) |`,
      `| server RSS before download | ${mib(rssBefore)} MiB |`,
      `| server peak RSS during download | ${hwmReset ? `${mib(hwm)} MiB (VmHWM after clear_refs)` : 'n/a (clear_refs not writable)'}; sampled VmRSS max ${mib(rssMax)} MiB |`,
      `| archive | ${verified} |`,
      '',
    ].join('\n'),
  );
} finally {
  if (server && server.exitCode === null) {
    const exited = new Promise((r) => server?.once('exit', r));
    server.kill('SIGTERM');
    await exited;
  }
  rmSync(dataDir, { recursive: true, force: true });
}
