import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, open, readdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { errors } from '../domain/errors.js';
import { newId } from '../lib/ids.js';
import { assertExpected, HashingCounter } from './hashing.js';
import { isBlobKey, type BlobKey, type BlobStat, type BlobStore, type ByteRange, type PutOptions, type PutResult } from './blob-store.js';

async function fsyncPath(path: string): Promise<void> {
  const fh = await open(path, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/**
 * Content-addressed blobs on disk: `<root>/<ab>/<cd>/<sha256>`. A put streams into `<root>/tmp/`, fsyncs, renames
 * into place and fsyncs the directory, so a crash leaves either the whole blob or a temp file (swept later).
 */
export class DiskBlobStore implements BlobStore {
  readonly kind = 'disk' as const;

  constructor(private readonly root: string) {}

  private pathOf(key: BlobKey): string {
    if (!isBlobKey(key)) {
      throw errors.notFound('blob', key);
    }
    return join(this.root, key.slice(0, 2), key.slice(2, 4), key);
  }

  async put(body: Readable, options: PutOptions = {}): Promise<PutResult> {
    const tmpDir = join(this.root, 'tmp');
    await mkdir(tmpDir, { recursive: true });
    const tmp = join(tmpDir, newId());
    const counter = new HashingCounter(options.maxBytes);
    try {
      await pipeline(body, counter, createWriteStream(tmp, { flags: 'wx' }));
      const result = { key: counter.digest(), size: counter.size, sha256: '' };
      result.sha256 = result.key;
      assertExpected(result, options);
      await fsyncPath(tmp);
      const final = this.pathOf(result.key);
      const dir = join(this.root, result.key.slice(0, 2), result.key.slice(2, 4));
      await mkdir(dir, { recursive: true });
      // Same content already stored: rename over it is harmless (same bytes), and keeps one copy.
      await rename(tmp, final);
      await fsyncPath(dir);
      return result;
    } catch (err) {
      await rm(tmp, { force: true });
      throw err;
    }
  }

  async get(key: BlobKey, range?: ByteRange): Promise<Readable> {
    const path = this.pathOf(key);
    if (!(await this.exists(key))) {
      throw errors.notFound('blob', key);
    }
    return createReadStream(path, range ? { start: range.start, end: range.end } : {});
  }

  async stat(key: BlobKey): Promise<BlobStat | undefined> {
    try {
      const s = await stat(this.pathOf(key));
      return { key, size: s.size, modifiedAt: s.mtime };
    } catch {
      return undefined;
    }
  }

  async exists(key: BlobKey): Promise<boolean> {
    return (await this.stat(key)) !== undefined;
  }

  async delete(key: BlobKey): Promise<void> {
    await rm(this.pathOf(key), { force: true });
  }

  async *list(): AsyncIterable<BlobStat> {
    let level1: string[];
    try {
      level1 = await readdir(this.root);
    } catch {
      return;
    }
    for (const a of level1.filter((d) => /^[0-9a-f]{2}$/.test(d)).sort()) {
      for (const b of (await readdir(join(this.root, a))).sort()) {
        for (const name of (await readdir(join(this.root, a, b))).sort()) {
          if (isBlobKey(name)) {
            const s = await this.stat(name);
            if (s) {
              yield s;
            }
          }
        }
      }
    }
  }

  async presignGet(): Promise<string | undefined> {
    return undefined;
  }
}
