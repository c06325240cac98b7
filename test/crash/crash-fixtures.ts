import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { parseS3Url } from '../../src/blobs/s3-url.js';
import { CliEnv, freePort, tokenFor, type ServerProcess } from '../cli/cli-harness.js';
import type { S3TestServer } from '../harness/s3-server.js';

/*
 * Helpers of the crash suite: real `atelier serve` processes armed with CRASH_AT (src/lib/crash-points.ts), driven
 * over real HTTP until they kill themselves, then restarted.
 */

export const sha256 = (b: Buffer): string => createHash('sha256').update(b).digest('hex');
export const randomData = (n: number): Buffer => randomBytes(n);

/** Short claims and leases, so that what a dead process held is taken over within a second or two. */
export const CRASH_ENV = {
  UPLOAD_COMMIT_CLAIM_SECONDS: '1',
  JOB_LEASE_SECONDS: '1',
  JOB_POLL_INTERVAL_MS: '100',
  WORKER_CONCURRENCY: '1',
};

export interface Tenant {
  account_id: string;
  workspace_id: string;
  key: string;
  secret: string;
}

/** One installation under test: its servers in turn, each armed (or not) with a crash point. */
export class CrashRig {
  server!: ServerProcess;
  headers: Record<string, string> = {};
  readonly killedPids: number[] = [];
  private tenant!: Tenant;

  /** `s3`: the installation stores its blobs there instead of on disk. */
  constructor(readonly cli: CliEnv, private readonly s3?: S3TestServer) {}

  async init(): Promise<void> {
    await this.cli.start({ env: { ...CRASH_ENV, ...this.s3?.env } });
    const migrated = await this.cli.run(['migrate']);
    assert.equal(migrated.code, 0, migrated.stderr);
    this.tenant = await this.cli.json<Tenant>(['bootstrap', '--json', '--account', 'Crash Studio']);
  }

  /** Starts the next server, armed with `crashAt` (undefined: a clean one), and signs in on it. */
  async start(crashAt?: string): Promise<ServerProcess> {
    this.server = await this.cli.serve(crashAt ? { CRASH_AT: crashAt } : {});
    const tok = await tokenFor(this.server, this.tenant);
    assert.equal(tok.status, 200);
    this.headers = { authorization: `Bearer ${tok.body.token}`, 'x-account-id': this.tenant.account_id, 'x-workspace-id': this.tenant.workspace_id };
    return this.server;
  }

  /** Runs `action` (which may fail: the server dies under it) and asserts the server killed itself with SIGKILL. */
  async expectDeath(point: string, action: () => Promise<unknown>, timeoutMs = 30_000): Promise<void> {
    const server = this.server;
    await action().catch(() => undefined);
    const exit = await Promise.race([server.exited, new Promise<'alive'>((r) => setTimeout(() => r('alive'), timeoutMs))]);
    assert.notEqual(exit, 'alive', `the server did not reach ${point}:\n${server.stdout.slice(-3000)}`);
    assert.deepEqual(exit, { code: null, signal: 'SIGKILL' }, `killed at ${point}`);
    this.killedPids.push(server.child.pid ?? -1);
  }

  /**
   * Starts a server that is to die on its own, without a request (a job it claims at start reaches the point), and
   * waits for it to kill itself; its pid comes from its logs.
   */
  async startToDie(point: string, timeoutMs = 60_000): Promise<void> {
    const port = await freePort();
    const run = this.cli.run(['serve'], { CRASH_AT: point, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'info' });
    const r = await Promise.race([run, new Promise<'alive'>((res) => setTimeout(() => res('alive'), timeoutMs))]);
    if (r === 'alive') {
      assert.fail(`the server did not reach ${point}`);
    }
    assert.equal(r.signal, 'SIGKILL', `killed at ${point}: ${r.stderr}${r.stdout.slice(-2000)}`);
    const pid = Number(/"pid":(\d+)/.exec(r.stdout)?.[1] ?? NaN);
    assert.ok(Number.isInteger(pid), 'the pid is in the logs');
    this.killedPids.push(pid);
  }

  url(path: string): string {
    return `${this.server.url}${path}`;
  }

  async fetch(method: string, path: string, init: { headers?: Record<string, string>; body?: Buffer | string; json?: unknown } = {}): Promise<Response> {
    const headers = { ...this.headers, ...(init.json !== undefined ? { 'content-type': 'application/json' } : {}), ...init.headers };
    const body = init.json !== undefined ? JSON.stringify(init.json) : init.body === undefined ? undefined : typeof init.body === 'string' ? init.body : new Uint8Array(init.body);
    return fetch(this.url(path), { method, headers, ...(body === undefined ? {} : { body }) });
  }

  async json<T = any>(method: string, path: string, init: Parameters<CrashRig['fetch']>[2] = {}): Promise<{ status: number; body: T }> {
    const res = await this.fetch(method, path, init);
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T };
  }

  /** Single-request upload (raw body); the answer as it comes. */
  uploadStream(data: Buffer, fileName: string) {
    return this.json('POST', `/workspaces/assets?file_name=${encodeURIComponent(fileName)}`, { body: data, headers: { 'content-type': 'application/octet-stream' } });
  }

  /** Temp entries named after a writer this suite killed (each should be reclaimed at the next start). */
  async deadWriterFiles(): Promise<string[]> {
    return (await this.tempFiles()).filter((n) => {
      const pid = Number(/\.w-(\d+)-/.exec(n)?.[1] ?? NaN);
      return this.killedPids.includes(pid);
    });
  }

  /** Everything in the store's temp area: the disk store's temp dir, or the objects under `<prefix>tmp/` on S3. */
  async tempFiles(): Promise<string[]> {
    if (!this.s3) {
      return readdirSync(join(this.cli.dataDir, 'blobs', 'tmp'));
    }
    const { bucket, prefix, region } = parseS3Url(this.s3.url);
    const client = new S3Client({ region, endpoint: this.s3.endpoint, forcePathStyle: true, credentials: this.s3.credentials });
    try {
      const out = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: `${prefix}tmp/` }));
      return (out.Contents ?? []).map((o) => String(o.Key).slice(`${prefix}tmp/`.length));
    } finally {
      client.destroy();
    }
  }

  /** Media temp dirs of killed processes (swept when a worker starts). */
  deadMediaDirs(tmp = '/tmp'): string[] {
    return readdirSync(tmp).filter((n) => this.killedPids.some((pid) => n.startsWith(`atelier-media-${pid}-`)));
  }
}

/** tus over real HTTP. */
export function tusClient(rig: CrashRig) {
  const TUS = { 'tus-resumable': '1.0.0' };
  const b64 = (s: string): string => Buffer.from(s).toString('base64');
  return {
    async create(length: number, fileName: string, checksum?: string): Promise<string> {
      const meta = [`filename ${b64(fileName)}`, ...(checksum ? [`checksum ${b64(checksum)}`] : [])].join(',');
      const res = await rig.fetch('POST', '/workspaces/assets/tus', { headers: { ...TUS, 'upload-length': String(length), 'upload-metadata': meta } });
      assert.equal(res.status, 201, await res.text());
      return new URL(String(res.headers.get('location'))).pathname;
    },
    async patch(path: string, offset: number, chunk: Buffer) {
      const res = await rig.fetch('PATCH', path, { headers: { ...TUS, 'upload-offset': String(offset), 'content-type': 'application/offset+octet-stream' }, body: chunk });
      return { status: res.status, assetId: res.headers.get('atelier-asset-id'), offset: res.headers.get('upload-offset'), text: await res.text() };
    },
    async head(path: string) {
      const res = await rig.fetch('HEAD', path, { headers: TUS });
      return { status: res.status, assetId: res.headers.get('atelier-asset-id'), offset: Number(res.headers.get('upload-offset')) };
    },
  };
}

/** A mono 16-bit PCM WAV (audio: one derivative kind, the waveform); `hz` makes each file's bytes distinct. */
export function wav(hz: number, seconds = 0.5, rate = 8000): Buffer {
  const n = Math.round(rate * seconds);
  const b = Buffer.alloc(44 + n * 2);
  b.write('RIFF', 0);
  b.writeUInt32LE(36 + n * 2, 4);
  b.write('WAVE', 8);
  b.write('fmt ', 12);
  b.writeUInt32LE(16, 16);
  b.writeUInt16LE(1, 20);
  b.writeUInt16LE(1, 22);
  b.writeUInt32LE(rate, 24);
  b.writeUInt32LE(rate * 2, 28);
  b.writeUInt16LE(2, 32);
  b.writeUInt16LE(16, 34);
  b.write('data', 36);
  b.writeUInt32LE(n * 2, 40);
  for (let i = 0; i < n; i++) {
    b.writeInt16LE(Math.round(Math.sin((2 * Math.PI * hz * i) / rate) * 12000), 44 + i * 2);
  }
  return b;
}

/** Polls `check` until it answers a value (not undefined), or fails after `timeoutMs`. */
export async function waitFor<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined) {
      return v;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for ${what}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}
