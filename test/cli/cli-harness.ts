import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import pg from 'pg';
import { clonePostgresDatabase, withDatabase, type DatabaseKind } from '../harness/databases.js';

/*
 * Runs the real CLI (`node bin/atelier.js ...`) as child processes, the way an operator does, on a temp DATA_DIR and
 * (for PostgreSQL) a fresh database of its own.
 */

export const ROOT = resolve(import.meta.dirname, '../..');
const BIN = join(ROOT, 'bin/atelier.js');

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Environment of one CLI "installation": a temp data dir and, on PostgreSQL, its own database. */
export class CliEnv {
  readonly dataDir = mkdtempSync(join(tmpdir(), 'atelier-cli-'));
  env: Record<string, string> = {};
  /** The children's working directory: the repo root, or `dataDir` itself for an installation on the defaults. */
  cwd = ROOT;
  private cleanups: Array<() => Promise<void> | void> = [() => rmSync(this.dataDir, { recursive: true, force: true })];

  constructor(readonly kind: DatabaseKind) {}

  /**
   * `database`: a clone of the migrated template (default) or an empty database (migrations not applied).
   * `relativeDataDir`: as the README's quick start has it, no DATA_DIR (the default `./data`) and the children run in
   * `dataDir`, so the data lives in `<dataDir>/data`.
   */
  async start(opts: { database?: 'migrated' | 'empty'; env?: Record<string, string>; relativeDataDir?: boolean } = {}): Promise<this> {
    this.env = { ...(opts.relativeDataDir ? {} : { DATA_DIR: this.dataDir }), LOG_LEVEL: 'silent', ...opts.env };
    this.cwd = opts.relativeDataDir ? this.dataDir : ROOT;
    if (this.kind === 'postgres') {
      const db = opts.database === 'empty' ? await emptyPostgresDatabase() : await clonePostgresDatabase();
      this.cleanups.push(() => db.drop());
      this.env.DATABASE_URL = db.url;
    }
    return this;
  }

  /** Runs `atelier <args>` to completion (in `cwd`, default this installation's working directory). */
  run(args: string[], env: Record<string, string> = {}, cwd = this.cwd): Promise<CliResult> {
    const child = spawnCli(args, { ...this.env, ...env }, cwd);
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    return new Promise((res, rej) => {
      child.on('error', rej);
      child.on('close', (code, signal) => res({ code, signal, stdout, stderr }));
    });
  }

  /** Runs a command that prints one JSON line and must succeed. */
  async json<T = Record<string, unknown>>(args: string[]): Promise<T> {
    const r = await this.run(args);
    if (r.code !== 0) {
      throw new Error(`atelier ${args.join(' ')} exited ${r.code}: ${r.stderr}`);
    }
    return JSON.parse(r.stdout) as T;
  }

  /** Starts `atelier serve` on a free port and waits until /healthz answers. */
  async serve(env: Record<string, string> = {}): Promise<ServerProcess> {
    const port = await freePort();
    const host = env.HOST ?? '127.0.0.1';
    const server = new ServerProcess(spawnCli(['serve'], { ...this.env, PORT: String(port), HOST: host, ...env }, this.cwd), `http://${host}:${port}`);
    this.cleanups.push(() => server.kill());
    await server.waitHealthy();
    return server;
  }

  async stop(): Promise<void> {
    for (const c of this.cleanups.reverse()) {
      await c();
    }
    this.cleanups = [];
  }
}

function spawnCli(args: string[], env: Record<string, string>, cwd = ROOT): ChildProcess {
  // Only PATH and HOME from the test's own environment: the child must not see TEST_PG_URL, DATABASES etc.
  const base = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' };
  return spawn(process.execPath, [BIN, ...args], { cwd, env: { ...base, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
}

/** A running `atelier serve` child process. */
export class ServerProcess {
  stdout = '';
  stderr = '';
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  constructor(readonly child: ChildProcess, readonly url: string) {
    child.stdout?.on('data', (d: Buffer) => (this.stdout += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (this.stderr += d.toString()));
    this.exited = new Promise((res) => child.on('exit', (code, signal) => res({ code, signal })));
  }

  /** Parsed JSON log lines printed so far. */
  logLines(): Array<Record<string, unknown>> {
    return this.stdout
      .split('\n')
      .filter((l) => l.trim().startsWith('{'))
      .map((l) => JSON.parse(l) as Record<string, unknown>);
  }

  async waitHealthy(timeoutMs = 120_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let exited = false;
    void this.exited.then(() => (exited = true));
    while (Date.now() < deadline) {
      if (exited) {
        throw new Error(`atelier serve exited early: ${this.stderr}${this.stdout}`);
      }
      try {
        const res = await fetch(`${this.url}/healthz`);
        if (res.status === 200) {
          return;
        }
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`atelier serve did not become healthy: ${this.stderr}${this.stdout}`);
  }

  /** fetch() against the server; JSON bodies are encoded and decoded. */
  async req<T = any>(method: string, path: string, opts: { headers?: Record<string, string>; json?: unknown } = {}): Promise<{ status: number; body: T }> {
    const res = await fetch(`${this.url}${path}`, {
      method,
      headers: { ...(opts.json !== undefined ? { 'content-type': 'application/json' } : {}), ...opts.headers },
      ...(opts.json !== undefined ? { body: JSON.stringify(opts.json) } : {}),
    });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T };
  }

  async kill(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      this.child.kill('SIGKILL');
      await this.exited;
    }
  }
}

/** An empty PostgreSQL database (no migrations), for `atelier migrate`. */
export async function emptyPostgresDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const adminUrl = process.env.TEST_PG_URL;
  if (!adminUrl) {
    throw new Error('TEST_PG_URL is not set: run the suite with `npm test`, which starts PostgreSQL.');
  }
  const name = `e_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name} TEMPLATE template0`);
  } finally {
    await admin.end();
  }
  return {
    url: withDatabase(adminUrl, name),
    async drop() {
      const c = new pg.Client({ connectionString: adminUrl });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch(() => undefined);
      await c.end();
    },
  };
}

/** A TCP port that was free a moment ago on loopback. */
export function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = createServer();
    s.on('error', rej);
    s.listen(0, '127.0.0.1', () => {
      const addr = s.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      s.close(() => res(port));
    });
  });
}

/** Exchanges key + secret for a token over real HTTP; asserts nothing, returns the response. */
export async function tokenFor(server: ServerProcess, creds: { account_id?: string; key: string; secret: string }) {
  return server.req<{ token: string; expires_in: number }>('POST', '/auth/token', { json: creds });
}
