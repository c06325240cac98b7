import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { Type } from '@sinclair/typebox';
import { createDeps, createLogger } from '../../src/deps.js';
import { defineJob } from '../../src/jobs/define.js';
import { enqueueJob } from '../../src/jobs/queue.js';
import { describeEachDatabase } from '../harness/app.js';
import { waitFor } from './fixtures/test-jobs.js';

const JOBS = 200;

describeEachDatabase('job claiming under concurrency', (t) => {
  test(`two workers with their own connection pools run each of ${JOBS} jobs exactly once`, async () => {
    const executions = new Map<number, string[]>();
    const count = defineJob({
      name: 'test.count',
      payload: Type.Object({ i: Type.Integer() }),
      async handler(ctx, payload) {
        const seen = executions.get(payload.i) ?? [];
        seen.push(ctx.job.id);
        executions.set(payload.i, seen);
        // A little real work so both workers' claims interleave.
        await delay(Math.random() * 3);
      },
    });
    const definitions = [count];
    // Separate Deps = separate pools (PostgreSQL) or connections (SQLite) on the same database.
    const depsA = createDeps(t.config, { clock: t.clock, log: createLogger('silent'), jobDefinitions: definitions });
    const depsB = createDeps(t.config, { clock: t.clock, log: createLogger('silent'), jobDefinitions: definitions });
    try {
      await t.deps.db.transaction().execute(async (trx) => {
        for (let i = 0; i < JOBS; i++) {
          await enqueueJob({ ...depsA, db: trx }, 'test.count', { i });
        }
      });
      const a = t.jobs.worker({ deps: depsA, concurrency: 8, pollIntervalMs: 5 });
      const b = t.jobs.worker({ deps: depsB, concurrency: 8, pollIntervalMs: 5 });
      a.start();
      b.start();
      const remaining = () =>
        t.deps.db
          .selectFrom('jobs')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where('name', '=', 'test.count')
          .where('state', '!=', 'completed')
          .executeTakeFirstOrThrow();
      await waitFor('all jobs completed', async () => Number((await remaining()).n) === 0, 60_000);
      await Promise.all([a.stop(5000), b.stop(5000)]);

      assert.equal(executions.size, JOBS);
      const twice = [...executions.entries()].filter(([, runs]) => runs.length !== 1);
      assert.deepEqual(twice, [], 'no job ran twice');
      const rows = await t.deps.db.selectFrom('jobs').select(['attempts', 'locked_by', 'state']).where('name', '=', 'test.count').execute();
      assert.equal(rows.length, JOBS);
      assert.ok(rows.every((r) => r.attempts === 1 && r.state === 'completed' && r.locked_by === null));
    } finally {
      await depsA.close();
      await depsB.close();
    }
  });

  test('concurrent claims of the same jobs never hand one job to two workers', async () => {
    const noop = defineJob({ name: 'test.claim_race', payload: Type.Object({}), async handler() {} });
    const definitions = [noop];
    const pools = Array.from({ length: 4 }, () =>
      createDeps(t.config, { clock: t.clock, log: createLogger('silent'), jobDefinitions: definitions }),
    );
    try {
      for (let i = 0; i < 50; i++) {
        await enqueueJob(pools[0] ?? t.deps, 'test.claim_race', {});
      }
      // Raw claims, no handlers: each pool claims in small batches as fast as it can.
      const claimed = await Promise.all(
        pools.map(async (deps, n) => {
          const ids: string[] = [];
          for (;;) {
            const batch = await deps.dialect.claimJobs(deps.db, {
              workerId: `racer-${n}`,
              limit: 3,
              leaseSeconds: 60,
              now: t.clock.now(),
              names: ['test.claim_race'],
            });
            if (batch.length === 0) {
              return ids;
            }
            ids.push(...batch.map((j) => j.id));
          }
        }),
      );
      const all = claimed.flat();
      assert.equal(all.length, 50);
      assert.equal(new Set(all).size, 50);
    } finally {
      for (const d of pools) {
        await d.close();
      }
    }
  });
  test('enqueueing under a unique key never fails while workers finish the jobs of that key as fast as they come', { skip: t.kind === 'sqlite' && 'SQLite runs one writing transaction at a time' }, async () => {
    // The event outbox asks for its dispatch job in every writing transaction, under one unique key, and a worker
    // finishes each dispatch within milliseconds: a job the insert conflicted with is often gone by the look-up.
    const keyed = defineJob({ name: 'test.keyed', payload: Type.Object({}), async handler() { await delay(1); } });
    const definitions = [keyed];
    const workerDeps = createDeps(t.config, { clock: t.clock, log: createLogger('silent'), jobDefinitions: definitions });
    const writers = createDeps(t.config, { clock: t.clock, log: createLogger('silent'), jobDefinitions: definitions });
    const workers = [0, 1].map(() => t.jobs.worker({ deps: workerDeps, concurrency: 2, pollIntervalMs: 1 }));
    workers.forEach((w) => w.start());
    try {
      const failures: string[] = [];
      let enqueued = 0;
      await Promise.all(
        Array.from({ length: 8 }, async () => {
          for (let i = 0; i < 150; i++) {
            try {
              await writers.db.transaction().execute(async (trx) => {
                await enqueueJob({ ...writers, db: trx }, 'test.keyed', {}, { uniqueKey: 'test.keyed' });
                await delay(Math.random() * 3);
              });
              enqueued++;
            } catch (err) {
              failures.push((err as Error).message);
            }
          }
        }),
      );
      assert.deepEqual(failures.slice(0, 3), [], `${failures.length} of ${failures.length + enqueued} enqueues failed`);
      const ran = await t.deps.db.selectFrom('jobs').select((eb) => eb.fn.countAll<number>().as('n')).where('name', '=', 'test.keyed').executeTakeFirstOrThrow();
      assert.ok(Number(ran.n) > 1, 'the workers finished jobs of the key while it was being enqueued');
    } finally {
      await Promise.all(workers.map((w) => w.stop(5000)));
      await workerDeps.close();
      await writers.close();
    }
  });
});
