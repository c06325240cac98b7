import type { JobRow } from '../../src/db/schema.js';
import type { Deps } from '../../src/domain/context.js';
import type { AnyJobDefinition } from '../../src/jobs/define.js';
import { createJobs } from '../../src/jobs/queue.js';
import { Worker, type RunReport, type WorkerOptions } from '../../src/jobs/worker.js';
import type { TestApp } from './app.js';

/**
 * The job queue in tests: drained in-process with the real worker (no mocks). `await t.jobs.runUntilIdle()` runs
 * every job due now (on t.clock) and throws when one of them failed, so a broken handler fails the test that
 * triggered it.
 */
export class TestJobs {
  constructor(private readonly t: TestApp) {}

  /**
   * The app's Deps with a registry of exactly these definitions (a test's own jobs; spread `jobDefinitions` in to
   * keep the app's): workers on it claim and schedule only these, so other features' jobs cannot interfere.
   */
  withDefinitions(definitions: readonly AnyJobDefinition[], deps: Deps = this.t.deps): Deps {
    return { ...deps, jobs: createJobs(definitions) };
  }

  /** A worker with test settings: short lease and poll, no backoff jitter (delays are exactly the policy's). */
  worker(options: Partial<WorkerOptions> & { deps?: Deps } = {}): Worker {
    const { deps, ...rest } = options;
    return new Worker(deps ?? this.t.deps, { concurrency: 4, pollIntervalMs: 20, leaseSeconds: 5, random: () => 0, ...rest });
  }

  /** Runs every due job until none is claimable; throws on a failed run unless `allowFailures`. */
  async runUntilIdle(options: { deps?: Deps; allowFailures?: boolean } = {}): Promise<RunReport[]> {
    const reports = await this.worker(options.deps ? { deps: options.deps } : {}).runUntilIdle();
    const failed = reports.filter((r) => r.outcome !== 'completed');
    if (failed.length > 0 && !options.allowFailures) {
      throw new Error(`jobs failed: ${failed.map((r) => `${r.name} (${r.outcome}): ${r.error ?? ''}`).join('; ')}`);
    }
    return reports;
  }

  /** Job rows, oldest first, optionally of one name. */
  list(name?: string): Promise<JobRow[]> {
    let q = this.t.deps.db.selectFrom('jobs').selectAll().orderBy('sequence');
    if (name !== undefined) {
      q = q.where('name', '=', name);
    }
    return q.execute();
  }
}
