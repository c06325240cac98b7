import { sharedBuffer } from './hash-thread.js';

/*
 * The 2 MiB batch buffers large writes go through (file-writer.ts): shared with the hashing thread, and page-aligned,
 * so a full batch can be written with O_DIRECT. JavaScript has no aligned allocation, but a WebAssembly memory starts
 * on a page boundary; one shared memory (a single address-space reservation, committed only where touched) holds
 * every batch, growing a batch at a time up to MAX_BATCHES. A memory cannot shrink, so the batches it has touched
 * stay resident, and are reused rather than reallocated: that caps this pool at 32 MiB. Past that (many large
 * uploads at once), batches are plain shared buffers, not aligned, and their bytes go through the page cache.
 */

export const BATCH_BYTES = 2 * 1024 * 1024;
const MAX_BATCHES = 16;
const WASM_PAGE = 64 * 1024;

export interface Batch {
  readonly bytes: Buffer;
  /** Starts on a page boundary (and holds a multiple of pages): usable for O_DIRECT. */
  readonly aligned: boolean;
}

let memory: WebAssembly.Memory | undefined;
let made = 0;
const free: Batch[] = [];

function alignedBatch(): Batch | undefined {
  if (made >= MAX_BATCHES) {
    return undefined;
  }
  const pages = BATCH_BYTES / WASM_PAGE;
  try {
    if (memory) {
      memory.grow(pages);
    } else {
      memory = new WebAssembly.Memory({ initial: pages, maximum: pages * MAX_BATCHES, shared: true });
    }
  } catch {
    // An engine or a limit that refuses the memory: plain buffers still work, through the page cache.
    made = MAX_BATCHES;
    return undefined;
  }
  const offset = made * BATCH_BYTES;
  made++;
  return { bytes: Buffer.from(memory.buffer, offset, BATCH_BYTES), aligned: true };
}

/** A batch to fill: a free aligned one, a new aligned one while the pool may grow, else a plain shared buffer. */
export function takeBatch(): Batch {
  return free.pop() ?? alignedBatch() ?? { bytes: sharedBuffer(BATCH_BYTES), aligned: false };
}

/** Hands a batch back once nothing reads or writes it any more; plain ones are left to the collector. */
export function giveBatch(batch: Batch): void {
  if (batch.aligned) {
    free.push(batch);
  }
}
