import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { Type } from '@sinclair/typebox';
import { defineJob } from '../../src/jobs/define.js';
import { completeJob } from '../../src/jobs/jobs.repo.js';
import { inTransaction } from '../../src/domain/context.js';
import { cancelJob, enqueue, enqueueJob, findJob } from '../../src/jobs/queue.js';
import { describeEachDatabase } from '../harness/app.js';
import { waitFor } from './fixtures/test-jobs.js';

const Label = Type.Object({ label: Type.String() });

/** A promise the test opens when it chooses: handlers await `gate` until `release()`. */
function openLater(): { gate: Promise<void>; release: () => void } {
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  return { gate, release };
}

/** A clock offset a test applies and always takes back, so tests in one file do not leak time into each other. */
async function withAdvancedClock(t: { clock: { advance(s: number): void } }, fn: (advance: (s: number) => void) => Promise<void>) {
  let total = 0;
  try {
    await fn((s) => {
      total += s;
      t.clock.advance(s);
    });
  } finally {
    t.clock.advance(-total);
  }
}

describeEachDatabase('job worker', (t) => {
  /** The jobs' states now, in order. */
  const statesOf = (jobs: ReadonlyArray<{ id: string }>) => Promise.all(jobs.map(async (j) => (await findJob(t.deps.db, j.id))?.state));
  const allCompleted = async (jobs: ReadonlyArray<{ id: string }>) => (await statesOf(jobs)).every((s) => s === 'completed');
  test('a failing job is retried after an exponential backoff, then goes dead with its last error', async () => {
    let calls = 0;
    const failing = defineJob({
      name: 'test.fail',
      payload: Label,
      retry: { maxAttempts: 3, backoff: { baseSeconds: 10, maxSeconds: 15, jitter: 0 } },
      async handler(ctx) {
        calls++;
        throw new Error(`boom on attempt ${ctx.job.attempt}`);
      },
    });
    const deps = t.jobs.withDefinitions([failing]);
    const { job } = await enqueue(deps, failing, { label: 'x' });

    await withAdvancedClock(t, async (advance) => {
      const t0 = t.clock.now().getTime();
      const r1 = await t.jobs.runUntilIdle({ deps, allowFailures: true });
      assert.deepEqual(r1.map((r) => [r.outcome, r.attempt]), [['retry', 1]]);
      let row = await findJob(t.deps.db, job.id);
      assert.equal(row?.state, 'available');
      assert.equal(row?.attempts, 1);
      assert.equal(row?.last_error, 'Error: boom on attempt 1');
      assert.equal(row?.locked_by, null);
      const due1 = Date.parse(row?.run_at ?? '');
      assert.ok(due1 >= t0 + 10_000 && due1 <= t.clock.now().getTime() + 10_000, 'first backoff is 10 s');

      // Not claimable until the clock reaches run_at.
      assert.deepEqual(await t.jobs.runUntilIdle({ deps }), []);
      advance(9);
      assert.deepEqual(await t.jobs.runUntilIdle({ deps }), []);
      advance(1.5);
      const r2 = await t.jobs.runUntilIdle({ deps, allowFailures: true });
      assert.deepEqual(r2.map((r) => [r.outcome, r.attempt]), [['retry', 2]]);
      row = await findJob(t.deps.db, job.id);
      const t2 = t.clock.now().getTime();
      const due2 = Date.parse(row?.run_at ?? '');
      // 10 * 2^1 = 20, capped at 15.
      assert.ok(due2 > t2 + 14_000 && due2 <= t2 + 15_000, `second backoff is capped at 15 s (${due2 - t2} ms)`);

      advance(15);
      const r3 = await t.jobs.runUntilIdle({ deps, allowFailures: true });
      assert.deepEqual(r3.map((r) => [r.outcome, r.attempt]), [['dead', 3]]);
      row = await findJob(t.deps.db, job.id);
      assert.equal(row?.state, 'dead');
      assert.equal(row?.attempts, 3);
      assert.equal(row?.last_error, 'Error: boom on attempt 3');
      assert.ok(row?.finished_at);
      advance(3600);
      assert.deepEqual(await t.jobs.runUntilIdle({ deps }), []);
    });
    assert.equal(calls, 3);
  });

  test('t.jobs.runUntilIdle throws when a job fails, naming it', async () => {
    const failing = defineJob({ name: 'test.fail_loud', payload: Label, async handler() { throw new Error('loud'); } });
    const deps = t.jobs.withDefinitions([failing]);
    await enqueueJob(deps, 'test.fail_loud', { label: 'x' }, { maxAttempts: 1 });
    await assert.rejects(t.jobs.runUntilIdle({ deps }), /test\.fail_loud \(dead\): Error: loud/);
  });

  test('a handler that runs past its timeout is aborted through its signal and retried', async () => {
    let sawAbort = false;
    const slow = defineJob({
      name: 'test.slow',
      payload: Label,
      timeoutSeconds: 0.2,
      retry: { maxAttempts: 2, backoff: { baseSeconds: 1, maxSeconds: 1, jitter: 0 } },
      async handler(ctx) {
        try {
          await delay(10_000, undefined, { signal: ctx.signal });
        } finally {
          sawAbort = ctx.signal.aborted;
        }
      },
    });
    const deps = t.jobs.withDefinitions([slow]);
    const { job } = await enqueueJob(deps, 'test.slow', { label: 'x' });
    const started = Date.now();
    const reports = await t.jobs.runUntilIdle({ deps, allowFailures: true });
    assert.ok(Date.now() - started < 5000);
    assert.deepEqual(reports.map((r) => r.outcome), ['retry']);
    assert.equal(sawAbort, true);
    const row = await findJob(t.deps.db, job.id);
    assert.equal(row?.last_error, 'JobTimeoutError: Timed out after 0.2 s.');
    assert.equal(row?.state, 'available');
  });

  test('a crashed worker\'s job runs again once its lease expires; the late worker cannot complete it', async () => {
    const ran: number[] = [];
    const work = defineJob({
      name: 'test.lease',
      payload: Label,
      async handler(ctx) {
        ran.push(ctx.job.attempt);
      },
    });
    const deps = t.jobs.withDefinitions([work]);
    const { job } = await enqueueJob(deps, 'test.lease', { label: 'x' });
    // A worker claims it and dies: no heartbeat, no completion.
    const [claimed] = await t.deps.dialect.claimJobs(t.deps.db, {
      workerId: 'crashed-worker',
      limit: 10,
      leaseSeconds: 30,
      now: t.clock.now(),
      names: ['test.lease'],
    });
    assert.equal(claimed?.id, job.id);
    assert.equal(claimed?.state, 'running');
    assert.equal(claimed?.attempts, 1);

    await withAdvancedClock(t, async (advance) => {
      assert.deepEqual(await t.jobs.runUntilIdle({ deps }), [], 'the lease still holds');
      advance(31);
      const reports = await t.jobs.runUntilIdle({ deps });
      assert.deepEqual(reports.map((r) => [r.outcome, r.attempt]), [['completed', 2]]);
      assert.deepEqual(ran, [2]);
      const row = await findJob(t.deps.db, job.id);
      assert.equal(row?.state, 'completed');
      assert.equal(row?.attempts, 2);
      assert.equal(row?.last_error, 'lease expired: worker crashed-worker stopped before finishing attempt 1');
      // The first worker comes back and tries to record its result: refused.
      assert.ok(claimed);
      assert.equal(await completeJob(t.deps.db, claimed, t.clock.now()), false);
    });
  });

  test('a job whose worker died on its last attempt goes dead without running again', async () => {
    let calls = 0;
    const once = defineJob({ name: 'test.once', payload: Label, retry: { maxAttempts: 1 }, async handler() { calls++; } });
    const deps = t.jobs.withDefinitions([once]);
    const { job } = await enqueueJob(deps, 'test.once', { label: 'x' });
    await t.deps.dialect.claimJobs(t.deps.db, { workerId: 'gone', limit: 1, leaseSeconds: 1, now: t.clock.now(), names: ['test.once'] });
    await withAdvancedClock(t, async (advance) => {
      advance(2);
      const reports = await t.jobs.runUntilIdle({ deps, allowFailures: true });
      assert.deepEqual(reports.map((r) => r.outcome), ['dead']);
    });
    assert.equal(calls, 0);
    const row = await findJob(t.deps.db, job.id);
    assert.equal(row?.state, 'dead');
    assert.equal(row?.attempts, 1);
    assert.match(row?.last_error ?? '', /lease expired: worker gone/);
  });

  test('heartbeats keep the lease of a long handler, so another worker does not take it', async () => {
    let runs = 0;
    const long = defineJob({
      name: 'test.long',
      payload: Label,
      async handler() {
        runs++;
        await delay(1200);
      },
    });
    const deps = t.jobs.withDefinitions([long]);
    const { job } = await enqueueJob(deps, 'test.long', { label: 'x' });
    const a = t.jobs.worker({ deps, leaseSeconds: 0.3, pollIntervalMs: 10 });
    a.start();
    await waitFor('job running', async () => (await findJob(t.deps.db, job.id))?.state === 'running');
    const b = t.jobs.worker({ deps, leaseSeconds: 0.3 });
    const deadline = Date.now() + 1000;
    while (Date.now() < deadline) {
      assert.deepEqual(await b.runUntilIdle(), [], 'worker b must not claim a leased job');
      await delay(50);
    }
    await waitFor('job completed', async () => (await findJob(t.deps.db, job.id))?.state === 'completed', 5000);
    await a.stop(1000);
    assert.equal(runs, 1);
    assert.equal((await findJob(t.deps.db, job.id))?.attempts, 1);
  });

  test('stop() waits for a running handler to finish before resolving', async () => {
    const { gate, release } = openLater();
    const gated = defineJob({ name: 'test.gated', payload: Label, async handler() { await gate; } });
    const deps = t.jobs.withDefinitions([gated]);
    const { job } = await enqueueJob(deps, 'test.gated', { label: 'x' });
    const w = t.jobs.worker({ deps });
    w.start();
    await waitFor('job running', async () => (await findJob(t.deps.db, job.id))?.state === 'running');
    let stopped = false;
    const stopping = w.stop(10_000).then(() => (stopped = true));
    await delay(200);
    assert.equal(stopped, false, 'stop() must wait for the handler');
    // Stopping: no new jobs are claimed.
    const { job: later } = await enqueueJob(deps, 'test.gated', { label: 'later' });
    release();
    await stopping;
    assert.equal((await findJob(t.deps.db, job.id))?.state, 'completed');
    await delay(100);
    assert.equal((await findJob(t.deps.db, later.id))?.state, 'available');
    await t.jobs.runUntilIdle({ deps });
  });

  test('a handler that releases its slot lets the next job start while it finishes, up to twice the concurrency', async () => {
    const { gate, release } = openLater();
    const started: string[] = [];
    const tail = defineJob({
      name: 'test.tail',
      payload: Label,
      async handler(ctx, payload) {
        started.push(payload.label);
        ctx.releaseSlot();
        ctx.releaseSlot(); // a second call changes nothing
        await gate;
      },
    });
    const deps = t.jobs.withDefinitions([tail]);
    const jobs: Array<{ id: string }> = [];
    for (const label of ['a', 'b', 'c']) {
      jobs.push((await enqueueJob(deps, 'test.tail', { label })).job);
    }
    const w = t.jobs.worker({ deps, concurrency: 1 });
    w.start();
    try {
      // Concurrency 1: 'a' releases its slot, so 'b' starts while 'a' still runs; 'c' waits, as two runs are the cap.
      await waitFor('two runs in flight', async () => started.length === 2);
      await delay(150);
      assert.deepEqual(started, ['a', 'b']);
      const states = await statesOf(jobs);
      assert.deepEqual(states, ['running', 'running', 'available']);
      release();
      await waitFor('all completed', () => allCompleted(jobs));
      assert.deepEqual(started, ['a', 'b', 'c']);
    } finally {
      release();
      await w.stop(5000);
    }
  });

  test('a job that acquires its slot itself is claimed ahead, prepares while the slots are held, and runs its CPU part in a freed slot', async () => {
    const { gate, release } = openLater();
    const events: string[] = [];
    let inSlot = 0;
    let maxInSlot = 0;
    const occupy = async (ms: number) => {
      inSlot++;
      maxInSlot = Math.max(maxInSlot, inSlot);
      await delay(ms);
      inSlot--;
    };
    const hold = defineJob({
      name: 'test.hold',
      payload: Label,
      async handler() {
        events.push('hold:start');
        inSlot++;
        await gate;
        inSlot--;
        events.push('hold:end');
      },
    });
    const ahead = defineJob({
      name: 'test.ahead',
      payload: Label,
      acquiresSlot: true,
      // Shorter than the wait for a slot below: the time limit does not run while the job waits for one.
      timeoutSeconds: 1,
      async handler(ctx, payload) {
        events.push(`${payload.label}:prepared`);
        await ctx.acquireSlot();
        await ctx.acquireSlot(); // a second call changes nothing
        events.push(`${payload.label}:slot`);
        await occupy(20);
      },
    });
    const deps = t.jobs.withDefinitions([hold, ahead]);
    const holdJob = (await enqueueJob(deps, 'test.hold', { label: 'hold' }, { priority: 1 })).job;
    const jobs: Array<{ id: string }> = [];
    for (const label of ['a', 'b', 'c']) {
      jobs.push((await enqueueJob(deps, 'test.ahead', { label })).job);
    }
    const w = t.jobs.worker({ deps, concurrency: 1, pollIntervalMs: 20 });
    w.start();
    try {
      await waitFor('one job claimed ahead', async () => events.includes('a:prepared'));
      await delay(1200);
      // Concurrency 1: one job is claimed ahead and waits for the slot 'hold' has; the others stay queued.
      assert.deepEqual(events, ['hold:start', 'a:prepared']);
      const states = await statesOf([holdJob, ...jobs]);
      assert.deepEqual(states, ['running', 'running', 'available', 'available']);
      release();
      await waitFor('all completed', () => allCompleted([holdJob, ...jobs]));
      assert.ok(events.indexOf('hold:end') < events.indexOf('a:slot'), events.join(' '));
      assert.deepEqual(
        events.filter((e) => e.endsWith(':slot')),
        ['a:slot', 'b:slot', 'c:slot'],
      );
      assert.equal(maxInSlot, 1, 'never more runs in their CPU part than the concurrency');
      assert.equal((await findJob(t.deps.db, jobs[0]?.id ?? ''))?.attempts, 1);
    } finally {
      release();
      await w.stop(5000);
    }
  });

  test('stop() hands a run still waiting for its slot back to the queue at once, without counting the attempt', async () => {
    const { gate, release } = openLater();
    const slotted: string[] = [];
    const hold = defineJob({
      name: 'test.hold',
      payload: Label,
      async handler() {
        await gate;
      },
    });
    const ahead = defineJob({
      name: 'test.ahead',
      payload: Label,
      acquiresSlot: true,
      async handler(ctx, payload) {
        await ctx.acquireSlot();
        slotted.push(payload.label);
      },
    });
    const deps = t.jobs.withDefinitions([hold, ahead]);
    const holdJob = (await enqueueJob(deps, 'test.hold', { label: 'hold' }, { priority: 1 })).job;
    const waiting = (await enqueueJob(deps, 'test.ahead', { label: 'a' })).job;
    const w = t.jobs.worker({ deps, concurrency: 1, pollIntervalMs: 20 });
    w.start();
    try {
      await waitFor('claimed ahead', async () => (await findJob(t.deps.db, waiting.id))?.state === 'running');
      const stopping = w.stop(10_000);
      await waitFor('handed back', async () => (await findJob(t.deps.db, waiting.id))?.state === 'available');
      const row = await findJob(t.deps.db, waiting.id);
      assert.equal(row?.attempts, 0);
      assert.equal(row?.locked_by, null);
      assert.deepEqual(slotted, []);
      release();
      await stopping;
      assert.equal((await findJob(t.deps.db, holdJob.id))?.state, 'completed');
      assert.deepEqual(slotted, []);
    } finally {
      release();
      await w.stop(5000);
    }
  });

  test('a claim takes due jobs and expired leases together, in priority order, and leaves jobs not yet due', async () => {
    const noop = defineJob({ name: 'test.order', payload: Label, async handler() {} });
    const deps = t.jobs.withDefinitions([noop]);
    const low = (await enqueueJob(deps, 'test.order', { label: 'low' }, { priority: 200 })).job;
    const later = (await enqueueJob(deps, 'test.order', { label: 'later' }, { priority: 1, runAt: new Date(t.clock.now().getTime() + 60_000) })).job;
    const expired = (await enqueueJob(deps, 'test.order', { label: 'expired' }, { priority: 50 })).job;
    const high = (await enqueueJob(deps, 'test.order', { label: 'high' }, { priority: 10 })).job;
    // 'expired' was claimed by a worker that died: its lease ran out a second ago.
    await t.deps.db
      .updateTable('jobs')
      .set({ state: 'running', attempts: 1, locked_by: 'gone', locked_until: new Date(t.clock.now().getTime() - 1000).toISOString() })
      .where('id', '=', expired.id)
      .execute();
    const reports = await t.jobs.worker({ deps, concurrency: 1 }).runUntilIdle();
    assert.deepEqual(
      reports.map((r) => r.id),
      [high.id, expired.id, low.id],
    );
    assert.equal((await findJob(t.deps.db, later.id))?.state, 'available');
    assert.match((await findJob(t.deps.db, expired.id))?.last_error ?? '', /lease expired: worker gone/);
  });

  test('stop() past its timeout aborts the handler and hands the job back to the queue', async () => {
    const stubborn = defineJob({
      name: 'test.stubborn',
      payload: Label,
      async handler(ctx) {
        await delay(60_000, undefined, { signal: ctx.signal });
      },
    });
    const deps = t.jobs.withDefinitions([stubborn]);
    const { job } = await enqueueJob(deps, 'test.stubborn', { label: 'x' });
    const w = t.jobs.worker({ deps });
    w.start();
    await waitFor('job running', async () => (await findJob(t.deps.db, job.id))?.state === 'running');
    const started = Date.now();
    await w.stop(200);
    assert.ok(Date.now() - started < 5000);
    const row = await findJob(t.deps.db, job.id);
    assert.equal(row?.state, 'available');
    assert.equal(row?.attempts, 1);
    assert.equal(row?.locked_by, null);
    assert.match(row?.last_error ?? '', /worker shut down/);
    assert.ok(Date.parse(row?.run_at ?? '') <= t.clock.now().getTime(), 'claimable again at once');
  });

  test('cancelling a running job aborts its handler at the next heartbeat and discards its result', async () => {
    let aborted = false;
    const cancellable = defineJob({
      name: 'test.cancellable',
      payload: Label,
      async handler(ctx) {
        try {
          await delay(10_000, undefined, { signal: ctx.signal });
        } catch (err) {
          aborted = true;
          throw err;
        }
      },
    });
    const deps = t.jobs.withDefinitions([cancellable]);
    const { job } = await enqueueJob(deps, 'test.cancellable', { label: 'x' });
    const w = t.jobs.worker({ deps, leaseSeconds: 0.3 });
    w.start();
    await waitFor('job running', async () => (await findJob(t.deps.db, job.id))?.state === 'running');
    assert.equal(await cancelJob(t.deps, job.id), true);
    await waitFor('handler aborted', async () => aborted, 3000);
    await w.stop(1000);
    const row = await findJob(t.deps.db, job.id);
    assert.equal(row?.state, 'cancelled');
  });

  test('a handler that completes within its transaction commits its effect and the job together; a lost run keeps neither', async () => {
    const marker = defineJob({ name: 'test.marker', payload: Label, async handler() {} });
    const atomic = defineJob({
      name: 'test.atomic',
      payload: Label,
      async handler(ctx, payload) {
        if (payload.label === 'cancelled') {
          // The run no longer owns its row when it comes to complete: its transaction must roll back.
          await cancelJob(ctx, ctx.job.id);
        }
        await inTransaction(ctx, async (tx) => {
          await enqueueJob(tx, 'test.marker', { label: payload.label }, { runAt: new Date(ctx.clock.now().getTime() + 3_600_000) });
          await ctx.completeWithin(tx.db);
        });
      },
    });
    const deps = t.jobs.withDefinitions([atomic, marker]);
    const kept = await enqueueJob(deps, 'test.atomic', { label: 'kept' });
    const lost = await enqueueJob(deps, 'test.atomic', { label: 'cancelled' });

    const reports = await t.jobs.runUntilIdle({ deps, allowFailures: true });
    const outcomes = Object.fromEntries(reports.map((r) => [r.id, r.outcome]));
    assert.deepEqual(outcomes, { [kept.job.id]: 'completed', [lost.job.id]: 'lost' });

    const keptRow = await findJob(t.deps.db, kept.job.id);
    assert.equal(keptRow?.state, 'completed');
    assert.equal(keptRow?.locked_by, null);
    assert.ok(keptRow?.finished_at);
    assert.equal((await findJob(t.deps.db, lost.job.id))?.state, 'cancelled');
    const markers = await t.deps.db.selectFrom('jobs').select('payload').where('name', '=', 'test.marker').execute();
    assert.deepEqual(
      markers.map((m) => (typeof m.payload === 'string' ? JSON.parse(m.payload) : m.payload)),
      [{ label: 'kept' }],
      'only the completed run\'s write is kept',
    );
  });

  test('a heartbeat that meets a run already completed within its transaction does not turn it into a lost run', async () => {
    // A heartbeat sent while the run's transaction holds its row (here the row is touched first; in production the
    // beat waits for a pooled connection) is applied after the commit, finds the row completed and gets false. The
    // run then cleans up after the commit (as processing tasks delete their temp input); it must still be completed,
    // not aborted as lost. This failed CI once, on the Vionlabs "a new video re-runs the item's tasks" test.
    const leaseSeconds = 0.6;
    const beat = (leaseSeconds * 1000) / 3;
    const slow = defineJob({
      name: 'test.early',
      payload: Label,
      async handler(ctx) {
        await inTransaction(ctx, async (tx) => {
          await tx.db.updateTable('jobs').set({ updated_at: ctx.clock.now().toISOString() }).where('id', '=', ctx.job.id).execute();
          await delay(beat + 150);
          await ctx.completeWithin(tx.db);
        });
        await delay(beat + 150);
      },
    });
    const deps = t.jobs.withDefinitions([slow]);
    const { job } = await enqueueJob(deps, 'test.early', { label: 'x' });
    const reports = await t.jobs.worker({ deps, leaseSeconds }).runUntilIdle();
    assert.deepEqual(reports.map((r) => [r.id, r.outcome]), [[job.id, 'completed']]);
    assert.equal((await findJob(t.deps.db, job.id))?.state, 'completed');
  });
});
