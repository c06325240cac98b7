import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { OffThreadSha256, sharedBuffer } from './hash-thread.js';
import { ByteTally } from './hashing.js';

/*
 * Streams a body into a new file, hashing it on the way, in large batches: socket chunks (64 KiB, each a fresh
 * allocation) are copied into a few reused 2 MiB shared buffers. Each full batch is written at its offset and, for
 * bodies of more than one batch, hashed on the hashing thread (hash-thread.ts) while the next one fills; at most two
 * batches are in flight. Handing the socket's chunks to the disk one by one (a WriteStream) made the kernel fault in
 * fresh pages for every chunk: about twice the system time of this for a 1 GiB upload (bench/ingest). Writes go one
 * at a time: two buffered writes to one file serialise on its inode lock in the kernel, and the waiting thread spun.
 * Every 64 MiB written, an fdatasync starts in the background, so the final fsync waits for little rather than for
 * the whole file (about 0.3 s per GiB on this project's test machine). Memory is bounded: at most three batch buffers
 * per write, and a few kept for the next one.
 */

const BATCH_BYTES = 2 * 1024 * 1024;
const BATCHES_IN_FLIGHT = 2;
const IDLE_BUFFERS_KEPT = 3;
const SYNC_EVERY_BYTES = 64 * 1024 * 1024;

const idle: Buffer[] = [];
const ignore = (): void => undefined;
const takeBuffer = (): Buffer => idle.pop() ?? sharedBuffer(BATCH_BYTES);
const giveBack = (buffer: Buffer): void => {
  if (idle.length < IDLE_BUFFERS_KEPT) {
    idle.push(buffer);
  }
};

export interface WrittenFile {
  sha256: string;
  size: number;
}

/**
 * Writes `body` to a new file at `path` (which must not exist), fsyncs it, and answers its SHA-256 and size. Fails
 * with `too_large` past `maxBytes`; `onChunk` sees each chunk as it is hashed. On any failure the partial file is left for the caller to remove.
 */
export async function writeHashedFile(path: string, body: Readable, maxBytes?: number, onChunk?: (chunk: Buffer) => void): Promise<WrittenFile> {
  const tally = new ByteTally(maxBytes, onChunk);
  const fh = await open(path, 'wx');
  // Bodies that fit one batch are hashed here when they end; larger ones batch by batch on the hashing thread.
  let offThread: OffThreadSha256 | undefined;
  let inline: string | undefined;
  const inFlight = new Set<Promise<void>>();
  let writing: Promise<void> = Promise.resolve();
  let syncing: Promise<void> | undefined;
  let failure: unknown;
  let position = 0;
  let written = 0;
  let syncedUpTo = 0;
  let batch: Buffer | undefined;
  let used = 0;

  const fail = (err: unknown): void => {
    failure ??= err;
    body.destroy(err as Error);
  };

  const writeAt = async (buffer: Buffer, length: number, at: number): Promise<void> => {
    if (failure) {
      return;
    }
    let done = 0;
    while (done < length) {
      const { bytesWritten } = await fh.write(buffer, done, length - done, at + done);
      done += bytesWritten;
    }
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
    const buffer = batch;
    const length = used;
    const at = position;
    position += length;
    batch = undefined;
    used = 0;
    let hashed: Promise<void> = Promise.resolve();
    if (last && !offThread) {
      inline = createHash('sha256').update(buffer.subarray(0, length)).digest('hex');
    } else {
      offThread ??= new OffThreadSha256();
      hashed = offThread.update(buffer, length);
    }
    writing = writing.then(() => writeAt(buffer, length, at));
    const done = Promise.all([writing, hashed])
      .then(() => giveBack(buffer), fail)
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
  const consume = new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer): void => {
      try {
        tally.add(chunk);
      } catch (err) {
        // Over the size limit: refuse now, and stop the body as a failed pipeline would.
        settle(err as Error);
        body.destroy(err as Error);
        return;
      }
      let offset = 0;
      while (offset < chunk.length) {
        batch ??= takeBuffer();
        const n = chunk.copy(batch, used, offset);
        used += n;
        offset += n;
        if (used === batch.length) {
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
  });

  try {
    await consume;
    flush(true);
    await Promise.all(inFlight);
    await syncing;
    if (failure) {
      throw failure;
    }
    await fh.sync();
    const sha256 = inline ?? (offThread ? await offThread.digest() : createHash('sha256').digest('hex'));
    return { sha256, size: tally.bytes };
  } catch (err) {
    offThread?.drop();
    throw err;
  } finally {
    // Never close the file under a write or sync still running.
    await Promise.allSettled([...inFlight, writing, syncing]);
    if (batch) {
      giveBack(batch);
    }
    await fh.close();
  }
}
