import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import { setTimeout as delay } from 'node:timers/promises';
import { sql } from 'kysely';
import { createDatabase } from '../../src/db/database.js';
import { clonePostgresDatabase, DATABASES } from '../harness/databases.js';
import { TestApp } from '../harness/app.js';
import { CliEnv, type ServerProcess } from '../cli/cli-harness.js';

for (const kind of DATABASES) {
  describe(`GET /healthz and /readyz [${kind}]`, () => {
    test('healthz is 200 ok and readyz 200 ready, without authentication', async () => {
      const t = new TestApp(kind);
      await t.start();
      try {
        const health = await t.req('GET', '/healthz');
        assert.equal(health.status, 200);
        assert.deepEqual(health.body, { status: 'ok' });
        const ready = await t.req('GET', '/readyz');
        assert.equal(ready.status, 200);
        assert.deepEqual(ready.body, { status: 'ready' });
      } finally {
        await t.stop();
      }
    });

    test('readyz is 503 once the database is closed, while healthz stays 200', async () => {
      const t = new TestApp(kind);
      await t.start();
      const close = t.deps.close;
      try {
        // Kysely only closes a pool it has opened: use the database first.
        assert.equal((await t.req('GET', '/readyz')).status, 200);
        await close();
        // TestApp.stop() closes deps too; a second close of the same pool must not mask the assertion.
        t.deps.close = async () => undefined;
        const ready = await t.req('GET', '/readyz');
        assert.equal(ready.status, 503);
        assert.deepEqual(ready.body, { status: 'unavailable', reason: 'database unreachable' });
        assert.equal((await t.req('GET', '/healthz')).status, 200);
      } finally {
        await t.stop();
      }
    });
  });
}

if (DATABASES.includes('postgres')) {
  describe('GET /readyz on a running server whose PostgreSQL database goes away', () => {
    const cli = new CliEnv('postgres');
    let server: ServerProcess;
    before(async () => {
      await cli.start();
      server = await cli.serve();
    });
    after(() => cli.stop());

    test('503 after the database is dropped; healthz stays 200', async () => {
      assert.equal((await server.req('GET', '/readyz')).status, 200);
      const url = new URL(cli.env.DATABASE_URL ?? '');
      const name = url.pathname.slice(1);
      url.pathname = '/postgres';
      const admin = new pg.Client({ connectionString: url.toString() });
      await admin.connect();
      try {
        await admin.query(`DROP DATABASE ${name} WITH (FORCE)`);
      } finally {
        await admin.end();
      }
      // If the server dies here (seen once in CI, not reproduced), say what it printed.
      const ready = await server.req('GET', '/readyz').catch(async (err: unknown) => {
        const exit = await Promise.race([server.exited, new Promise((r) => setTimeout(() => r('still running'), 1000))]);
        throw new Error(`atelier serve went away (${String(err)}; exit: ${JSON.stringify(exit)}); it wrote:\n${server.stderr}${server.stdout}`);
      });
      assert.equal(ready.status, 503);
      assert.deepEqual(ready.body, { status: 'unavailable', reason: 'database unreachable' });
      assert.equal((await server.req('GET', '/healthz')).status, 200);
    });

    // What killed the server above now and then: a connection dropped while a transaction holds it between two
    // statements makes its pg client emit 'error' with nobody listening, which crashed the process.
    test('a connection dropped mid-transaction fails that transaction only; the process lives and the pool reconnects', async () => {
      const clone = await clonePostgresDatabase();
      const database = createDatabase({ database: { kind: 'postgres', url: clone.url } });
      const uncaught: unknown[] = [];
      const onUncaught = (err: unknown): void => {
        uncaught.push(err);
      };
      process.on('uncaughtException', onUncaught);
      try {
        await assert.rejects(
          database.db.transaction().execute(async (trx) => {
            const { rows } = await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(trx);
            const admin = new pg.Client({ connectionString: process.env.TEST_PG_URL });
            await admin.connect();
            try {
              await admin.query('select pg_terminate_backend($1)', [rows[0]?.pid]);
            } finally {
              await admin.end();
            }
            // The connection ends while no query runs on it: the client's 'error' event fires now.
            await delay(300);
            await sql`select 1`.execute(trx);
          }),
        );
        assert.deepEqual(uncaught, []);
        const { rows } = await sql<{ one: number }>`select 1 as one`.execute(database.db);
        assert.equal(rows[0]?.one, 1);
      } finally {
        process.off('uncaughtException', onUncaught);
        await database.close();
        await clone.drop();
      }
    });
  });
}
