import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { BlobStore, PutResult } from '../blobs/blob-store.js';

/** The input file's name inside a job's temp dir (tools run with that dir as cwd and see only relative names). */
export const INPUT_FILE = 'input';

/**
 * Runs `fn` with a fresh private (0700) temp dir that is removed afterwards, whatever happens. Tools need seekable
 * files, and a private dir keeps other local users from swapping them.
 */
export async function withTempDir<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'atelier-media-'));
  try {
    return await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Streams a blob into `<dir>/input` (never buffered in memory); aborts with the job. Returns the file's path. */
export async function blobToTempFile(blobs: BlobStore, key: string, dir: string, signal?: AbortSignal): Promise<string> {
  const path = join(dir, INPUT_FILE);
  const source = await blobs.get(key);
  await pipeline(source, createWriteStream(path, { mode: 0o600 }), signal ? { signal } : {});
  return path;
}

/** Streams a finished output file into the blob store; put is atomic, so a failure leaves nothing that is served. */
export async function putFile(blobs: BlobStore, path: string): Promise<PutResult> {
  return blobs.put(createReadStream(path));
}

/** Size of a file in bytes. */
export async function fileSize(path: string): Promise<number> {
  return (await stat(path)).size;
}

/** A readable over a file (for sharp streaming or exifr). */
export const readFileStream = (path: string): Readable => createReadStream(path);
