import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createWriteStream, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { benchDataDir } from '../lib/data-dir.js';
import { ATELIER_NODE_FLAGS, freePort, stop, waitFor } from '../lib/processes.js';

/*
 * CLI benchmark, in one run against one server (SQLite, disk blob store, --no-workers, loopback):
 *  1. small files: `atelier upload` of BENCH_FILES (1,000) files of 4 KiB (which it sends in batches, POST
 *     /workspaces/assets/batch), against the same files sent by a plain sequential loop of single-request uploads
 *     (fetch, one POST /workspaces/assets each, the simplest documented upload call); files/s, target >= 3x;
 *  2. one large file (BENCH_BYTES, 1 GiB): `atelier upload` (tus in 8 MiB chunks, hashed while sent), against one
 *     single-request raw upload of the same file as bench:ingest sends it; MB/s, target >= 80%.
 * The CLI's figures include its process start and sign-in, as a person running it would see.
 *
 *   npm run bench:cli
 *   BENCH_BYTES=268435456 BENCH_FILES=300 npm run bench:cli
 */

const ROOT = resolve(import.meta.dirname, '../..');
const BIN = join(ROOT, 'bin/atelier.js');
const FILES = Number(process.env.BENCH_FILES ?? 1000);
const SMALL = 4096;
const BYTES = Number(process.env.BENCH_BYTES ?? 1024 ** 3);
const MiB = 1024 ** 2;

async function bigFile(path: string, bytes: number): Promise<void> {
  const seed = randomBytes(MiB);
  const out = createWriteStream(path);
  for (let sent = 0, n = 0; sent < bytes; n++) {
    const chunk = Buffer.from(seed.subarray(0, Math.min(MiB, bytes - sent)));
    chunk.writeUInt32BE(n, 0);
    sent += chunk.length;
    if (!out.write(chunk)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}

function cli(args: string[], env: Record<string, string>): number {
  const start = process.hrtime.bigint();
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, env, encoding: 'utf8', maxBuffer: 64 * MiB });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (r.status !== 0) throw new Error(`atelier ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return seconds;
}

const dataDir = benchDataDir('cli');
let server: ChildProcess | undefined;
try {
  const env = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', DATA_DIR: dataDir, LOG_LEVEL: 'warn' };
  for (const args of [['migrate'], ['bootstrap', '--json', '--account', 'Bench Studio']]) {
    const r = spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, env, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`${args[0]} failed: ${r.stderr}`);
    if (args[0] === 'bootstrap') writeFileSync(join(dataDir, 'tenant.json'), r.stdout);
  }
  const tenant = JSON.parse(readFileSync(join(dataDir, 'tenant.json'), 'utf8')) as { account_id: string; workspace_id: string; key: string; secret: string };
  const port = await freePort();
  server = spawn(process.execPath, [...ATELIER_NODE_FLAGS, BIN, 'serve', '--no-workers'], { cwd: ROOT, env: { ...env, PORT: String(port), HOST: '127.0.0.1' }, stdio: ['ignore', 'ignore', 'inherit'] });
  const base = `http://127.0.0.1:${port}`;
  await waitFor(`${base}/healthz`, server);
  const home = join(dataDir, 'home');
  const clientEnv = { PATH: env.PATH, HOME: home, XDG_CONFIG_HOME: join(home, '.config') };
  cli(['login', '--url', base, '--key', tenant.key, '--secret', tenant.secret], clientEnv);
  const token = ((await (await fetch(`${base}/auth/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ key: tenant.key, secret: tenant.secret }) })).json()) as { token: string }).token;
  const headers = { authorization: `Bearer ${token}`, 'x-account-id': tenant.account_id, 'x-workspace-id': tenant.workspace_id, 'content-type': 'application/octet-stream' };

  // 1. Small files.
  const small = join(dataDir, 'small');
  mkdirSync(small);
  for (let i = 0; i < FILES; i++) writeFileSync(join(small, `f${String(i).padStart(5, '0')}.bin`), randomBytes(SMALL));
  const loopStart = process.hrtime.bigint();
  for (const name of readdirSync(small)) {
    const res = await fetch(`${base}/workspaces/assets?file_name=${name}&file_location=/loop/`, { method: 'POST', headers, body: readFileSync(join(small, name)) });
    if (res.status !== 201) throw new Error(`loop upload answered ${res.status}`);
    await res.arrayBuffer();
  }
  const loopSeconds = Number(process.hrtime.bigint() - loopStart) / 1e9;
  const cliSmallSeconds = cli(['upload', small, '--to', '/cli/', '--no-progress'], clientEnv);

  // 2. One large file.
  const big = join(dataDir, 'big.bin');
  await bigFile(big, BYTES);
  const ingestStart = process.hrtime.bigint();
  const ingest = await fetch(`${base}/workspaces/assets?file_name=ingest.bin&file_location=/ingest/`, {
    method: 'POST',
    headers: { ...headers, 'content-length': String(BYTES) },
    body: (await import('node:fs')).createReadStream(big) as never,
    duplex: 'half',
  } as RequestInit);
  if (ingest.status !== 201) throw new Error(`ingest upload answered ${ingest.status}`);
  await ingest.arrayBuffer();
  const ingestSeconds = Number(process.hrtime.bigint() - ingestStart) / 1e9;
  const cliBigSeconds = cli(['upload', big, '--to', '/cli-big/', '--no-progress'], clientEnv);

  const fps = (s: number) => FILES / s;
  const mbps = (s: number) => BYTES / 1e6 / s;
  process.stdout.write(
    [
      `Node ${process.version}, SQLite + disk blob store, loopback, server --no-workers; load average ${loadavg().map((l) => l.toFixed(1)).join(' ')} on ${cpus().length} CPUs`,
      '',
      '| what | seconds | rate |',
      '| --- | --- | --- |',
      `| ${FILES} files of ${SMALL} B, plain sequential loop (fetch, POST /workspaces/assets) | ${loopSeconds.toFixed(2)} | ${fps(loopSeconds).toFixed(0)} files/s |`,
      `| ${FILES} files of ${SMALL} B, \`atelier upload\` (batches; process start and sign-in included) | ${cliSmallSeconds.toFixed(2)} | ${fps(cliSmallSeconds).toFixed(0)} files/s |`,
      `| ${(BYTES / MiB).toFixed(0)} MiB, single-request raw upload (as bench:ingest) | ${ingestSeconds.toFixed(2)} | ${mbps(ingestSeconds).toFixed(0)} MB/s |`,
      `| ${(BYTES / MiB).toFixed(0)} MiB, \`atelier upload\` (tus, hashed while sent) | ${cliBigSeconds.toFixed(2)} | ${mbps(cliBigSeconds).toFixed(0)} MB/s |`,
      '',
      `small files: atelier upload / plain loop = ${(loopSeconds / cliSmallSeconds).toFixed(2)}x (target >= 3x)`,
      `large file: atelier upload / single-request ingest = ${((ingestSeconds / cliBigSeconds) * 100).toFixed(1)}% (target >= 80%)`,
      '',
    ].join('\n'),
  );
  process.stdout.write(`${JSON.stringify({ files: FILES, loop_seconds: loopSeconds, cli_small_seconds: cliSmallSeconds, bytes: BYTES, ingest_seconds: ingestSeconds, cli_big_seconds: cliBigSeconds })}\n`);
} finally {
  if (server) await stop(server);
  rmSync(dataDir, { recursive: true, force: true });
}
