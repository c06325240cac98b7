import { mkdir, open, rename } from 'node:fs/promises';
import { dirname } from 'node:path';

/*
 * The disk store's durable steps for small files and directory entries. All of them run on libuv's pool, even the
 * cheap ones: creating or renaming a file needs the file system journal, and while another put's fsync is
 * committing it they wait. Done synchronously (tried: it saved a thread-pool round trip each), those waits stalled
 * the event loop for up to a third of a millisecond per call (bench/thumbnails).
 */

/** Creates `path` (which must not exist) holding `data`, and fsyncs it. */
export async function writeSmallFile(path: string, data: Uint8Array): Promise<void> {
  const fh = await open(path, 'wx', 0o644);
  try {
    for (let done = 0; done < data.length; ) {
      done += (await fh.write(data, done, data.length - done)).bytesWritten;
    }
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/** Makes a rename or a new entry in `dir` durable. */
export async function fsyncDirectory(dir: string): Promise<void> {
  const fh = await open(dir, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/**
 * Renames `from` to `to`, making `to`'s directory (and missing parents) first when it is missing, and fsyncs every
 * directory that gained an entry, so after a crash `to` is there or `from` still is.
 */
export async function renameDurably(from: string, to: string): Promise<void> {
  const dir = dirname(to);
  try {
    await rename(from, to);
  } catch (err) {
    if (!(err instanceof Error && 'code' in err && err.code === 'ENOENT')) {
      throw err;
    }
    const first = await mkdir(dir, { recursive: true });
    await rename(from, to);
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
