import { blobThreads } from './blob-threads.js';

/*
 * The disk store's durable steps: a small file written whole, a rename made durable, a directory fsynced. They run
 * as synchronous calls on threads of their own, one message per step however many system calls it takes. As
 * promise-based fs calls, storing a rendered thumbnail took eight trips through libuv's pool (open, write, fsync,
 * close, rename, open, fsync, close), each waking a pool thread and then the event loop, on the same few pool
 * threads sharp renders on (bench/thumbnails). On the event loop itself they would stall it: creating or renaming a
 * file waits while another put's fsync commits. The threads are blob-threads.ts's, where the steps are written.
 */

/**
 * Stores `data` at `to` durably: written to `tmp` (a new name in a temp directory on the same file system, made
 * again if it was removed) and fsynced, then renamed as renameDurably does. On failure `tmp` is removed.
 */
export async function storeSmallFile(tmp: string, data: Uint8Array, to: string): Promise<void> {
  // Copied once into a buffer of its own, which is then moved to the thread, not copied again: a Buffer can be a
  // view into a larger pool, all of which a structured clone would copy.
  const own = new Uint8Array(data);
  await blobThreads.pick().call({ op: 'store', tmp, data: own.buffer, to }, [own.buffer]);
}

/** Makes a rename or a new entry in `dir` durable. */
export async function fsyncDirectory(dir: string): Promise<void> {
  await blobThreads.pick().call({ op: 'fsyncDir', path: dir });
}

/**
 * Renames `from` to `to`, making `to`'s directory (and missing parents) first when it is missing, and fsyncs every
 * directory that gained an entry, so after a crash `to` is there or `from` still is.
 */
export async function renameDurably(from: string, to: string): Promise<void> {
  await blobThreads.pick().call({ op: 'rename', from, to });
}
