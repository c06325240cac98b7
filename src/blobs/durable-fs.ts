import { closeSync, fsync, mkdirSync, openSync, renameSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { promisify } from 'node:util';

/*
 * The disk store's durable steps for small files and directory entries. Opening, writing bytes already in memory,
 * closing and renaming are synchronous: on a local disk each is one short syscall, where a thread-pool round trip
 * costs several times that in CPU (a thumbnail's put was about 1 ms of CPU, half of it round trips: bench/thumbnails).
 * The fsyncs, which wait on the device, stay off the event loop.
 */

const fsyncFd = promisify(fsync);

/** Creates `path` (which must not exist) holding `data`, and fsyncs it. */
export async function writeSmallFile(path: string, data: Uint8Array): Promise<void> {
  const fd = openSync(path, 'wx', 0o644);
  try {
    for (let done = 0; done < data.length; ) {
      done += writeSync(fd, data, done, data.length - done);
    }
    await fsyncFd(fd);
  } finally {
    closeSync(fd);
  }
}

/** Makes a rename or a new entry in `dir` durable. */
export async function fsyncDirectory(dir: string): Promise<void> {
  const fd = openSync(dir, 'r');
  try {
    await fsyncFd(fd);
  } finally {
    closeSync(fd);
  }
}

/**
 * Renames `from` to `to`, making `to`'s directory (and missing parents) first when it is missing, and fsyncs every
 * directory that gained an entry, so after a crash `to` is there or `from` still is.
 */
export async function renameDurably(from: string, to: string): Promise<void> {
  const dir = dirname(to);
  try {
    renameSync(from, to);
  } catch (err) {
    if (!(err instanceof Error && 'code' in err && err.code === 'ENOENT')) {
      throw err;
    }
    const first = mkdirSync(dir, { recursive: true });
    renameSync(from, to);
    // Each directory made is a new entry in its parent: fsync the parents, from `dir`'s up to the first one made's.
    if (first !== undefined) {
      const top = dirname(first);
      for (let d = dirname(dir); ; d = dirname(d)) {
        await fsyncDirectory(d);
        if (d === top || d === dirname(d)) {
          break;
        }
      }
    }
  }
  await fsyncDirectory(dir);
}
