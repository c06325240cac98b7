import { createHash } from 'node:crypto';
import { constants } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { giveBatch, takeBatch, type Batch } from './batch-buffers.js';
import { OffThreadSha256 } from './hash-thread.js';
import { ByteTally } from './hashing.js';
import { errors } from '../domain/errors.js';

/*
 * Streams a body into a new file, hashing it on the way (unless the caller needs no hash), in large batches: socket
 * chunks (64 KiB, each a fresh allocation) are copied into reused 2 MiB page-aligned shared batches
 * (batch-buffers.ts). Each full batch is written at its offset and, for bodies of more than one batch, hashed on the
 * hashing thread (hash-thread.ts) while the next one fills; at most two batches are in flight. Writes go one at a
 * time: two writes to one file serialise on its inode lock in the kernel, and the waiting thread spun.
 *
 * Full batches are written with O_DIRECT, past the page cache, through a second descriptor. Copying a large upload
 * into the page cache was most of its cost: on this project's test VM, 0.7 to 3 s of system time per GiB depending
 * on how recently the host had backed the pages, against about 0.06 s for direct writes of the same bytes
 * (bench/ingest). The price: the media jobs that read a large file soon after read it from the disk rather than
 * from memory, which costs little next to decoding it. The last, partial batch goes through the page cache (its
 * length is not a multiple of the block size), as does everything on a file system that refuses O_DIRECT (tmpfs
 * before Linux 6.6, some network file systems), where an fdatasync starts in the background every 64 MiB so the
 * final fsync waits for little. The final fsync covers both kinds of write.
 */

const BATCHES_IN_FLIGHT = 2;
const SYNC_EVERY_BYTES = 64 * 1024 * 1024;
/** Offsets and lengths of direct writes must be multiples of the logical block size; 4 KiB covers every disk. */
const DIRECT_ALIGNMENT = 4096;

const ignore = (): void => undefined;
const isErrno = (err: unknown, code: string): boolean => err instanceof Error && 'code' in err && err.code === code;

/** A second descriptor on `path` for direct writes, or undefined where the file system refuses O_DIRECT. */
async function openDirect(path: string): Promise<FileHandle | undefined> {
  if (constants.O_DIRECT === undefined) {
    return undefined;
  }
  try {
    return await open(path, constants.O_WRONLY | constants.O_DIRECT);
  } catch (err) {
    if (isErrno(err, 'EINVAL') || isErrno(err, 'EOPNOTSUPP')) {
      return undefined;
    }
    throw err;
  }
}

/**
 * Opens an existing upload file to write from `at`, cut to `at` first (bytes past it are a write that never counted).
 * At 0 the file is made when absent; past 0 a file shorter than `at` has lost bytes: `upload_not_found`.
 */
async function openAt(path: string, at: number): Promise<FileHandle> {
  if (at === 0) {
    const fh = await open(path, constants.O_WRONLY | constants.O_CREAT);
    await fh.truncate(0);
    return fh;
  }
  const fh = await open(path, 'r+').catch((err: unknown) => {
    throw isErrno(err, 'ENOENT') ? errors.notFound('upload') : err;
  });
  if ((await fh.stat()).size < at) {
    await fh.close();
    throw errors.notFound('upload');
  }
  await fh.truncate(at);
  return fh;
}

async function writeAll(handle: FileHandle, buffer: Buffer, length: number, at: number): Promise<void> {
  for (let done = 0; done < length; ) {
    done += (await handle.write(buffer, done, length - done, at + done)).bytesWritten;
  }
}

export interface WrittenFile {
  sha256: string;
  size: number;
}

export interface WriteOptions {
  /** Fail with `too_large` as soon as more bytes than this arrive. */
  maxBytes?: number | undefined;
  /** Sees each chunk as it arrives. */
  onChunk?: ((chunk: Buffer) => void) | undefined;
  /** Awaited before each write reaches the file; throwing stops the write (a tus write claim that lapsed). */
  beforeWrite?: (() => Promise<void>) | undefined;
  /**
   * A body that ends early (the client went away) is not a failure: the bytes that arrived are written and made
   * durable, and the answer says `cut` (tus keeps what arrived of a PATCH). Write errors and limits still fail.
   */
  keepCutBody?: boolean | undefined;
  /**
   * With `hash: false`: a hash the caller carries across writes (tus in place), updated with every byte written here
   * and neither digested nor dropped here.
   */
  runningHash?: OffThreadSha256 | undefined;
}

/** Where writeBodyFile starts: a new file, or an existing one cut to `at` and written from there (tus in place). */
export interface WriteStart {
  at: number;
}

/**
 * Writes `body` to a new file at `path` (which must not exist), fsyncs it, and answers its SHA-256 and size; with
 * `hash: false` only its size (bytes whose hash nobody reads: an upload's temp parts, hashed when they are joined).
 * On any failure the partial file is left for the caller to remove.
 */
export function writeBodyFile(path: string, body: Readable, options: WriteOptions & { hash: false; start?: WriteStart | undefined }): Promise<{ size: number; cut?: true }>;
export function writeBodyFile(path: string, body: Readable, options?: WriteOptions): Promise<WrittenFile>;
export async function writeBodyFile(
  path: string,
  body: Readable,
  options: WriteOptions & { hash?: boolean; start?: WriteStart | undefined } = {},
): Promise<{ size: number; sha256?: string; cut?: true }> {
  const hashing = options.hash !== false;
  const tally = new ByteTally(options.maxBytes, options.onChunk);
  const start = options.start?.at ?? 0;
  const fh = options.start === undefined ? await open(path, 'wx') : await openAt(path, start);
  // Bodies that fit one batch are hashed here when they end; larger ones batch by batch on the hashing thread.
  let offThread: OffThreadSha256 | undefined;
  let inline: string | undefined;
  const inFlight = new Set<Promise<void>>();
  let writing: Promise<void> = Promise.resolve();
  let syncing: Promise<void> | undefined;
  let failure: unknown;
  let position = start;
  let written = 0;
  let syncedUpTo = 0;
  let batch: Batch | undefined;
  let used = 0;
  let direct: FileHandle | undefined;
  let directState: 'untried' | 'open' | 'off' = 'untried';

  const fail = (err: unknown): void => {
    failure ??= err;
    body.destroy(err as Error);
  };

  /** The direct descriptor for a write it can take (a whole aligned batch), opened on first use; else undefined. */
  const directFor = async (b: Batch, length: number, at: number): Promise<FileHandle | undefined> => {
    if (directState === 'off' || !b.aligned || length % DIRECT_ALIGNMENT !== 0 || at % DIRECT_ALIGNMENT !== 0) {
      return undefined;
    }
    if (directState === 'untried') {
      direct = await openDirect(path);
      directState = direct ? 'open' : 'off';
    }
    return direct;
  };

  const writeAt = async (b: Batch, length: number, at: number): Promise<void> => {
    if (failure) {
      return;
    }
    await options.beforeWrite?.();
    const handle = await directFor(b, length, at);
    if (handle) {
      try {
        await writeAll(handle, b.bytes, length, at);
        return;
      } catch (err) {
        // A device that wants a larger alignment refuses with EINVAL: this batch and the rest go through the cache.
        if (!isErrno(err, 'EINVAL')) {
          throw err;
        }
        directState = 'off';
      }
    }
    await writeAll(fh, b.bytes, length, at);
    written += length;
    if (!syncing && written - syncedUpTo >= SYNC_EVERY_BYTES) {
      syncedUpTo = written;
      syncing = fh
        .datasync()
        .catch(fail)
        .finally(() => {
          syncing = undefined;
        });
    }
  };

  /** Hands the filled part of the batch to the disk and the hash; pauses `body` while BATCHES_IN_FLIGHT are out. */
  const flush = (last: boolean): void => {
    if (!batch || used === 0) {
      return;
    }
    const filled = batch;
    const length = used;
    const at = position;
    position += length;
    batch = undefined;
    used = 0;
    let hashed: Promise<void> = Promise.resolve();
    if (options.runningHash) {
      hashed = options.runningHash.update(filled.bytes, length);
    } else if (hashing && last && !offThread) {
      inline = createHash('sha256').update(filled.bytes.subarray(0, length)).digest('hex');
    } else if (hashing) {
      offThread ??= new OffThreadSha256();
      hashed = offThread.update(filled.bytes, length);
    }
    writing = writing.then(() => writeAt(filled, length, at));
    // Given back only once neither the write nor the hash can still touch it, failed or not: a lost aligned batch
    // would be missing from the pool for good.
    const done = Promise.allSettled([writing, hashed])
      .then((results) => {
        giveBatch(filled);
        for (const r of results) {
          if (r.status === 'rejected') {
            fail(r.reason);
          }
        }
      })
      .finally(() => {
        inFlight.delete(done);
        if (inFlight.size < BATCHES_IN_FLIGHT && body.isPaused()) {
          body.resume();
        }
      });
    inFlight.add(done);
    if (inFlight.size >= BATCHES_IN_FLIGHT) {
      body.pause();
    }
  };

  // Consumed with 'data' events rather than `for await`, which costs a promise per 64 KiB chunk: for a 1 GiB upload
  // that garbage grew the heap by tens of MB before the collector caught up (bench/ingest peak RSS).
  let overLimit = false;
  const consume = new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer): void => {
      try {
        tally.add(chunk);
      } catch (err) {
        // Over the size limit: refuse now, and stop the body as a failed pipeline would.
        overLimit = true;
        settle(err as Error);
        body.destroy(err as Error);
        return;
      }
      let offset = 0;
      while (offset < chunk.length) {
        batch ??= takeBatch();
        const n = chunk.copy(batch.bytes, used, offset);
        used += n;
        offset += n;
        if (used === batch.bytes.length) {
          flush(false);
        }
      }
    };
    const settle = (err?: Error): void => {
      body.off('data', onData);
      body.off('end', onEnd);
      body.off('error', onError);
      body.off('close', onClose);
      // Errors after this point (the destroy above, a late socket reset) have already been answered for.
      body.on('error', ignore);
      if (err) {
        reject(failure ?? err);
      } else {
        resolve();
      }
    };
    const onEnd = (): void => settle();
    const onError = (err: Error): void => settle(err);
    // A body closed without 'end' (a client that went away) is a failure even when no error was emitted.
    const onClose = (): void => settle(new Error('The request body ended before it was complete.'));
    body.on('data', onData);
    body.once('end', onEnd);
    body.once('error', onError);
    body.once('close', onClose);
    // A body that failed or closed while the file was being opened (a multipart part cut short) emits nothing more.
    if (body.destroyed && !body.readableEnded) {
      settle(body.errored ?? new Error('The request body ended before it was complete.'));
    }
  });

  let cut = false;
  try {
    try {
      await consume;
    } catch (err) {
      // Only a body that ended early (client gone, or stalled past the server's idle timeout) is kept, when no write
      // failed and no limit was passed, and only when the caller wants it.
      if (!options.keepCutBody || hashing || failure !== undefined || overLimit) {
        throw err;
      }
      cut = true;
    }
    flush(true);
    await Promise.all(inFlight);
    await syncing;
    if (failure) {
      throw failure;
    }
    await fh.sync();
    if (!hashing) {
      return cut ? { size: tally.bytes, cut } : { size: tally.bytes };
    }
    const sha256 = inline ?? (offThread ? await offThread.digest() : createHash('sha256').digest('hex'));
    return { sha256, size: tally.bytes };
  } catch (err) {
    offThread?.drop();
    throw err;
  } finally {
    // Never close the file under a write or sync still running.
    await Promise.allSettled([...inFlight, writing, syncing]);
    if (batch) {
      giveBatch(batch);
    }
    try {
      await direct?.close();
    } finally {
      await fh.close();
    }
  }
}
