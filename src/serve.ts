import type { Config } from './config/config.js';
import { migrateToLatest } from './db/database.js';
import { createDeps } from './deps.js';
import { buildApp } from './app.js';

/**
 * `atelier serve` / `atelier worker`: migrate, start the HTTP server and/or workers, and stop gracefully on
 * SIGTERM/SIGINT (stop accepting, let in-flight requests finish, then close the database).
 */
export async function serve(config: Config, mode: { http: boolean; workers: boolean }): Promise<number> {
  const deps = createDeps(config);
  await migrateToLatest(deps.db);
  const app = mode.http ? await buildApp(deps) : undefined;
  if (app) {
    await app.listen({ port: config.http.port, host: config.http.host });
  }
  deps.log.info({ http: mode.http, workers: mode.workers }, 'atelier started');

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
      }, config.shutdownTimeoutSeconds * 1000);
      timer.unref();
      void (async () => {
        await app?.close();
        await deps.close();
        clearTimeout(timer);
        resolve(0);
      })();
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
  });
}
