#!/usr/bin/env node
// The whole test suite: starts a throwaway PostgreSQL cluster on loopback (unless TEST_PG_URL is given), migrates a
// template database once, then runs every *.test.ts file with node's test runner on SQLite and PostgreSQL.
// DATABASES=sqlite narrows the run; extra arguments are test files or folders to run instead of all.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync, chmodSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { killLeftovers, watchTestFiles } from './test-watchdog.js';

const root = resolve(import.meta.dirname, '..');
const databases = (process.env.DATABASES ?? 'sqlite,postgres').split(',').map((s) => s.trim()).filter(Boolean);

function findTests(dir) {
  const out = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    if (entry.isDirectory() && entry.name !== 'node_modules') out.push(...findTests(p));
    else if (entry.isFile() && entry.name.endsWith('.test.ts')) out.push(p);
  }
  return out;
}

function freePort() {
  return new Promise((res, rej) => {
    const s = createServer();
    s.unref();
    s.on('error', rej);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => res(port));
    });
  });
}

function pgBin(name) {
  for (const dir of ['/usr/lib/postgresql/17/bin', '/usr/lib/postgresql/16/bin', '/usr/lib/postgresql/15/bin']) {
    try {
      statSync(join(dir, name));
      return join(dir, name);
    } catch {}
  }
  return name;
}

function run(cmd, args, opts = {}) {
  const asPostgres = process.getuid?.() === 0;
  const [c, a] = asPostgres ? ['runuser', ['-u', 'postgres', '--', cmd, ...args]] : [cmd, args];
  const r = spawnSync(c, a, { stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8', ...opts });
  if (r.status !== 0) throw new Error(`${cmd} failed: ${r.stderr || r.stdout}`);
  return r.stdout;
}

async function startPostgres() {
  const dir = mkdtempSync(join(tmpdir(), 'atelier-pg-'));
  chmodSync(dir, 0o777);
  const data = join(dir, 'data');
  const port = await freePort();
  run(pgBin('initdb'), ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync']);
  run(pgBin('pg_ctl'), [
    '-D', data, '-l', join(dir, 'log'), '-w', 'start', '-o',
    `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=400`,
  ]);
  return { url: `postgres://postgres@127.0.0.1:${port}/postgres`, stop: () => { try { run(pgBin('pg_ctl'), ['-D', data, '-m', 'immediate', 'stop']); } catch {} rmSync(dir, { recursive: true, force: true }); } };
}

const env = { ...process.env, DATABASES: databases.join(',') };
let pg;
if (databases.includes('postgres') && !process.env.TEST_PG_URL) {
  pg = await startPostgres();
  env.TEST_PG_URL = pg.url;
}
let code = 1;
try {
  if (env.TEST_PG_URL) {
    const prep = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'test/harness/prepare-template.ts')], { env, stdio: 'inherit' });
    if (prep.status !== 0) throw new Error('could not prepare the PostgreSQL template database');
  }
  // Servers and CLIs the tests spawn run bin/atelier.js, which runs dist/ when it is current: build it, so they run
  // what `npm start` runs.
  const built = spawnSync(process.execPath, [join(root, 'scripts/build.js')], { cwd: root, env, stdio: 'inherit' });
  if (built.status !== 0) throw new Error('the build failed');
  // Compile the source tree into tsx's on-disk cache once, so that the first test files and the servers they spawn
  // do not all transform the same modules at the same moment on a cold machine.
  spawnSync(process.execPath, ['--import', 'tsx', '-e', "await import('./src/app.ts'); await import('./src/main.ts');"], { cwd: root, env, stdio: 'inherit' });
  const args = process.argv.slice(2);
  const files = (args.length ? args.flatMap((a) => (statSync(a).isDirectory() ? findTests(resolve(a)) : [resolve(a)])) : [...findTests(join(root, 'src')), ...findTests(join(root, 'test'))]).sort();
  const concurrency = process.env.TEST_CONCURRENCY ?? '3';
  // --test-force-exit: a file whose tests are done ends even if a handle stays open; the watchdog ends a file that
  // never gets there (TEST_FILE_TIMEOUT_SECONDS, 600 by default; the slowest file takes about 140 s).
  // The runner gets its own process group, so that what the tests leave behind can be found and ended with it.
  const child = spawn(process.execPath, ['--import', 'tsx', '--test', '--test-force-exit', `--test-concurrency=${concurrency}`, '--test-reporter=spec', ...files], { env, stdio: 'inherit', cwd: root, detached: true });
  const forward = (sig) => () => { try { process.kill(-child.pid, sig); } catch {} };
  process.on('SIGINT', forward('SIGINT')).on('SIGTERM', forward('SIGTERM'));
  const stopWatching = watchTestFiles(child.pid, { limitSeconds: Number(process.env.TEST_FILE_TIMEOUT_SECONDS ?? 600) });
  code = await new Promise((res) => child.on('exit', (c, sig) => res(c ?? (sig ? 1 : 0))));
  stopWatching();
  killLeftovers(child.pid);
} finally {
  pg?.stop();
}
process.exit(code);
