import { createReadStream, opendirSync, readdirSync } from 'node:fs';
import { constants } from 'node:fs';
import { access, mkdir, open, readdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { errors, isDomainError } from '../domain/errors.js';
import { newId } from '../lib/ids.js';
import { OWNER_TAG } from '../lib/process-owner.js';
import { RunningTempHash } from './temp-hash.js';
import { writeBodyFile } from './file-writer.js';
import { deadHolds, deadWriterEntries, holdName, isHoldName, liveHoldOf, reapedKey, reapName } from './holds.js';
import { fsyncDirectory, renameDurably, storeSmallFile } from './durable-fs.js';
import { hashFile } from './hash-thread.js';
import { assertExpected, assertSizeAllowed, Sha256Tally } from './hashing.js';
import {
  assertUploadId,
  isBlobKey,
  type BlobKey,
  type BlobStat,
  type BlobStore,
  type DeadHold,
  type ByteRange,
  type PutOptions,
  type PutResult,
  type TempHash,
  type TempPutOptions,
  type TempWriteOptions,
} from './blob-store.js';

const isErrno = (err: unknown, code: string): boolean => err instanceof Error && 'code' in err && err.code === code;

const isPrefix = (name: string): boolean => /^[0-9a-f]{2}$/.test(name);

/**
 * Levels of prefix directories above a blob: 1 (`<ab>/<sha256>`) in stores made since one-level prefixes came in,
 * 2 (`<ab>/<cd>/<sha256>`) in older ones, which keep it. Two levels made nearly every put of a young store (its
 * first 65,536 or so) create a directory and fsync its parent as well as the blob's own: an 8 KB put took 0.61-0.73
 * ms of CPU, against 0.44-0.46 ms with one level (bench/job-overhead). 256 directories of up to a few hundred
 * thousand files each are well within what ext4's and XFS's hashed directories handle (git and Docker's registry lay
 * out objects the same way).
 */
type Levels = 1 | 2;

/**
 * The levels of the store at `root`: 2 when its prefix directories hold directories (a store never mixes the
 * two), else 1, which an empty or new store gets. Read from the first entry of the first non-empty prefix
 * directory, once, when the store is opened: every process opening the same store finds the same answer.
 */
function storeLevels(root: string): Levels {
  let names: string[];
  try {
    names = readdirSync(root);
  } catch {
    return 1;
  }
  for (const name of names.filter(isPrefix)) {
    const dir = opendirSync(join(root, name));
    try {
      const first = dir.readSync();
      if (first) {
        return first.isDirectory() ? 2 : 1;
      }
    } finally {
      dir.closeSync();
    }
  }
  return 1;
}

/**
 * Content-addressed blobs on disk: `<root>/<ab>/<sha256>` (older stores: `<root>/<ab>/<cd>/<sha256>`, see Levels).
 * A put streams into `<root>/tmp/`, fsyncs, renames into place and fsyncs the directory, so a crash leaves either the
 * whole blob or a temp file (sweepTemp). Upload temp bytes live at `<root>/tmp/<uploadId>`.
 */
export class DiskBlobStore implements BlobStore {
  readonly kind = 'disk' as const;
  readonly writesTempInPlace = true;
  private readonly levels: Levels;

  constructor(private readonly root: string) {
    this.levels = storeLevels(root);
  }

  private pathOf(key: BlobKey): string {
    if (!isBlobKey(key)) {
      throw errors.notFound('blob', key);
    }
    return this.levels === 1 ? join(this.root, key.slice(0, 2), key) : join(this.root, key.slice(0, 2), key.slice(2, 4), key);
  }

  private get tmpDir(): string {
    return join(this.root, 'tmp');
  }

  async verify(): Promise<void> {
    await mkdir(this.tmpDir, { recursive: true });
    await access(this.tmpDir, constants.W_OK);
    await this.makePrefixDirectories();
  }

  /**
   * Makes the 256 prefix directories up front (once per store; later starts find them): in a young store nearly
   * every put otherwise made one, and a new directory costs an fsync of its parent too, about 0.7 ms of CPU per put
   * (bench/thumbnails). In a two-level store the second-level ones (65,536, a block each) are made when first needed.
   */
  private async makePrefixDirectories(): Promise<void> {
    const present = new Set(await readdir(this.root));
    const missing = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0')).filter((p) => !present.has(p));
    if (missing.length === 0) {
      return;
    }
    await Promise.all(missing.map((p) => mkdir(join(this.root, p), { recursive: true })));
    await fsyncDirectory(this.root);
  }

  /**
   * Runs `create` (which makes a file in the temp dir), and once more after making the temp dir when it says ENOENT.
   * The temp dir exists from verify(); it is made again only if something removed it since. Not checked up front:
   * every put would pay a thread-pool round trip for it (bench/thumbnails). Only while `body` has not been read: a
   * stream that has started cannot be read again.
   */
  private async inTempDir<T>(body: Readable, create: () => Promise<T>): Promise<T> {
    return create().catch(async (err: unknown) => {
      if (!isErrno(err, 'ENOENT') || body.readableDidRead) {
        throw err;
      }
      await mkdir(this.tmpDir, { recursive: true });
      return create();
    });
  }

  /** Streams `body` into a new file at `path` and fsyncs it; returns the hash and size. */
  private async writeFile(path: string, body: Readable, options: PutOptions): Promise<PutResult> {
    const { sha256, size } = await this.inTempDir(body, () => writeBodyFile(path, body, { maxBytes: options.maxBytes, onChunk: options.onChunk }));
    return { key: sha256, size, sha256 };
  }

  /** Renames a complete, fsynced temp file to its content address (same content already there: harmless, one copy kept). */
  private moveIntoPlace(tmp: string, key: BlobKey): Promise<void> {
    return renameDurably(tmp, this.pathOf(key));
  }

  async put(body: Readable | Buffer, options: PutOptions = {}): Promise<PutResult> {
    const tmp = join(this.tmpDir, `${newId()}.${OWNER_TAG}`);
    if (Buffer.isBuffer(body)) {
      return this.putBytes(tmp, body, options);
    }
    try {
      const result = await this.writeFile(tmp, body, options);
      assertExpected(result, options);
      const hold = await this.makeHold(result.key, options);
      await this.moveIntoPlace(tmp, result.key);
      return { ...result, ...(hold === undefined ? {} : { hold }) };
    } catch (err) {
      await rm(tmp, { force: true });
      throw err;
    }
  }

  /**
   * Bytes already in memory (a rendered derivative): hashed and checked here, then written, fsynced and renamed
   * into place in one step on a blob thread (durable-fs.ts), which removes its temp file on failure.
   */
  private async putBytes(tmp: string, data: Buffer, options: PutOptions): Promise<PutResult> {
    const tally = new Sha256Tally(options.maxBytes, options.onChunk);
    tally.add(data);
    const sha256 = tally.digest();
    const result = { key: sha256, size: data.length, sha256 };
    assertExpected(result, options);
    const hold = await this.makeHold(result.key, options);
    await storeSmallFile(tmp, data, this.pathOf(result.key));
    return { ...result, ...(hold === undefined ? {} : { hold }) };
  }

  async putTemp(uploadId: string, body: Readable, options: TempPutOptions = {}): Promise<{ size: number }> {
    assertUploadId(uploadId);
    // Written under a private name and renamed, so adopt never sees half-written bytes.
    const part = join(this.tmpDir, `${uploadId}.part-${newId()}.${OWNER_TAG}`);
    try {
      // Not hashed: adopt and the join of tus parts hash the bytes they store.
      const { size } = await this.inTempDir(body, () => writeBodyFile(part, body, { maxBytes: options.maxBytes, onChunk: options.onChunk, hash: false }));
      await renameDurably(part, join(this.tmpDir, uploadId));
      return { size };
    } catch (err) {
      await rm(part, { force: true });
      throw err;
    }
  }

  async writeTempAt(uploadId: string, offset: number, body: Readable, options: TempWriteOptions = {}): Promise<{ size: number; cut?: true }> {
    assertUploadId(uploadId);
    const path = join(this.tmpDir, uploadId);
    // Hashed only into the caller's running hash, if any: adopt hashes the whole file otherwise.
    const running = options.hash instanceof RunningTempHash ? options.hash : undefined;
    const runningHash = running?.continueAt(offset);
    let written: { size: number; cut?: true };
    try {
      written = await this.inTempDir(body, () =>
        writeBodyFile(path, body, { maxBytes: options.maxBytes, onChunk: options.onChunk, beforeWrite: options.beforeWrite, hash: false, runningHash, keepCutBody: true, start: { at: offset } }),
      );
    } catch (err) {
      running?.drop();
      throw err;
    }
    const { size, cut } = written;
    if (cut) {
      // The hash saw a body that broke off; not worth reasoning about which bytes it took: adopt reads the file.
      running?.drop();
    }
    running?.advance(size);
    if (offset === 0) {
      // The file's name must survive a power cut as well as its bytes (fsynced by writeBodyFile).
      await fsyncDirectory(this.tmpDir);
    }
    return cut ? { size, cut } : { size };
  }

  newTempHash(): TempHash {
    return new RunningTempHash();
  }

  async adopt(uploadId: string, options: PutOptions = {}): Promise<PutResult> {
    try {
      return await this.adoptTemp(uploadId, options);
    } finally {
      options.tempHash?.drop();
    }
  }

  private async adoptTemp(uploadId: string, options: PutOptions): Promise<PutResult> {
    assertUploadId(uploadId);
    const source = join(this.tmpDir, uploadId);
    // Claim the bytes first: a putTemp racing with us then cannot swap them between hashing and the rename.
    const claimed = join(this.tmpDir, `${uploadId}.adopt-${newId()}.${OWNER_TAG}`);
    try {
      await rename(source, claimed);
    } catch (err) {
      if (!isErrno(err, 'ENOENT')) {
        throw err;
      }
      // A process that died mid-adopt left its claim behind. The caller holds the upload's commit claim (only one
      // commit of an upload runs at a time), so that claim is no one's now: take it over.
      const left = (await readdir(this.tmpDir)).find((name) => name.startsWith(`${uploadId}.adopt-`));
      if (left === undefined) {
        throw errors.notFound('upload', uploadId);
      }
      await rename(join(this.tmpDir, left), claimed);
    }
    try {
      const bytes = (await stat(claimed)).size;
      assertSizeAllowed(bytes, options);
      // A running hash that saw every byte of the file (tus in place) saves reading it all back.
      const known = options.tempHash instanceof RunningTempHash ? await options.tempHash.digestOf(bytes) : undefined;
      const { size, sha256 } = known === undefined ? await hashFile(claimed, options.maxBytes) : { size: bytes, sha256: known };
      const result = { key: sha256, size, sha256 };
      assertExpected(result, options);
      const hold = await this.makeHold(result.key, options);
      await this.moveIntoPlace(claimed, result.key);
      return { ...result, ...(hold === undefined ? {} : { hold }) };
    } catch (err) {
      if (isDomainError(err)) {
        await rm(claimed, { force: true });
      } else {
        await rename(claimed, source).catch(() => undefined);
      }
      throw err;
    }
  }

  async getTemp(uploadId: string): Promise<Readable> {
    assertUploadId(uploadId);
    const path = join(this.tmpDir, uploadId);
    // Opened before returning, so a missing file is `upload_not_found` here and not a stream error later.
    const fh = await open(path, 'r').catch((err: unknown) => {
      throw isErrno(err, 'ENOENT') ? errors.notFound('upload', uploadId) : err;
    });
    return fh.createReadStream({ highWaterMark: 1024 * 1024 });
  }

  async deleteTemp(uploadId: string): Promise<void> {
    assertUploadId(uploadId);
    await rm(join(this.tmpDir, uploadId), { force: true });
  }

  async sweepTemp(olderThan: Date): Promise<number> {
    let names: string[];
    try {
      names = await readdir(this.tmpDir);
    } catch {
      return 0;
    }
    let removed = 0;
    for (const name of names) {
      const path = join(this.tmpDir, name);
      const s = await stat(path).catch(() => undefined);
      if (s && s.mtime < olderThan) {
        await rm(path, { force: true });
        removed += 1;
      }
    }
    return removed;
  }

  /**
   * What writers killed mid-write left in the temp dir (named with their OWNER_TAG, see lib/process-owner.ts): a put's
   * or a chunk's partial file is removed; an adopt's claim (a presigned upload's whole bytes, taken mid-commit) goes
   * back to `<uploadId>`, where the retried commit finds it, unless new bytes were PUT since; a blob a reaper had
   * moved aside (reapDeadHold) goes back to its address, for its hold to be judged again. Holds are left to
   * reapDeadHold; files of live writers and of other hosts are left alone. Returns how many files were reclaimed.
   */
  async reclaimCrashLeftovers(): Promise<number> {
    let names: string[];
    try {
      names = await readdir(this.tmpDir);
    } catch {
      return 0;
    }
    let reclaimed = 0;
    for (const name of deadWriterEntries(names)) {
      const path = join(this.tmpDir, name);
      const adopting = /^([0-9a-f-]{36})\.adopt-/.exec(name);
      const reaping = reapedKey(name);
      if (reaping !== undefined) {
        await renameDurably(path, this.pathOf(reaping));
      } else if (adopting?.[1] !== undefined && !(await this.hasTemp(adopting[1]))) {
        await rename(path, join(this.tmpDir, adopting[1])).catch(() => undefined);
      } else {
        await rm(path, { force: true });
      }
      reclaimed += 1;
    }
    return reclaimed;
  }

  /*
   * Holds are empty files `tmp/<key>.hold-<uploadId|none>-<uuid>.<OWNER_TAG>`, made before the blob is renamed
   * into place: whenever a held blob exists, so does its hold or a row that references it (the hold is released
   * after the commit).
   */
  private async makeHold(key: BlobKey, options: PutOptions): Promise<string | undefined> {
    if (!options.hold) {
      return undefined;
    }
    const name = holdName(key, options.hold.uploadId);
    await (await open(join(this.tmpDir, name), 'wx')).close();
    return name;
  }

  async releaseHold(hold: string): Promise<void> {
    if (!isHoldName(hold)) {
      return;
    }
    await rm(join(this.tmpDir, hold), { force: true });
  }

  private async tempNames(): Promise<string[]> {
    return readdir(this.tmpDir).catch(() => [] as string[]);
  }

  async listDeadHolds(): Promise<DeadHold[]> {
    return deadHolds(await this.tempNames());
  }

  async reapDeadHold(hold: DeadHold, stillWanted: () => Promise<boolean>): Promise<boolean> {
    const path = this.pathOf(hold.key);
    // Committed (the process died before ending its hold): not even moved aside, which readers would notice.
    if (await stillWanted()) {
      await rm(join(this.tmpDir, hold.id), { force: true });
      return false;
    }
    // Moved aside first: a writer of the same content that renames after this makes a fresh copy, and one that
    // renamed before has its hold (made before its rename) or its row (written before its hold ends) found below.
    const aside = join(this.tmpDir, reapName(hold.key));
    let moved = true;
    await rename(path, aside).catch((err: unknown) => {
      if (!isErrno(err, 'ENOENT')) {
        throw err;
      }
      moved = false;
    });
    let deleted = false;
    if (moved) {
      if (liveHoldOf(await this.tempNames(), hold.key, hold.id) || (await stillWanted())) {
        // Same content, so putting it back over a copy written meanwhile is harmless.
        await renameDurably(aside, path);
      } else {
        await rm(aside, { force: true });
        deleted = true;
      }
    }
    await rm(join(this.tmpDir, hold.id), { force: true });
    return deleted;
  }

  private async hasTemp(uploadId: string): Promise<boolean> {
    return (await stat(join(this.tmpDir, uploadId)).catch(() => undefined)) !== undefined;
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
    for (const a of level1.filter(isPrefix).sort()) {
      const dirs = this.levels === 1 ? [join(this.root, a)] : (await readdir(join(this.root, a))).sort().map((b) => join(this.root, a, b));
      for (const dir of dirs) {
        for (const name of (await readdir(dir)).sort()) {
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

  localPath(key: BlobKey): string {
    return this.pathOf(key);
  }

  async presignGet(): Promise<string | undefined> {
    return undefined;
  }

  async presignPut(): Promise<string | undefined> {
    return undefined;
  }
}
