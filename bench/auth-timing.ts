import { rmSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { buildApp } from '../src/app.js';
import { loadConfig } from '../src/config/config.js';
import { migrateToLatest } from '../src/db/database.js';
import { createDeps, createLogger } from '../src/deps.js';
import { bootstrap } from '../src/domain/accounts/accounts.service.js';
import { benchDataDir } from './lib/data-dir.js';

/*
 * Does the time of a failed POST /auth/token tell whether the key exists? (issue #12 item 9; timing belongs in a
 * bench, not in a test.) Sends wrong secrets for an unknown key and for a real one, alternating, through the real app
 * in-process on SQLite, and prints the median and p90 of each in ms. The two medians should be within noise of each
 * other; before the fix an unknown key answered in ~4 ms and a real one in ~39 ms (scrypt ran only for real keys).
 *
 *   node --import tsx bench/auth-timing.ts            # 60 of each
 *   BENCH_N=200 node --import tsx bench/auth-timing.ts
 */

const N = Number(process.env.BENCH_N ?? 60);
const dataDir = benchDataDir('auth-timing');
const config = loadConfig({ DATA_DIR: dataDir, LOG_LEVEL: 'silent', AUTH_RATE_LIMIT_MAX: '1000000' });
const deps = createDeps(config, { log: createLogger('silent') });
try {
  await migrateToLatest(deps.db);
  const tenant = await bootstrap(deps, 'Timing Studio');
  const app = await buildApp(deps);
  await app.ready();

  const attempt = async (key: string, i: number): Promise<number> => {
    const started = performance.now();
    const res = await app.inject({
      method: 'POST',
      url: '/auth/token',
      // A fresh address per attempt, as an attacker spreading attempts out would use; the limit is raised anyway.
      remoteAddress: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`,
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ key, secret: 'sk_wrong_secret' }),
    });
    const ms = performance.now() - started;
    if (res.statusCode !== 401) {
      throw new Error(`expected 401, got ${res.statusCode}: ${res.body}`);
    }
    return ms;
  };

  const unknown: number[] = [];
  const known: number[] = [];
  for (let i = 0; i < 5; i++) {
    await attempt('ak_unknown_key_0000', i);
    await attempt(tenant.key, i);
  }
  for (let i = 0; i < N; i++) {
    // Alternating order, so drift in the host's speed falls on both equally.
    if (i % 2 === 0) {
      unknown.push(await attempt(`ak_unknown_key_${i}`, 2 * i + 100));
      known.push(await attempt(tenant.key, 2 * i + 101));
    } else {
      known.push(await attempt(tenant.key, 2 * i + 100));
      unknown.push(await attempt(`ak_unknown_key_${i}`, 2 * i + 101));
    }
  }
  const pct = (xs: number[], p: number): number => {
    const s = [...xs].sort((a, b) => a - b);
    return s[Math.min(s.length - 1, Math.floor(p * s.length))] ?? NaN;
  };
  const row = (name: string, xs: number[]) => `${name.padEnd(28)} median ${pct(xs, 0.5).toFixed(1)} ms   p90 ${pct(xs, 0.9).toFixed(1)} ms`;
  process.stdout.write(`POST /auth/token with a wrong secret, ${N} of each (in-process, SQLite)\n`);
  process.stdout.write(`${row('unknown key', unknown)}\n${row('existing key', known)}\n`);
  process.stdout.write(`median difference ${(pct(known, 0.5) - pct(unknown, 0.5)).toFixed(1)} ms\n`);
  await app.close();
} finally {
  await deps.close();
  rmSync(dataDir, { recursive: true, force: true });
}
