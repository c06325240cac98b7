import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';
import { ByteTally } from './hashing.js';
import { blobThreads } from './blob-threads.js';
import type { ServiceThread } from './service-threads.js';

/*
 * SHA-256 off the event loop, for large bodies. Hashing on the event loop was the biggest single cost of a
 * large upload: 0.6 s of a 1 GiB upload's 1.8 s of main-thread CPU (bench/ingest), and the loop could not read the
 * socket meanwhile. Batches live in SharedArrayBuffers, so handing one over copies nothing; the thread answers each
 * batch once hashed, so its buffer can be reused. SHA-256 is sequential, so each file's batches go to one thread
 * (blob-threads.ts), in order.
 */

let nextId = 0;

/** A buffer whose memory the hashing thread can read without a copy. */
export const sharedBuffer = (bytes: number): Buffer => Buffer.from(new SharedArrayBuffer(bytes));

/** One file's SHA-256, computed on the hashing thread from shared batches handed over in order. */
export class OffThreadSha256 {
  private readonly id = nextId++;
  // Every batch of one hash goes to the same thread, in order.
  private readonly thread: ServiceThread = blobThreads.pick();

  /** Resolves once `buffer[0, length)` (shared memory) is hashed, so the buffer may be reused. */
  async update(buffer: Buffer, length: number): Promise<void> {
    if (!(buffer.buffer instanceof SharedArrayBuffer)) {
      throw new TypeError('OffThreadSha256.update needs a buffer made by sharedBuffer().');
    }
    await this.thread.call({ op: 'update', id: this.id, buffer: buffer.buffer, offset: buffer.byteOffset, length });
  }

  /** The hex digest of everything updated so far; the hash is done with afterwards. */
  async digest(): Promise<string> {
    const { hex } = await this.thread.call({ op: 'digest', id: this.id });
    return typeof hex === 'string' ? hex : '';
  }

  /** Forgets the hash (a failed write), freeing it on the thread. */
  drop(): void {
    this.thread.tell({ op: 'drop', id: this.id });
  }
}

const FILE_BATCH_BYTES = 2 * 1024 * 1024;

/**
 * Size and SHA-256 of a stored file that nothing writes any more (an upload's temp bytes at commit). Files of more
 * than one batch are read in two alternating shared batches, one hashed on the hashing thread while the next is
 * read; smaller ones are hashed here. Fails with `too_large` past `maxBytes`.
 */
export async function hashFile(path: string, maxBytes?: number): Promise<{ size: number; sha256: string }> {
  const tally = new ByteTally(maxBytes);
  const fh = await open(path, 'r');
  try {
    if ((await fh.stat()).size <= FILE_BATCH_BYTES) {
      const data = await fh.readFile();
      tally.add(data);
      return { size: data.length, sha256: createHash('sha256').update(data).digest('hex') };
    }
    const hash = new OffThreadSha256();
    try {
      const buffers = [sharedBuffer(FILE_BATCH_BYTES), sharedBuffer(FILE_BATCH_BYTES)] as const;
      const hashed: [Promise<void>, Promise<void>] = [Promise.resolve(), Promise.resolve()];
      for (let i: 0 | 1 = 0; ; i = i === 0 ? 1 : 0) {
        await hashed[i];
        const { bytesRead } = await fh.read(buffers[i], 0, FILE_BATCH_BYTES, null);
        if (bytesRead === 0) {
          break;
        }
        tally.add(buffers[i].subarray(0, bytesRead));
        hashed[i] = hash.update(buffers[i], bytesRead);
      }
      await Promise.all(hashed);
      return { size: tally.bytes, sha256: await hash.digest() };
    } catch (err) {
      hash.drop();
      throw err;
    }
  } finally {
    await fh.close();
  }
}
