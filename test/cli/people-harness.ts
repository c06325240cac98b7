import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import type { DatabaseKind } from '../harness/databases.js';
import { CliEnv, ROOT, type CliResult, type ServerProcess } from './cli-harness.js';

/*
 * The CLI for people against a real server: `atelier serve` and the client commands as child processes, each
 * client with its own HOME and XDG_CONFIG_HOME (profiles and upload resume state stay in the test's temp folder).
 */

export interface Tenant {
  account_id: string;
  workspace_id: string;
  user_id: string;
  key: string;
  secret: string;
}

export class PeopleEnv {
  readonly cli: CliEnv;
  server!: ServerProcess;
  tenant!: Tenant;
  readonly home = mkdtempSync(join(tmpdir(), 'atelier-home-'));

  constructor(kind: DatabaseKind) {
    this.cli = new CliEnv(kind);
  }

  async start(serverEnv: Record<string, string> = {}): Promise<this> {
    await this.cli.start();
    this.server = await this.cli.serve(serverEnv);
    this.tenant = await this.cli.json<Tenant>(['bootstrap', '--json', '--account', 'People Studio']);
    return this;
  }

  /** The client's environment: its own home and config directory, nothing of the server's. */
  clientEnv(extra: Record<string, string> = {}): Record<string, string> {
    return { HOME: this.home, XDG_CONFIG_HOME: join(this.home, '.config'), DATA_DIR: '', DATABASE_URL: '', ...extra };
  }

  run(args: string[], env: Record<string, string> = {}): Promise<CliResult> {
    return this.cli.run(args, this.clientEnv(env));
  }

  /** Runs a command with --json that must succeed; its stdout lines parsed. */
  async jsonLines<T = Record<string, any>>(args: string[], env: Record<string, string> = {}): Promise<T[]> {
    const r = await this.run([...args, '--json'], env);
    if (r.code !== 0) {
      throw new Error(`atelier ${args.join(' ')} exited ${r.code}: ${r.stderr}${r.stdout}`);
    }
    return r.stdout
      .split('\n')
      .filter((l) => l.trim())
      .map((l) => JSON.parse(l) as T);
  }

  /** A client process left running (to be killed). */
  spawn(args: string[], env: Record<string, string> = {}): ChildProcess & { out: () => string; err: () => string } {
    const child = spawn(process.execPath, [join(ROOT, 'bin/atelier.js'), ...args], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', ...this.clientEnv(env) },
      stdio: ['ignore', 'pipe', 'pipe'],
    }) as ChildProcess & { out: () => string; err: () => string };
    let out = '';
    let err = '';
    child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
    child.out = () => out;
    child.err = () => err;
    return child;
  }

  async login(profile?: string): Promise<CliResult> {
    const r = await this.run(['login', '--url', this.server.url, '--key', this.tenant.key, '--secret', this.tenant.secret, ...(profile ? ['--profile', profile] : [])]);
    if (r.code !== 0) {
      throw new Error(`login failed (${r.code}): ${r.stderr}`);
    }
    return r;
  }

  /** A token and the tenancy headers, for checking the server's state directly. */
  async headers(): Promise<Record<string, string>> {
    const t = await this.server.req<{ token: string }>('POST', '/auth/token', { json: { key: this.tenant.key, secret: this.tenant.secret } });
    return { authorization: `Bearer ${t.body.token}`, 'x-account-id': this.tenant.account_id, 'x-workspace-id': this.tenant.workspace_id };
  }

  tempDir(name: string): string {
    const d = join(this.home, name);
    mkdirSync(d, { recursive: true });
    return d;
  }

  async stop(): Promise<void> {
    await this.cli.stop();
    rmSync(this.home, { recursive: true, force: true });
  }
}

/** Every file under `dir` by relative path, with its SHA-256. */
export function treeDigest(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const visit = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) visit(p);
      else out[relative(dir, p)] = createHash('sha256').update(readFileSync(p)).digest('hex');
    }
  };
  visit(dir);
  return out;
}

/** Every directory under `dir` (relative), empty ones included. */
export function dirsOf(dir: string): string[] {
  const out: string[] = [];
  const visit = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) {
        out.push(relative(dir, join(d, e.name)));
        visit(join(d, e.name));
      }
    }
  };
  visit(dir);
  return out.sort();
}

export const sizeOf = (p: string): number => statSync(p).size;
