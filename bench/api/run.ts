import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { LoadResult } from './load.js';
import { ATELIER_NODE_FLAGS, cpuSeconds, freePort, waitFor, stop } from '../lib/processes.js';

/*
 * API overhead benchmark: Atelier's authenticated `GET /workspaces` (token verify + one actor query + the workspace
 * query + schema serialisation) against a bare Fastify route returning a similar JSON object, on the same machine in
 * the same run. Each server runs in its own process and the load generator in a third, so on a 2-core machine the
 * server under test has a core and the generator the other.
 *
 * The host's speed drifts from minute to minute (a shared VM), so the two targets are measured in alternating rounds
 * and the ratio is reported per round and as the median over rounds.
 *
 *   npm run bench:api                        # 5 rounds of 10 s per target, 32 connections
 *   BENCH_ROUNDS=5 npm run bench:api
 *   BENCH_SECONDS=20 BENCH_CONNECTIONS=64 npm run bench:api
 *   BENCH_LOG_LEVEL=info npm run bench:api   # Atelier with its request logs on (default: warn)
 *   BENCH_CPU_PROF=1 npm run bench:api       # also writes a V8 CPU profile of the Atelier process to .tmp/bench-profiles/
 */

const ROOT = resolve(import.meta.dirname, '../..');
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const WARMUP_SECONDS = Number(process.env.BENCH_WARMUP_SECONDS ?? 3);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
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

interface Measured extends LoadResult {
  /** Server CPU time per answered request, in µs (Linux; null elsewhere). */
  server_cpu_us: number | null;
}

async function measure(name: string, url: string, headers: Record<string, string>, server: ChildProcess): Promise<Measured> {
  process.stderr.write(`${name}: warming up ${WARMUP_SECONDS} s, then ${SECONDS} s with ${CONNECTIONS} connections\n`);
  await load(url, headers, WARMUP_SECONDS);
  const cpuBefore = cpuSeconds(server.pid);
  const r = await load(url, headers, SECONDS);
  const cpuAfter = cpuSeconds(server.pid);
  if (r.errors > 0 || r.non_2xx > 0) {
    throw new Error(`${name}: ${r.errors} socket errors and ${r.non_2xx} non-2xx answers`);
  }
  const cpu = cpuBefore === undefined || cpuAfter === undefined ? null : Math.round(((cpuAfter - cpuBefore) * 1e6) / r.requests);
  return { ...r, server_cpu_us: cpu };
}

const dataDir = mkdtempSync(join(tmpdir(), 'atelier-bench-'));
const children: ChildProcess[] = [];
try {
  const env = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', DATA_DIR: dataDir, LOG_LEVEL: LOG_LEVEL };
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

  const atelierPort = await freePort();
  const profArgs = CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${join(ROOT, '.tmp/bench-profiles')}`] : [];
  const atelier = spawn(process.execPath, [...ATELIER_NODE_FLAGS, ...profArgs, join(ROOT, 'bin/atelier.js'), 'serve', '--no-workers'], {
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
  const rounds: Array<{ atelier: Measured; bare: Measured; ratio: number }> = [];
  for (let i = 0; i < ROUNDS; i++) {
    const a = await measure(`round ${i + 1}/${ROUNDS}: atelier GET /workspaces`, `${atelierUrl}/workspaces`, headers, atelier);
    const b = await measure(`round ${i + 1}/${ROUNDS}: bare fastify GET /workspaces`, bareUrl, headers, bare);
    rounds.push({ atelier: a, bare: b, ratio: a.rps / b.rps });
  }
  await stop(bare);
  await stop(atelier);

  const byRatio = [...rounds].sort((x, y) => x.ratio - y.ratio);
  const median = byRatio[Math.floor(byRatio.length / 2)]!;
  const row = (name: string, r: Measured, bytes: number) =>
    `| ${name} | ${r.rps} | ${r.p50_ms} | ${r.p99_ms} | ${r.server_cpu_us ?? '-'} | ${r.requests} | ${bytes} |`;
  const cpuRatios = rounds.flatMap((r) => (r.atelier.server_cpu_us && r.bare.server_cpu_us ? [r.bare.server_cpu_us / r.atelier.server_cpu_us] : []));
  process.stdout.write(
    [
      `Node ${process.version}, ${CONNECTIONS} keep-alive connections, ${ROUNDS} rounds of ${SECONDS} s per target (after ${WARMUP_SECONDS} s warm-up each), Atelier LOG_LEVEL=${LOG_LEVEL}, SQLite`,
      '',
      '| target | req/s | p50 ms | p99 ms | server CPU µs/request | requests | body bytes |',
      '| --- | --- | --- | --- | --- | --- | --- |',
      ...rounds.flatMap((r, i) => [
        row(`round ${i + 1}: Atelier \`GET /workspaces\` (token + tenancy headers)`, r.atelier, Buffer.byteLength(sample)),
        row(`round ${i + 1}: bare Fastify \`GET /workspaces\` (static JSON)`, r.bare, Buffer.byteLength(bareSample)),
      ]),
      '',
      `Atelier / bare throughput per round: ${rounds.map((r) => `${(r.ratio * 100).toFixed(1)}%`).join(', ')}`,
      `Atelier / bare throughput, median round: ${(median.ratio * 100).toFixed(1)}% (target >= 50%)`,
      cpuRatios.length > 0
        ? `bare / Atelier server CPU per request (the throughput each would reach on a core of its own): ${cpuRatios.map((c) => `${(c * 100).toFixed(1)}%`).join(', ')}`
        : '',
      '',
    ].join('\n'),
  );
  process.stdout.write(`${JSON.stringify({ rounds, median_ratio: Math.round(median.ratio * 1000) / 1000 })}\n`);
} finally {
  await Promise.all(children.map(stop));
  rmSync(dataDir, { recursive: true, force: true });
}
