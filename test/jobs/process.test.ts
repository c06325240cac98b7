import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { enqueueJob, findJob } from '../../src/jobs/queue.js';
import { describeEachDatabase, type TestApp } from '../harness/app.js';
import { testSleepJob, waitFor } from './fixtures/test-jobs.js';

/*
 * Real processes: `atelier worker` / `atelier serve` started through test/jobs/fixtures/worker.ts (main() with the
 * test-only `test.sleep` job added), on the test's own database (same SQLite file, or the same PostgreSQL clone).
 */

// Generous: on a loaded 2-core machine, starting a tsx process alone can take several seconds.
const STARTUP_MS = 90_000;
const ENTRY = join(resolve(import.meta.dirname), 'fixtures/worker.ts');

interface Child {
  proc: ChildProcess;
  output: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function start(t: TestApp, args: string[], env: Record<string, string> = {}): Child {
  const childEnv: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '',
    DATA_DIR: t.config.dataDir,
    TOKEN_SECRET: 'test-secret-test-secret-test-secret-0123',
    LOG_LEVEL: 'info',
    WORKER_CONCURRENCY: '2',
    JOB_POLL_INTERVAL_MS: '50',
    JOB_LEASE_SECONDS: '2',
    SHUTDOWN_TIMEOUT_SECONDS: '5',
    ...env,
  };
  if (t.config.database.kind === 'postgres') {
    childEnv.DATABASE_URL = t.config.database.url;
  }
  const proc = spawn(process.execPath, ['--import', 'tsx', ENTRY, ...args], { env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  proc.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((res) =>
    proc.on('exit', (code, signal) => res({ code, signal })),
  );
  return { proc, output: () => out, exited };
}

async function ensureStopped(c: Child | undefined): Promise<void> {
  if (c && c.proc.exitCode === null && c.proc.signalCode === null) {
    c.proc.kill('SIGKILL');
    await c.exited;
  }
}

describeEachDatabase('job workers as real processes', (t) => {
  const deps = () => t.jobs.withDefinitions([testSleepJob]);

  test('kill -9 mid-job: after the lease expires another worker process runs it to completion', async () => {
    const { job } = await enqueueJob(deps(), 'test.sleep', { firstMs: 600_000, laterMs: 100 });
    let first: Child | undefined;
    let second: Child | undefined;
    try {
      first = start(t, ['worker']);
      const running = await waitFor('the first worker to start the job', async () => {
        const row = await findJob(t.deps.db, job.id);
        return row?.state === 'running' ? row : undefined;
      }, STARTUP_MS).catch((err: Error) => {
        throw new Error(`${err.message}\n${first?.output()}`);
      });
      assert.equal(running.attempts, 1);
      first.proc.kill('SIGKILL');
      assert.equal((await first.exited).signal, 'SIGKILL');
      // Killed hard: nothing recorded the end of the run.
      const orphan = await findJob(t.deps.db, job.id);
      assert.equal(orphan?.state, 'running');
      assert.equal(orphan?.locked_by, running.locked_by);

      second = start(t, ['worker']);
      const done = await waitFor('the second worker to finish the job', async () => {
        const row = await findJob(t.deps.db, job.id);
        return row?.state === 'completed' ? row : undefined;
      }, STARTUP_MS).catch((err: Error) => {
        throw new Error(`${err.message}\n${second?.output()}`);
      });
      assert.equal(done.attempts, 2);
      assert.match(done.last_error ?? '', new RegExp(`lease expired: worker ${running.locked_by ?? ''} stopped`));
      // Not before the first lease ran out.
      assert.ok(Date.parse(done.finished_at ?? '') >= Date.parse(running.locked_until ?? ''));

      second.proc.kill('SIGTERM');
      assert.deepEqual(await second.exited, { code: 0, signal: null });
    } finally {
      await ensureStopped(first);
      await ensureStopped(second);
    }
  });

  test('`serve --no-workers` leaves jobs alone; `serve` runs them; SIGTERM waits for the running job', async () => {
    const { job } = await enqueueJob(deps(), 'test.sleep', { firstMs: 1500, laterMs: 1500 });
    let api: Child | undefined;
    let full: Child | undefined;
    try {
      api = start(t, ['serve', '--no-workers'], { PORT: '0' });
      await waitFor('serve --no-workers to start', async () => api?.output().includes('atelier started'), STARTUP_MS);
      await delay(800);
      assert.equal((await findJob(t.deps.db, job.id))?.state, 'available', api.output());
      api.proc.kill('SIGTERM');
      assert.equal((await api.exited).code, 0);

      full = start(t, ['serve'], { PORT: '0' });
      await waitFor('serve to start the job', async () => (await findJob(t.deps.db, job.id))?.state === 'running', STARTUP_MS);
      // Graceful stop: the 1.5 s job finishes before the process exits.
      full.proc.kill('SIGTERM');
      assert.deepEqual(await full.exited, { code: 0, signal: null });
      const row = await findJob(t.deps.db, job.id);
      assert.equal(row?.state, 'completed', full.output());
      assert.equal(row?.attempts, 1);
    } finally {
      await ensureStopped(api);
      await ensureStopped(full);
    }
  });
});
