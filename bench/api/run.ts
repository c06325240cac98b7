import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { LoadResult } from './load.js';
import { freePort, waitFor, stop } from '../lib/processes.js';

/*
 * API overhead benchmark: Atelier's authenticated `GET /workspaces` (token verify + one actor query + the workspace
 * query + schema serialisation) against a bare Fastify route returning a similar JSON object, on the same machine in
 * the same run. Each server runs in its own process and the load generator in a third, so on a 2-core machine the
 * server under test has a core and the generator the other.
 *
 *   npm run bench:api                        # 10 s per target, 32 connections
 *   BENCH_SECONDS=20 BENCH_CONNECTIONS=64 npm run bench:api
 *   BENCH_LOG_LEVEL=info npm run bench:api   # Atelier with its request logs on (default: warn)
 *   BENCH_CPU_PROF=1 npm run bench:api       # also writes a V8 CPU profile of the Atelier process to .tmp/bench-profiles/
 */

const ROOT = resolve(import.meta.dirname, '../..');
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const WARMUP_SECONDS = Number(process.env.BENCH_WARMUP_SECONDS ?? 3);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const LOG_LEVEL = process.env.BENCH_LOG_LEVEL ?? 'warn';
const CPU_PROF = process.env.BENCH_CPU_PROF === '1';

/** Runs bench/api/load.ts in its own process and returns its result. */
function load(url: string, headers: Record<string, string>, seconds: number): Promise<LoadResult> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'bench/api/load.ts'), JSON.stringify({ url, headers, connections: CONNECTIONS, seconds })], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  return new Promise((res, rej) =>
    child.on('exit', (code) => (code === 0 ? res(JSON.parse(out) as LoadResult) : rej(new Error(`load generator exited ${code}`)))),
  );
}

async function measure(name: string, url: string, headers: Record<string, string>): Promise<LoadResult> {
  process.stderr.write(`${name}: warming up ${WARMUP_SECONDS} s, then ${SECONDS} s with ${CONNECTIONS} connections\n`);
  await load(url, headers, WARMUP_SECONDS);
  const r = await load(url, headers, SECONDS);
  if (r.errors > 0 || r.non_2xx > 0) {
    throw new Error(`${name}: ${r.errors} socket errors and ${r.non_2xx} non-2xx answers`);
  }
  return r;
}

const dataDir = mkdtempSync(join(tmpdir(), 'atelier-bench-'));
const children: ChildProcess[] = [];
try {
  const env = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', DATA_DIR: dataDir, LOG_LEVEL: LOG_LEVEL };
  const boot = spawnSync(process.execPath, [join(ROOT, 'bin/atelier.js'), 'bootstrap', '--json', '--account', 'Bench Studio'], { cwd: ROOT, env, encoding: 'utf8' });
  if (boot.status !== 0) {
    throw new Error(`bootstrap failed: ${boot.stderr}`);
  }
  const tenant = JSON.parse(boot.stdout) as { account_id: string; workspace_id: string; key: string; secret: string };

  const atelierPort = await freePort();
  const profArgs = CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${join(ROOT, '.tmp/bench-profiles')}`] : [];
  const atelier = spawn(process.execPath, [...profArgs, join(ROOT, 'bin/atelier.js'), 'serve', '--no-workers'], {
    cwd: ROOT,
    env: { ...env, PORT: String(atelierPort), HOST: '127.0.0.1' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  children.push(atelier);
  const atelierUrl = `http://127.0.0.1:${atelierPort}`;
  await waitFor(`${atelierUrl}/healthz`, atelier);
  const tokenRes = await fetch(`${atelierUrl}/auth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ account_id: tenant.account_id, key: tenant.key, secret: tenant.secret }),
  });
  const { token } = (await tokenRes.json()) as { token: string };
  const headers = { authorization: `Bearer ${token}`, 'x-account-id': tenant.account_id, 'x-workspace-id': tenant.workspace_id };
  const check = await fetch(`${atelierUrl}/workspaces`, { headers });
  const sample = await check.text();
  if (!check.ok) {
    throw new Error(`GET /workspaces answered ${check.status}: ${sample}`);
  }

  const barePort = await freePort();
  const bare = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'bench/api/bare-server.ts')], {
    cwd: ROOT,
    env: { ...env, PORT: String(barePort) },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  children.push(bare);
  const bareUrl = `http://127.0.0.1:${barePort}/workspaces`;
  await waitFor(bareUrl, bare);
  const bareSample = await (await fetch(bareUrl)).text();

  // The same headers go to both, so request parsing costs the same.
  const atelierResult = await measure('atelier GET /workspaces', `${atelierUrl}/workspaces`, headers);
  const bareResult = await measure('bare fastify GET /workspaces', bareUrl, headers);
  await stop(bare);
  await stop(atelier);

  const ratio = atelierResult.rps / bareResult.rps;
  const row = (name: string, r: LoadResult, bytes: number) =>
    `| ${name} | ${r.rps} | ${r.p50_ms} | ${r.p99_ms} | ${r.requests} | ${bytes} |`;
  process.stdout.write(
    [
      `Node ${process.version}, ${CONNECTIONS} keep-alive connections, ${SECONDS} s per target (after ${WARMUP_SECONDS} s warm-up), Atelier LOG_LEVEL=${LOG_LEVEL}, SQLite`,
      '',
      '| target | req/s | p50 ms | p99 ms | requests | body bytes |',
      '| --- | --- | --- | --- | --- | --- |',
      row('Atelier `GET /workspaces` (token + tenancy headers)', atelierResult, Buffer.byteLength(sample)),
      row('bare Fastify `GET /workspaces` (static JSON)', bareResult, Buffer.byteLength(bareSample)),
      '',
      `Atelier / bare throughput: ${(ratio * 100).toFixed(1)}% (target >= 50%)`,
      '',
    ].join('\n'),
  );
  process.stdout.write(`${JSON.stringify({ atelier: atelierResult, bare: bareResult, ratio: Math.round(ratio * 1000) / 1000 })}\n`);
} finally {
  await Promise.all(children.map(stop));
  rmSync(dataDir, { recursive: true, force: true });
}
