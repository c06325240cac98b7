import type { FastifyInstance } from 'fastify';
import type { Config } from './config/config.js';
import { migrateToLatest } from './db/database.js';
import { createDeps } from './deps.js';
import { buildApp } from './app.js';
import { reclaimCrashLeftovers } from './domain/blob-sweep/crash-reclaim.service.js';
import type { AnyJobDefinition } from './jobs/define.js';
import { Worker } from './jobs/worker.js';
import { armCrashPoint } from './lib/crash-points.js';
import { sweepDeadMediaTempDirs } from './media/temp-dirs.js';

/**
 * `atelier serve` / `atelier worker`: migrate, start the HTTP server and/or workers, and stop gracefully on
 * SIGTERM/SIGINT (stop accepting, let in-flight requests finish, then close the database).
 */
export async function serve(
  config: Config,
  mode: { http: boolean; workers: boolean },
  options: { jobDefinitions?: readonly AnyJobDefinition[] } = {},
): Promise<number> {
  armCrashPoint(config.testing.crashAt);
  const deps = createDeps(config, options);
  let app: FastifyInstance | undefined;
  try {
    await migrateToLatest(deps.db);
    // Fail at startup, not on the first upload, when the blob store is unusable (e.g. the S3 bucket is missing).
    await deps.blobs.verify();
    // Before serving: what processes killed mid-upload left (docs/crash-recovery.md).
    const reclaimed = await reclaimCrashLeftovers(deps);
    if (reclaimed.tempFiles + reclaimed.blobs + reclaimed.parts > 0) {
      deps.log.info(reclaimed, 'reclaimed what killed processes left');
    }
    app = mode.http ? await buildApp(deps) : undefined;
    if (app) {
      await app.listen({ port: config.http.port, host: config.http.host });
    }
  } catch (err) {
    // Release the database (an open pg pool would keep the process alive); the CLI reports the cause.
    await app?.close().catch(() => undefined);
    await deps.close().catch(() => undefined);
    throw err;
  }
  if (mode.workers) {
    // Dirs left by media jobs of processes killed mid-job (this machine's; a previous life of this one included).
    const swept = await sweepDeadMediaTempDirs();
    if (swept > 0) {
      deps.log.info({ swept }, 'removed media temp dirs of processes that no longer run');
    }
  }
  const worker = mode.workers ? new Worker(deps, config.jobs) : undefined;
  worker?.start();
  deps.log.info({ http: mode.http, workers: mode.workers, worker: worker?.id }, 'atelier started');

  return new Promise<number>((resolve) => {
    let stopping = false;
    const stop = (signal: string) => {
      if (stopping) {
        return;
      }
      stopping = true;
      deps.log.info({ signal }, 'shutting down');
      const timer = setTimeout(() => {
        deps.log.error('shutdown timed out');
        resolve(1);
        // Requests or jobs still running would keep the process alive past its budget.
        setTimeout(() => process.exit(1), 500).unref();
      }, config.shutdownTimeoutSeconds * 1000);
      timer.unref();
      void (async () => {
        // Workers get most of the shutdown budget; running jobs they cannot finish go back to the queue.
        const workerBudgetMs = Math.max(1000, config.shutdownTimeoutSeconds * 1000 - 2000);
        await Promise.all([app?.close(), worker?.stop(workerBudgetMs)]);
        await deps.close();
        clearTimeout(timer);
        resolve(0);
      })();
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
  });
}
