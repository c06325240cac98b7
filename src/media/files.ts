import { constants, createReadStream, createWriteStream } from 'node:fs';
import { access, rm, stat, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { BlobStore, PutResult } from '../blobs/blob-store.js';
import { makeMediaTempDir } from './temp-dirs.js';

/** The input file's name inside a job's temp dir (tools run with that dir as cwd and see only relative names). */
export const INPUT_FILE = 'input';

/**
 * Runs `fn` with a fresh private (0700) temp dir that is removed afterwards, whatever happens. Tools need seekable
 * files, and a private dir keeps other local users from swapping them.
 */
export async function withTempDir<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = await makeMediaTempDir();
  try {
    return await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * Makes `<dir>/input` hold the blob's bytes: a symlink to the blob in place when the store is local (no copy), else a
 * streamed copy (never buffered in memory) that aborts with the job. Returns the file's path.
 */
export async function blobToTempFile(blobs: BlobStore, key: string, dir: string, signal?: AbortSignal): Promise<string> {
  const path = join(dir, INPUT_FILE);
  const local = blobs.localPath(key);
  if (local !== undefined) {
    await stat(local);
    await symlink(local, path);
    return path;
  }
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

/** Tells a blob-read failure (retry later) from a failure of the file's content (do not retry). */
export class BlobReadError extends Error {
  override name = 'BlobReadError';
}

const readFailure = (err: unknown): BlobReadError => new BlobReadError(`Could not read the file from the blob store: ${String(err)}`, { cause: err });

/**
 * A version's bytes as a job's tools want them, fetched lazily: `file()` gives a path in a private temp dir, a
 * symlink to the blob in place on the disk store (tools read it directly, as a raw sharp loop would) or a streamed
 * copy from a remote store (tools need seekable files). `dispose()` removes the temp dir. Read failures are
 * BlobReadErrors.
 */
export class BlobInput {
  private dir: string | undefined;
  private path: Promise<string> | undefined;

  constructor(
    private readonly blobs: BlobStore,
    readonly key: string,
    readonly size: number,
    private readonly signal?: AbortSignal,
  ) {}

  file(): Promise<string> {
    this.path ??= (async () => {
      this.dir = await makeMediaTempDir();
      try {
        return await blobToTempFile(this.blobs, this.key, this.dir, this.signal);
      } catch (err) {
        throw this.signal?.aborted ? err : readFailure(err);
      }
    })();
    return this.path;
  }

  /**
   * A path an in-process reader (sharp) can open: the blob in place on a local store, with no temp dir at all; else
   * `file()`. Never for external tools, which run in and write into the private dir `file()` makes. A local blob
   * that is missing shows up as the reader's failure; `assertReadable` then tells it from bad content.
   */
  async readablePath(): Promise<string> {
    return this.blobs.localPath(this.key) ?? this.file();
  }

  /** Throws a BlobReadError when the blob cannot be read in place (called after a reader failed). */
  async assertReadable(): Promise<void> {
    const local = this.blobs.localPath(this.key);
    if (local !== undefined) {
      await access(local, constants.R_OK).catch((err: unknown) => {
        throw readFailure(err);
      });
    }
  }

  async dispose(): Promise<void> {
    if (this.dir) {
      await rm(this.dir, { recursive: true, force: true });
    }
  }
}
