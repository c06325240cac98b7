import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe } from 'node:test';
import type { FastifyInstance, InjectOptions } from 'fastify';
import { buildApp } from '../../src/app.js';
import { loadConfig, type Config } from '../../src/config/config.js';
import { migrateToLatest } from '../../src/db/database.js';
import type { DB } from '../../src/db/schema.js';
import { createDeps, createLogger, type AppDeps } from '../../src/deps.js';
import type { Clock } from '../../src/lib/clock.js';
import { clonePostgresDatabase, DATABASES, type DatabaseKind } from './databases.js';
import { Factories } from './factories.js';
import { TestJobs } from './jobs.js';
import { startS3Server, type S3TestServer } from './s3-server.js';

/** A clock tests can move forward (token expiry, invite expiry, retention). */
export class TestClock implements Clock {
  private offsetMs = 0;
  now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }
  advance(seconds: number): void {
    this.offsetMs += seconds * 1000;
  }
}

export interface Res<T = any> {
  status: number;
  body: T;
  headers: Record<string, string | string[] | number | undefined>;
  text: string;
}

/** One app on one fresh database (a temp SQLite file, or a PostgreSQL clone of the migrated template). */
export class TestApp {
  app!: FastifyInstance;
  deps!: AppDeps;
  config!: Config;
  readonly clock = new TestClock();
  readonly factory = new Factories(this);
  /** The job queue, drained in-process: `await t.jobs.runUntilIdle()`. */
  readonly jobs = new TestJobs(this);
  private cleanups: Array<() => Promise<void> | void> = [];

  constructor(readonly kind: DatabaseKind) {}

  async start(env: Record<string, string> = {}): Promise<void> {
    const dataDir = mkdtempSync(join(tmpdir(), 'atelier-test-'));
    this.cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
    const base: Record<string, string> = { DATA_DIR: dataDir, LOG_LEVEL: 'silent', TOKEN_SECRET: 'test-secret-test-secret-test-secret-0123', ...env };
    if (this.kind === 'postgres') {
      const clone = await clonePostgresDatabase();
      this.cleanups.push(() => clone.drop());
      base.DATABASE_URL = clone.url;
    }
    this.config = loadConfig(base);
    this.deps = createDeps(this.config, { clock: this.clock, log: createLogger(this.config.logLevel) });
    if (this.kind === 'sqlite') {
      await migrateToLatest(this.deps.db);
    }
    await this.deps.blobs.verify();
    this.app = await buildApp(this.deps);
    await this.app.ready();
  }

  async stop(): Promise<void> {
    await this.app?.close();
    await this.deps?.close();
    for (const c of this.cleanups.reverse()) {
      await c();
    }
  }

  /** Sends a request through app.inject; `json` is sent as a JSON body. */
  async req<T = any>(
    method: InjectOptions['method'],
    url: string,
    opts: { headers?: Record<string, string>; json?: unknown; payload?: InjectOptions['payload']; query?: Record<string, string | string[]> } = {},
  ): Promise<Res<T>> {
    const res = await this.app.inject({
      method,
      url,
      headers: { ...(opts.json !== undefined ? { 'content-type': 'application/json' } : {}), ...opts.headers },
      payload: opts.json !== undefined ? JSON.stringify(opts.json) : opts.payload,
      ...(opts.query ? { query: opts.query } : {}),
    });
    let body: unknown;
    try {
      body = res.body ? JSON.parse(res.body) : undefined;
    } catch {
      body = undefined;
    }
    return { status: res.statusCode, body: body as T, headers: res.headers, text: res.body };
  }

  /** Number of stored blobs (for "nothing was written" assertions on uploads). */
  async blobCount(): Promise<number> {
    let n = 0;
    for await (const _ of this.deps.blobs.list()) {
      n += 1;
    }
    return n;
  }

  /** Row count of a table (for "nothing was written" assertions). */
  async count(table: keyof DB): Promise<number> {
    const r = await this.deps.db
      .selectFrom(table)
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    return Number(r.n);
  }
}

/** Runs a test file's tests once per database in DATABASES, each on its own fresh database. */
export function describeEachDatabase(name: string, fn: (t: TestApp) => void, env?: Record<string, string>): void {
  for (const kind of DATABASES) {
    describe(`${name} [${kind}]`, () => {
      const t = new TestApp(kind);
      before(() => t.start(env));
      after(() => t.stop());
      fn(t);
    });
  }
}

export type BlobStoreKind = 'disk' | 's3';

/** BLOB_STORES=disk,s3 (default both) narrows the blob stores describeEachDatabaseAndStore covers. */
export const BLOB_STORES: BlobStoreKind[] = (process.env.BLOB_STORES ?? 'disk,s3')
  .split(',')
  .map((s) => s.trim())
  .filter((s): s is BlobStoreKind => s === 'disk' || s === 's3');

/**
 * describeEachDatabase, once per blob store too: on `s3` the app's STORAGE_URL points at a local s3rver (one per
 * suite, with its own bucket). For tests whose behaviour depends on where bytes live (uploads, downloads).
 */
export function describeEachDatabaseAndStore(name: string, fn: (t: TestApp, store: BlobStoreKind) => void, env?: Record<string, string>): void {
  for (const kind of DATABASES) {
    for (const store of BLOB_STORES) {
      describe(`${name} [${kind}, ${store}]`, () => {
        const t = new TestApp(kind);
        let s3: S3TestServer | undefined;
        before(async () => {
          s3 = store === 's3' ? await startS3Server() : undefined;
          await t.start({ ...env, ...s3?.env });
        });
        after(async () => {
          await t.stop();
          await s3?.stop();
        });
        fn(t, store);
      });
    }
  }
}
