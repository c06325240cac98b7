import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import pg from 'pg';
import { startS3Server, type S3TestServer } from '../../test/harness/s3-server.js';
import { ATELIER_NODE_FLAGS, freePort, stop, waitFor } from './processes.js';

/*
 * A multi-process Atelier for the load and soak benches, deployed as docs/deployment.md describes: N API processes
 * (`serve --no-workers`) and M workers (`worker`) on one PostgreSQL database and one S3-compatible store (s3rver),
 * all with the same TOKEN_SECRET. PostgreSQL is a throwaway cluster (as scripts/test.js starts one) unless
 * TEST_PG_URL or DATABASE_URL names a server, in which case a fresh database is created on it and dropped after.
 */

const ROOT = resolve(import.meta.dirname, '../..');
const BIN = join(ROOT, 'bin/atelier.js');

export interface Proc {
  name: string;
  child: ChildProcess;
  /** The API's base URL; '' for a worker. */
  url: string;
  port: number;
}

export interface Cluster {
  apis: Proc[];
  workers: Proc[];
  headers: Record<string, string>;
  /** SIGKILLs API process `i`; resolves once it is gone. */
  kill(i: number): Promise<void>;
  /** Starts API process `i` again on its port; resolves once it answers /healthz. */
  restart(i: number): Promise<void>;
  close(): Promise<void>;
}

function pgBin(name: string): string {
  for (const dir of ['/usr/lib/postgresql/17/bin', '/usr/lib/postgresql/16/bin', '/usr/lib/postgresql/15/bin']) {
    try {
      statSync(join(dir, name));
      return join(dir, name);
    } catch {
      // not this version
    }
  }
  return name;
}

function runAsPostgres(cmd: string, args: string[]): void {
  const asRoot = process.getuid?.() === 0;
  const [c, a] = asRoot ? ['runuser', ['-u', 'postgres', '--', cmd, ...args]] : [cmd, args];
  const r = spawnSync(c, a as string[], { stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
  if (r.status !== 0) {
    throw new Error(`${cmd} failed: ${r.stderr || r.stdout}`);
  }
}

/** A PostgreSQL server URL (admin database) and how to stop it when this bench started it. */
async function postgresServer(): Promise<{ url: string; stop(): void }> {
  const given = process.env.TEST_PG_URL ?? process.env.DATABASE_URL;
  if (given) {
    return { url: given, stop: () => undefined };
  }
  const dir = mkdtempSync(join(tmpdir(), 'atelier-bench-pg-'));
  chmodSync(dir, 0o777);
  const port = await freePort();
  runAsPostgres(pgBin('initdb'), ['-D', join(dir, 'data'), '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync']);
  runAsPostgres(pgBin('pg_ctl'), [
    '-D', join(dir, 'data'), '-l', join(dir, 'log'), '-w', 'start', '-o',
    `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c max_connections=200`,
  ]);
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    stop: () => {
      try {
        runAsPostgres(pgBin('pg_ctl'), ['-D', join(dir, 'data'), '-m', 'immediate', 'stop']);
      } catch {
        // already gone
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function startCluster(opts: { apis: number; workers: number; log?: (line: string) => void }): Promise<Cluster> {
  const log = opts.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const cleanups: Array<() => Promise<void> | void> = [];
  const procs: Proc[] = [];
  let stopPostgres = () => undefined as void;
  // A bench that dies (an uncaught error) must not leave Atelier processes or a PostgreSQL cluster behind.
  const emergency = () => {
    for (const p of procs) {
      p.child.kill('SIGKILL');
    }
    stopPostgres();
  };
  process.once('exit', emergency);
  const close = async () => {
    for (const c of cleanups.reverse()) {
      await c();
    }
    process.removeListener('exit', emergency);
  };
  try {
    const server = await postgresServer();
    stopPostgres = () => server.stop();
    cleanups.push(() => server.stop());
    const dbName = `bench_${randomBytes(5).toString('hex')}`;
    const admin = new pg.Client({ connectionString: server.url });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${dbName}`);
    await admin.end();
    const dbUrl = new URL(server.url);
    dbUrl.pathname = `/${dbName}`;
    cleanups.push(async () => {
      const c = new pg.Client({ connectionString: server.url });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`).catch(() => undefined);
      await c.end();
    });
    const s3: S3TestServer = await startS3Server();
    cleanups.push(() => s3.stop());
    const dataDir = mkdtempSync(join(tmpdir(), 'atelier-bench-cluster-'));
    cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
    const env = {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      DATA_DIR: dataDir,
      DATABASE_URL: dbUrl.toString(),
      TOKEN_SECRET: randomBytes(32).toString('hex'),
      LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'warn',
      // The AWS SDK's notice about future Node versions, printed by every process, would bury the figures.
      NODE_NO_WARNINGS: '1',
      ...s3.env,
    };
    const migrated = spawnSync(process.execPath, [BIN, 'migrate'], { cwd: ROOT, env, encoding: 'utf8' });
    if (migrated.status !== 0) {
      throw new Error(`migrate failed: ${migrated.stderr}`);
    }
    const boot = spawnSync(process.execPath, [BIN, 'bootstrap', '--json', '--account', 'Load Studio'], { cwd: ROOT, env, encoding: 'utf8' });
    if (boot.status !== 0) {
      throw new Error(`bootstrap failed: ${boot.stderr}`);
    }
    const tenant = JSON.parse(boot.stdout) as { account_id: string; workspace_id: string; key: string; secret: string };

    const spawnApi = (port: number) =>
      spawn(process.execPath, [...ATELIER_NODE_FLAGS, BIN, 'serve', '--no-workers'], { cwd: ROOT, env: { ...env, PORT: String(port), HOST: '127.0.0.1' }, stdio: ['ignore', 'ignore', 'inherit'] });
    const apis: Proc[] = [];
    for (let i = 0; i < opts.apis; i++) {
      const port = await freePort();
      apis.push({ name: `api${i + 1}`, child: spawnApi(port), url: `http://127.0.0.1:${port}`, port });
      procs.push(apis[i]!);
    }
    const workers: Proc[] = [];
    for (let i = 0; i < opts.workers; i++) {
      const child = spawn(process.execPath, [...ATELIER_NODE_FLAGS, BIN, 'worker'], { cwd: ROOT, env, stdio: ['ignore', 'ignore', 'inherit'] });
      workers.push({ name: `worker${i + 1}`, child, url: '', port: 0 });
      procs.push(workers[i]!);
    }
    cleanups.push(() => Promise.all([...apis, ...workers].map((p) => stop(p.child))).then(() => undefined));
    await Promise.all(apis.map((a) => waitFor(`${a.url}/healthz`, a.child)));
    log(`cluster: ${opts.apis} API processes, ${opts.workers} workers, PostgreSQL ${dbUrl.host}, s3rver ${s3.endpoint}`);

    const tokenRes = await fetch(`${apis[0]!.url}/auth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ account_id: tenant.account_id, key: tenant.key, secret: tenant.secret }),
    });
    if (!tokenRes.ok) {
      throw new Error(`POST /auth/token answered ${tokenRes.status}`);
    }
    const { token } = (await tokenRes.json()) as { token: string };
    return {
      apis,
      workers,
      headers: { authorization: `Bearer ${token}`, 'x-account-id': tenant.account_id, 'x-workspace-id': tenant.workspace_id },
      async kill(i) {
        const p = apis[i]!;
        const gone = new Promise<void>((res) => (p.child.exitCode !== null || p.child.signalCode !== null ? res() : p.child.once('exit', () => res())));
        p.child.kill('SIGKILL');
        await gone;
      },
      async restart(i) {
        const p = apis[i]!;
        p.child = spawnApi(p.port);
        await waitFor(`${p.url}/healthz`, p.child);
      },
      close,
    };
  } catch (err) {
    await close();
    throw err;
  }
}

/** Resident set size of a process in MB (Linux /proc); undefined when it is gone or elsewhere. */
export function rssMb(pid: number | undefined): number | undefined {
  if (pid === undefined) {
    return undefined;
  }
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}
