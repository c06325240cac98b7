import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Type } from '@sinclair/typebox';
import { defineJob } from '../../src/jobs/define.js';
import { jobsPruneJob } from '../../src/jobs/jobs-prune.job.js';
import { enqueue, findJob } from '../../src/jobs/queue.js';
import { describeEachDatabase } from '../harness/app.js';

describeEachDatabase('recurring jobs and pruning', (t) => {
  test('a scheduled job is enqueued once per period, however many workers tick', async () => {
    let runs = 0;
    const hourly = defineJob({
      name: 'test.hourly',
      payload: Type.Object({ scope: Type.String() }),
      schedule: { everySeconds: 3600, payload: { scope: 'all' } },
      async handler() {
        runs++;
      },
    });
    const deps = t.jobs.withDefinitions([hourly]);
    const rows = () => t.deps.db.selectFrom('jobs').selectAll().where('name', '=', 'test.hourly').orderBy('run_at').execute();
    const workers = () => [t.jobs.worker({ deps }), t.jobs.worker({ deps }), t.jobs.worker({ deps })];

    const created = await Promise.all(workers().map((w) => w.enqueueScheduled()));
    let all = await rows();
    assert.equal(all.length, 1);
    const periodStart = Math.floor(t.clock.now().getTime() / 3_600_000) * 3_600_000;
    assert.equal(all[0]?.run_at, new Date(periodStart).toISOString());
    assert.deepEqual(JSON.parse(all[0]?.payload ?? ''), { scope: 'all' });
    assert.deepEqual(created.sort(), [0, 0, 1]);

    await t.jobs.runUntilIdle({ deps });
    assert.equal(runs, 1);
    // The period's job is done; new workers (no memory of it) still do not enqueue it again.
    await Promise.all(workers().map((w) => w.enqueueScheduled()));
    all = await rows();
    assert.equal(all.length, 1);
    assert.equal(all[0]?.state, 'completed');

    t.clock.advance(3600);
    try {
      await Promise.all(workers().map((w) => w.enqueueScheduled()));
      all = await rows();
      assert.equal(all.length, 2);
      assert.equal(all[1]?.run_at, new Date(periodStart + 3_600_000).toISOString());
      await t.jobs.runUntilIdle({ deps });
      assert.equal(runs, 2);
    } finally {
      t.clock.advance(-3600);
    }
  });

  test('a running worker enqueues and runs the app\'s scheduled jobs (jobs.prune) by itself', async () => {
    const w = t.jobs.worker({ deps: t.jobs.withDefinitions([jobsPruneJob]) });
    w.start();
    try {
      const deadline = Date.now() + 5000;
      let done = false;
      while (!done && Date.now() < deadline) {
        const r = await t.deps.db.selectFrom('jobs').select('state').where('name', '=', 'jobs.prune').execute();
        done = r.some((x) => x.state === 'completed');
        await new Promise((res) => setTimeout(res, 25));
      }
      assert.equal(done, true, 'jobs.prune ran');
    } finally {
      await w.stop(1000);
    }
  });

  test('jobs.prune deletes finished jobs past their retention and keeps the rest', async () => {
    const old = async (state: 'completed' | 'cancelled' | 'dead' | 'available', daysAgo: number) => {
      const { job } = await enqueue(t.deps, jobsPruneJob, { keepFinishedDays: 999, keepDeadDays: 999 }, { runAt: new Date('2100-01-01') });
      const at = new Date(t.clock.now().getTime() - daysAgo * 86_400_000).toISOString();
      await t.deps.db
        .updateTable('jobs')
        .set({ state, finished_at: state === 'available' ? null : at, updated_at: at })
        .where('id', '=', job.id)
        .execute();
      return job.id;
    };
    const completedOld = await old('completed', 8);
    const cancelledOld = await old('cancelled', 8);
    const completedNew = await old('completed', 6);
    const deadMid = await old('dead', 8);
    const deadOld = await old('dead', 31);
    const waiting = await old('available', 100);

    await enqueue(t.deps, jobsPruneJob, { keepFinishedDays: 7, keepDeadDays: 30 });
    await t.jobs.runUntilIdle({ deps: t.jobs.withDefinitions([jobsPruneJob]) });
    const exists = async (id: string) => (await findJob(t.deps.db, id)) !== undefined;
    assert.equal(await exists(completedOld), false);
    assert.equal(await exists(cancelledOld), false);
    assert.equal(await exists(deadOld), false);
    assert.equal(await exists(completedNew), true);
    assert.equal(await exists(deadMid), true);
    assert.equal(await exists(waiting), true);
  });
});
