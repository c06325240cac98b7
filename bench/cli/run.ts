import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { closeSync, copyFileSync, createWriteStream, mkdirSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { benchDataDir } from '../lib/data-dir.js';
import { HAS_CURL, rawUpload } from '../lib/raw-upload.js';
import { ATELIER_NODE_FLAGS, freePort, stop, waitFor } from '../lib/processes.js';

/*
 * CLI benchmark, in one run against one server (SQLite, disk blob store, --no-workers, loopback):
 *  1. small files: `atelier upload` of BENCH_FILES (1,000) files of 4 KiB (which it sends in batches, POST
 *     /workspaces/assets/batch), against the same files sent by a plain sequential loop of single-request uploads
 *     (fetch, one POST /workspaces/assets each, the simplest documented upload call); files/s, target >= 3x;
 *  2. one large file (BENCH_BYTES, 1 GiB): `atelier upload` (tus, PATCHes streamed from the file and hashed as
 *     they are read), against one single-request raw upload of a file of the same size as bench:ingest
 *     sends it (curl when installed), in BENCH_ROUNDS (5) alternating rounds; medians in MB/s, target >= 80%.
 * The CLI's figures include its process start and sign-in, as a person running it would see.
 *
 *   npm run bench:cli
 *   BENCH_BYTES=268435456 BENCH_FILES=300 BENCH_ROUNDS=1 npm run bench:cli
 */

const ROOT = resolve(import.meta.dirname, '../..');
const BIN = join(ROOT, 'bin/atelier.js');
const FILES = Number(process.env.BENCH_FILES ?? 1000);
const SMALL = 4096;
const BYTES = Number(process.env.BENCH_BYTES ?? 1024 ** 3);
/** Alternating rounds of the large file (ingest, then the CLI); the medians are compared. */
const ROUNDS = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 5));
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

/** A copy of `from` whose first bytes say `label`, so that the store cannot dedupe it against another round's. */
function distinctCopy(from: string, to: string, label: string): void {
  copyFileSync(from, to);
  const fd = openSync(to, 'r+');
  try {
    writeSync(fd, Buffer.from(label.padEnd(32, '.')), 0, 32, 8);
  } finally {
    closeSync(fd);
  }
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};

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

  // 2. One large file, in alternating rounds (ingest, CLI, ingest, CLI, ...). Each round sends its own content (the
  // store keeps identical content once, which would make a repeat cheap), and the disk is synced after the files are
  // made, so neither side pays for the other's writeback.
  const seed = join(dataDir, 'seed.bin');
  await bigFile(seed, BYTES);
  const ingestRuns: number[] = [];
  const cliRuns: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const ingestFile = join(dataDir, `ingest-${round}.bin`);
    const cliFile = join(dataDir, `cli-${round}.bin`);
    distinctCopy(seed, ingestFile, `ingest ${round}`);
    distinctCopy(seed, cliFile, `cli ${round}`);
    spawnSync('sync');
    const ingestStart = process.hrtime.bigint();
    const ingest = await rawUpload(`${base}/workspaces/assets?file_name=ingest-${round}.bin&file_location=/ingest/`, headers, ingestFile);
    if (ingest.status !== 201) throw new Error(`ingest upload answered ${ingest.status}: ${ingest.body}`);
    ingestRuns.push(Number(process.hrtime.bigint() - ingestStart) / 1e9);
    cliRuns.push(cli(['upload', cliFile, '--to', '/cli-big/', '--no-progress', ...(process.env.BENCH_CHUNK ? ['--chunk-size', process.env.BENCH_CHUNK] : [])], clientEnv));
    rmSync(ingestFile);
    rmSync(cliFile);
  }
  const ingestSeconds = median(ingestRuns);
  const cliBigSeconds = median(cliRuns);
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
      `| ${(BYTES / MiB).toFixed(0)} MiB, single-request raw upload (as bench:ingest, ${HAS_CURL ? 'curl' : 'a Node client'}), median of ${ROUNDS} | ${ingestSeconds.toFixed(2)} (${ingestRuns.map((r) => r.toFixed(2)).join(', ')}) | ${mbps(ingestSeconds).toFixed(0)} MB/s |`,
      `| ${(BYTES / MiB).toFixed(0)} MiB, \`atelier upload\` (tus; process start included, token kept since \`login\`), median of ${ROUNDS} | ${cliBigSeconds.toFixed(2)} (${cliRuns.map((r) => r.toFixed(2)).join(', ')}) | ${mbps(cliBigSeconds).toFixed(0)} MB/s |`,
      '',
      `small files: atelier upload / plain loop = ${(loopSeconds / cliSmallSeconds).toFixed(2)}x (target >= 3x)`,
      `large file: atelier upload / single-request ingest = ${((ingestSeconds / cliBigSeconds) * 100).toFixed(1)}% (target >= 80%)`,
      '',
    ].join('\n'),
  );
  process.stdout.write(`${JSON.stringify({ files: FILES, loop_seconds: loopSeconds, cli_small_seconds: cliSmallSeconds, bytes: BYTES, ingest_seconds: ingestRuns, cli_big_seconds: cliRuns })}\n`);
} finally {
  if (server) await stop(server);
  rmSync(dataDir, { recursive: true, force: true });
}
