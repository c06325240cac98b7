import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isRunning } from '../lib/process-owner.js';

/*
 * Media jobs work in private temp dirs named `atelier-media-<pid>-<random>`. A process killed mid-job cannot remove
 * its dir, so each process sweeps, when it starts, the dirs of processes that no longer run.
 */

const PREFIX = 'atelier-media-';
const OWNED = /^atelier-media-(\d+)-/;

/** A fresh private (0700) temp dir for one media job, named after this process. */
export function makeMediaTempDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), `${PREFIX}${process.pid}-`));
}

/**
 * Removes media temp dirs whose process is gone. Run once at startup, before this process makes any: a dir named
 * with this process's own pid is a previous life's (containers reuse pids), so it goes too. Returns how many.
 */
export async function sweepDeadMediaTempDirs(dir = tmpdir()): Promise<number> {
  let removed = 0;
  for (const name of await readdir(dir).catch(() => [] as string[])) {
    const pid = Number(OWNED.exec(name)?.[1] ?? NaN);
    if (!Number.isInteger(pid) || (pid !== process.pid && isRunning(pid))) {
      continue;
    }
    await rm(join(dir, name), { recursive: true, force: true });
    removed++;
  }
  return removed;
}
