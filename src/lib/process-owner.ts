import { createHash, randomBytes } from 'node:crypto';
import { hostname } from 'node:os';

/*
 * Names that say which process wrote a temp file, so that what a killed process left can be told apart from what a
 * live one is still writing. The tag is `w-<pid>-<boot>-<host>`: `boot` is random per process start (a restarted
 * container often gets the same pid, 1, again), `host` a hash of the host name, because a store on shared storage
 * (NFS) is written by processes on other machines, whose pids mean nothing here.
 */

const BOOT = randomBytes(4).toString('hex');
const HOST = createHash('sha256').update(hostname()).digest('hex').slice(0, 8);

/** This process's tag, appended to the temp files it writes. */
export const OWNER_TAG = `w-${process.pid}-${BOOT}-${HOST}`;

const TAG = /\.w-(\d+)-([0-9a-f]{8})-([0-9a-f]{8})$/;

export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists but belongs to another user.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Whether `name` ends in the tag of a process that provably no longer runs: one on this host whose pid is gone, or a
 * previous life of this very pid. Untagged names, other hosts' tags and live (or reused) pids: false, so kept.
 */
export function writtenByDeadProcess(name: string): boolean {
  const m = TAG.exec(name);
  if (!m || m[3] !== HOST) {
    return false;
  }
  const pid = Number(m[1]);
  if (pid === process.pid) {
    return m[2] !== BOOT;
  }
  return !isRunning(pid);
}
