import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Type } from '@sinclair/typebox';
import { inTransaction } from '../../src/domain/context.js';
import { defineJob } from '../../src/jobs/define.js';
import { cancelJob, enqueue, enqueueJob, findJob, JobPayloadError, registers } from '../../src/jobs/queue.js';
import { jobsPruneJob } from '../../src/jobs/jobs-prune.job.js';
import { createJobRegistry } from '../../src/jobs/registry.js';
import { describeEachDatabase } from '../harness/app.js';

const ran: string[] = [];
const recordJob = defineJob({
  name: 'test.record',
  payload: Type.Object({ label: Type.String({ minLength: 1 }) }),
  async handler(_ctx, payload) {
    ran.push(payload.label);
  },
});

describeEachDatabase('job queue: enqueue', (t) => {
  const deps = () => t.jobs.withDefinitions([recordJob]);

  test('enqueue writes an available job with the payload as JSON and the defaults', async () => {
    const before = new Date(t.clock.now().getTime() - 1);
    const { job, created } = await enqueue(deps(), recordJob, { label: 'a' });
    assert.equal(created, true);
    const row = await findJob(t.deps.db, job.id);
    assert.ok(row);
    assert.equal(row.name, 'test.record');
    assert.deepEqual(JSON.parse(row.payload), { label: 'a' });
    assert.equal(row.state, 'available');
    assert.equal(row.priority, 100);
    assert.equal(row.attempts, 0);
    assert.equal(row.max_attempts, 5);
    assert.equal(row.locked_by, null);
    assert.equal(row.unique_key, null);
    assert.ok(row.run_at >= before.toISOString() && row.run_at <= t.clock.now().toISOString());
    assert.equal(row.created_at, row.run_at);
  });

  test('a job enqueued in a transaction that rolls back leaves no row; a committed one stays', async () => {
    const n = await t.count('jobs');
    await assert.rejects(
      inTransaction(deps(), async (tx) => {
        await enqueue(tx, recordJob, { label: 'rolled-back' });
        assert.equal(await tx.db.selectFrom('jobs').select('id').where('payload', 'like', '%rolled-back%').execute().then((r) => r.length), 1);
        throw new Error('abort the transaction');
      }),
      /abort the transaction/,
    );
    assert.equal(await t.count('jobs'), n);
    await inTransaction(deps(), (tx) => enqueue(tx, recordJob, { label: 'committed' }));
    assert.equal(await t.count('jobs'), n + 1);
  });

  test('a payload that fails its schema, or an unknown job name, is refused and nothing is written', async () => {
    const n = await t.count('jobs');
    await assert.rejects(enqueueJob(deps(), 'test.record', { label: '' }), (err: unknown) => {
      assert.ok(err instanceof JobPayloadError);
      assert.match(err.message, /Payload of test\.record is invalid: \/label/);
      return true;
    });
    await assert.rejects(enqueueJob(deps(), 'test.record', { nope: 1 }), JobPayloadError);
    await assert.rejects(enqueueJob(deps(), 'test.unknown', {}), /Unknown job test\.unknown/);
    // The app registry does not know test jobs at all: a definition it does not register is refused too.
    await assert.rejects(enqueueJob(t.deps, 'test.record', { label: 'x' }), /Unknown job/);
    await assert.rejects(enqueue(t.deps, recordJob, { label: 'x' }), /Unknown job test\.record/);
    assert.equal(registers(t.deps.jobs, recordJob), false);
    assert.equal(registers(deps().jobs, recordJob), true);
    assert.equal(await t.count('jobs'), n);
  });

  test('enqueue takes the definition, and its payload is type-checked against the definition\'s schema', () => {
    // Compile-time checks (tsc --noEmit runs over test/): each line below must be a type error.
    const never = (): void => {
      // @ts-expect-error a name is not a definition
      void enqueue(deps(), 'test.record', { label: 'x' });
      // @ts-expect-error payload of the wrong shape
      void enqueue(deps(), recordJob, { label: 1 });
      // @ts-expect-error jobs.prune payload needs its fields
      void enqueue(deps(), jobsPruneJob, {});
    };
    assert.equal(typeof never, 'function');
  });

  test('a unique key dedups while the job is unfinished, and frees up once it is done', async () => {
    const key = `record:${Math.random()}`;
    const first = await enqueue(deps(), recordJob, { label: 'u1' }, { uniqueKey: key });
    const second = await enqueue(deps(), recordJob, { label: 'u2' }, { uniqueKey: key });
    assert.equal(first.created, true);
    assert.equal(second.created, false);
    assert.equal(second.job.id, first.job.id);
    assert.equal((await t.deps.db.selectFrom('jobs').select('id').where('unique_key', '=', key).execute()).length, 1);
    // Inside a transaction the duplicate does not break the transaction (PostgreSQL would abort it on an error).
    await inTransaction(deps(), async (tx) => {
      const again = await enqueue(tx, recordJob, { label: 'u3' }, { uniqueKey: key });
      assert.equal(again.created, false);
      await enqueue(tx, recordJob, { label: 'after-dup' });
    });
    assert.equal((await t.deps.db.selectFrom('jobs').select('id').where('payload', 'like', '%after-dup%').execute()).length, 1);

    await t.jobs.runUntilIdle({ deps: deps() });
    assert.equal((await findJob(t.deps.db, first.job.id))?.state, 'completed');
    const third = await enqueue(deps(), recordJob, { label: 'u4' }, { uniqueKey: key });
    assert.equal(third.created, true);
    assert.notEqual(third.job.id, first.job.id);
    await t.jobs.runUntilIdle({ deps: deps() });
  });

  test('lower priority runs first; equal priorities run in enqueue order; runAt in the future waits', async () => {
    await t.jobs.runUntilIdle({ deps: deps() });
    ran.length = 0;
    const d = deps();
    await enqueue(d, recordJob, { label: 'p100-a' });
    await enqueue(d, recordJob, { label: 'p5' }, { priority: 5 });
    await enqueue(d, recordJob, { label: 'p100-b' });
    await enqueue(d, recordJob, { label: 'p1' }, { priority: 1 });
    await enqueue(d, recordJob, { label: 'later' }, { priority: 0, runAt: new Date(t.clock.now().getTime() + 60_000) });
    // Concurrency 1 so the order of claims is the order of runs.
    const reports = await t.jobs.worker({ deps: d, concurrency: 1 }).runUntilIdle();
    assert.deepEqual(ran, ['p1', 'p5', 'p100-a', 'p100-b']);
    assert.equal(reports.length, 4);
    t.clock.advance(61);
    try {
      await t.jobs.runUntilIdle({ deps: d });
      assert.deepEqual(ran, ['p1', 'p5', 'p100-a', 'p100-b', 'later']);
    } finally {
      t.clock.advance(-61);
    }
  });

  test('cancel: an available job is cancelled and never runs; a finished one cannot be cancelled', async () => {
    ran.length = 0;
    const { job } = await enqueue(deps(), recordJob, { label: 'cancelled' });
    assert.equal(await cancelJob(t.deps, job.id), true);
    const row = await findJob(t.deps.db, job.id);
    assert.equal(row?.state, 'cancelled');
    assert.ok(row?.finished_at);
    await t.jobs.runUntilIdle({ deps: deps() });
    assert.deepEqual(ran, []);
    assert.equal(await cancelJob(t.deps, job.id), false);
  });

  test('the registry refuses duplicate and malformed names and bad schedules', () => {
    assert.throws(() => createJobRegistry([recordJob, recordJob]), /defined twice/);
    assert.throws(() => createJobRegistry([{ ...recordJob, name: 'Record' }]), /noun\.verb/);
    assert.throws(
      () => createJobRegistry([{ ...recordJob, schedule: { everySeconds: 60, payload: { label: '' } } }]),
      /schedule/,
    );
    const registry = createJobRegistry([recordJob]);
    assert.deepEqual(registry.names(), ['test.record']);
    assert.equal(registry.get('test.record')?.retry.maxAttempts, 5);
    assert.equal(registry.get('test.record')?.timeoutSeconds, 300);
  });
});
