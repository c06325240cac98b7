import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import pino from 'pino';
import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config/config.js';
import { migrateToLatest } from '../../src/db/database.js';
import { createDeps, REDACTED_PATHS, type AppDeps } from '../../src/deps.js';
import { clonePostgresDatabase, DATABASES } from '../harness/databases.js';

const SECRET_MESSAGE = 'insert into "api_keys" ("secret_hash") values (\'scrypt$abc\') at /var/lib/atelier/data/atelier.db';

for (const kind of DATABASES) {
  describe(`unexpected errors are 500s that leak nothing [${kind}]`, () => {
    let app: FastifyInstance;
    let deps: AppDeps;
    const logs: string[] = [];
    const cleanups: Array<() => Promise<void> | void> = [];

    before(async () => {
      const dataDir = mkdtempSync(join(tmpdir(), 'atelier-ops-'));
      cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
      const env: Record<string, string> = { DATA_DIR: dataDir, LOG_LEVEL: 'error', TOKEN_SECRET: 'x'.repeat(40) };
      if (kind === 'postgres') {
        const clone = await clonePostgresDatabase();
        cleanups.push(() => clone.drop());
        env.DATABASE_URL = clone.url;
      }
      const config = loadConfig(env);
      const sink = new Writable({
        write(chunk: Buffer, _enc, cb) {
          logs.push(chunk.toString());
          cb();
        },
      });
      deps = createDeps(config, { log: pino({ level: 'error', redact: { paths: REDACTED_PATHS, censor: '[redacted]' } }, sink) });
      await migrateToLatest(deps.db);
      app = await buildApp(deps);
      // Routes added before ready(), as a plugin author would; they sit outside any surface's own error handler.
      app.get('/__boom', { schema: { hide: true }, config: { scope: 'public' } }, async () => {
        throw new Error('plain failure with internals');
      });
      app.get('/__leaky', { schema: { hide: true }, config: { scope: 'public' } }, async () => {
        throw new Error(SECRET_MESSAGE);
      });
      app.get('/__sql', { schema: { hide: true }, config: { scope: 'public' } }, async () => {
        await sql`select secret_hash from no_such_table_here`.execute(deps.db);
        return {};
      });
      await app.ready();
    });
    after(async () => {
      await app?.close();
      await deps?.close();
      for (const c of cleanups.reverse()) {
        await c();
      }
    });

    for (const [path, hidden] of [
      ['/__boom', 'plain failure'],
      ['/__leaky', 'secret_hash'],
      ['/__sql', 'no_such_table_here'],
    ] as const) {
      test(`GET ${path}: 500 internal_error with the request id, no message, stack, SQL or path`, async () => {
        const res = await app.inject({ method: 'GET', url: path, headers: { 'x-request-id': `req-${path.slice(3)}-0001` } });
        assert.equal(res.statusCode, 500);
        assert.match(String(res.headers['content-type']), /^application\/json/);
        const body = res.json();
        assert.deepEqual(Object.keys(body).sort(), ['error', 'request_id']);
        assert.deepEqual(Object.keys(body.error).sort(), ['code', 'message']);
        assert.equal(body.error.code, 'internal_error');
        assert.equal(body.request_id, `req-${path.slice(3)}-0001`);
        assert.equal(res.headers['x-request-id'], body.request_id);
        for (const leak of [hidden, 'secret_hash', '/var/lib', 'select', 'insert', ' at ', '.ts:', 'stack', 'Error']) {
          assert.ok(!res.body.includes(leak), `response leaks ${JSON.stringify(leak)}: ${res.body}`);
        }
        // The cause is logged for the operator, against the same request id.
        const line = logs.map((l) => JSON.parse(l) as { reqId?: string; err?: { message?: string } }).find((l) => l.reqId === body.request_id);
        assert.ok(line?.err?.message?.includes(hidden), logs.join('\n'));
      });
    }
  });
}
