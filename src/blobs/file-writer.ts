import { open } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { Sha256Tally } from './hashing.js';

/*
 * Streams a body into a new file, hashing it on the way, in large batches: socket chunks (64 KiB, each a fresh
 * allocation) are copied into a few reused 2 MiB buffers, and each full buffer is written at its offset while the
 * next one fills, two writes at most in flight. Handing the socket's chunks to the disk one by one (a WriteStream)
 * made the kernel fault in fresh pages for every chunk: about twice the system time of this for a 1 GiB upload
 * (bench/ingest). Memory is bounded: at most three batch buffers per write, and a few kept for the next one.
 */

const BATCH_BYTES = 2 * 1024 * 1024;
const WRITES_IN_FLIGHT = 2;
const IDLE_BUFFERS_KEPT = 3;

const idle: Buffer[] = [];
const ignore = (): void => undefined;
const takeBuffer = (): Buffer => idle.pop() ?? Buffer.allocUnsafeSlow(BATCH_BYTES);
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
  const tally = new Sha256Tally(maxBytes, onChunk);
  const fh = await open(path, 'wx');
  const writes = new Set<Promise<void>>();
  let failure: unknown;
  let position = 0;
  let batch: Buffer | undefined;
  let used = 0;

  const writeAt = async (buffer: Buffer, length: number, at: number): Promise<void> => {
    try {
      let done = 0;
      while (done < length) {
        const { bytesWritten } = await fh.write(buffer, done, length - done, at + done);
        done += bytesWritten;
      }
    } catch (err) {
      failure ??= err;
      body.destroy(err as Error);
    }
  };

  /** Starts writing the filled part of the batch at its offset; pauses `body` while WRITES_IN_FLIGHT are running. */
  const startWrite = (): void => {
    if (!batch || used === 0) {
      return;
    }
    const buffer = batch;
    const length = used;
    const at = position;
    position += length;
    batch = undefined;
    used = 0;
    const write = writeAt(buffer, length, at).finally(() => {
      giveBack(buffer);
      writes.delete(write);
      if (writes.size < WRITES_IN_FLIGHT && body.isPaused()) {
        body.resume();
      }
    });
    writes.add(write);
    if (writes.size >= WRITES_IN_FLIGHT) {
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
          startWrite();
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
    startWrite();
    await Promise.all(writes);
    if (failure) {
      throw failure;
    }
    await fh.sync();
    return { sha256: tally.digest(), size: tally.bytes };
  } finally {
    // Never close the file under a write still running.
    await Promise.allSettled(writes);
    if (batch) {
      giveBack(batch);
    }
    await fh.close();
  }
}
