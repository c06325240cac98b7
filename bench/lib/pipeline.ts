import { existsSync, readFileSync, readdirSync } from 'node:fs';
import type { PutResult } from '../../src/blobs/blob-store.js';
import { loadConfig, type Config } from '../../src/config/config.js';
import { migrateToLatest } from '../../src/db/database.js';
import { createDeps } from '../../src/deps.js';
import { bootstrap } from '../../src/domain/accounts/accounts.service.js';
import type { Ctx } from '../../src/domain/context.js';
import { commitUpload } from '../../src/domain/uploads/commit.service.js';
import { derivativeThumbnailJob } from '../../src/domain/media/derivative-thumbnail.job.js';

/* In-process media pipeline helpers shared by bench/thumbnails and bench/job-overhead. */

/**
 * CPU milliseconds per thread kind so far (`kindOf` names a thread's kind from its id and name; the main thread's id
 * is the process id). Linux only (/proc); empty elsewhere.
 */
export function threadCpu(kindOf: (tid: string, name: string) => string): Map<string, number> {
  const byKind = new Map<string, number>();
  if (!existsSync('/proc/self/task')) {
    return byKind;
  }
  for (const tid of readdirSync('/proc/self/task')) {
    let stat: string;
    try {
      stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
    } catch {
      continue; // the thread ended
    }
    const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime and stime, in clock ticks (100 per second on Linux).
    const ms = (Number(fields[11]) + Number(fields[12])) * 10;
    const kind = kindOf(tid, name);
    byKind.set(kind, (byKind.get(kind) ?? 0) + ms);
  }
  return byKind;
}

type ThumbnailHandler = (typeof derivativeThumbnailJob)['handler'];

export interface ThumbnailPipeline {
  deps: ReturnType<typeof createDeps>;
  config: Config;
  /** Commits a stored blob as a new JPEG asset, which queues its derivative jobs. */
  commit(blob: PutResult, i: number): Promise<void>;
  /** Counts the next `count` runs of the handler: resolves once they have all returned, or end() is called. */
  expect(count: number): Promise<void>;
  /** Runs of the handler still to return of those expected. */
  remaining(): number;
  end(): void;
}

/**
 * A fresh Atelier (SQLite and a disk blob store in `dataDir`, as `atelier serve` starts them) whose only job is
 * `derivative.thumbnail`, run by `handler`. Its runs are counted by wrapping the handler (see expect), so a bench's
 * clock can stop when the last one returns without polling the database on the worker's thread. Close with
 * `deps.close()`.
 */
export async function openThumbnailPipeline(o: { dataDir: string; concurrency: number; handler: ThumbnailHandler }): Promise<ThumbnailPipeline> {
  const config = loadConfig({ DATA_DIR: o.dataDir, LOG_LEVEL: 'warn', TOKEN_SECRET: 'bench-secret-bench-secret-bench-secret-0123', WORKER_CONCURRENCY: String(o.concurrency) });
  let remaining = 0;
  let end: () => void = () => undefined;
  const counted: typeof derivativeThumbnailJob = {
    ...derivativeThumbnailJob,
    async handler(ctx, payload) {
      await o.handler(ctx, payload);
      if (--remaining === 0) {
        end();
      }
    },
  };
  const deps = createDeps(config, { jobDefinitions: [counted] });
  await migrateToLatest(deps.db);
  // As `atelier serve` and `atelier worker` start: the blob store checks itself and makes its prefix directories.
  await deps.blobs.verify();
  const boot = await bootstrap(deps, 'Bench');
  const ctx: Ctx = {
    ...deps,
    actor: { userId: boot.user_id, apiKeyId: null, accountId: boot.account_id, accountRole: 'owner', workspaceId: boot.workspace_id, workspaceRole: 'admin' },
  };
  // Commits get names of their own across runs: a name taken in the folder would make a new version, not an asset.
  let named = 0;
  return {
    deps,
    config,
    async commit(blob, i) {
      named++;
      await commitUpload(ctx, { workspaceId: boot.workspace_id, blob, contentType: 'image/jpeg', originalFileName: `img-${named}-${i}.jpg`, target: { newAsset: {} } });
    },
    expect(count) {
      remaining = count;
      return new Promise<void>((resolve) => {
        end = resolve;
      });
    },
    remaining: () => remaining,
    end: () => end(),
  };
}
