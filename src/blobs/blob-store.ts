import type { Readable } from 'node:stream';
import { errors } from '../domain/errors.js';
import { isUuid } from '../lib/ids.js';

/** A blob's key is the lowercase hex SHA-256 of its content: identical content is stored once. */
export type BlobKey = string;

export interface BlobStat {
  key: BlobKey;
  size: number;
  /** Last modification time; the orphan sweep keeps blobs younger than its grace period. */
  modifiedAt: Date;
}

export interface PutResult {
  key: BlobKey;
  size: number;
  sha256: string;
  /** The hold made for `PutOptions.hold` (src/blobs/holds.ts). */
  hold?: string | undefined;
}

/** A hold left by a process that died before releasing it (see PutOptions.hold). */
export interface DeadHold {
  id: string;
  key: BlobKey;
  uploadId: string | undefined;
}

export interface PutOptions {
  /** Refuse (and keep nothing) when the content's SHA-256 differs. */
  expectedSha256?: string | undefined;
  /** Refuse (and keep nothing) when the content's size differs. */
  expectedSize?: number | undefined;
  /**
   * adopt only: the running hash of the temp bytes (TempHash), consumed here. When it has seen exactly the file's
   * bytes, its digest is used instead of reading the file back to hash it; otherwise the file is hashed as usual.
   */
  tempHash?: TempHash | undefined;
  /** Abort with `too_large` as soon as more bytes than this arrive. */
  maxBytes?: number | undefined;
  /** Sees every chunk as it is stored (the uploads keep the first bytes for sniffing); must not keep them all. */
  onChunk?: ((chunk: Buffer) => void) | undefined;
  /**
   * Marks the blob as held by this process until releaseHold (an upload's bytes before its commit), so that, should
   * the process die first, the blob can be removed at once (reapDeadHold) instead of by the sweep a day later. The
   * mark is made before the blob appears at its address. `uploadId`: the upload session whose commit may still
   * adopt it.
   */
  hold?: { uploadId?: string | undefined } | undefined;
}

/** Inclusive byte range, as HTTP's `Range: bytes=start-end` (RFC 9110 §14.1.2). */
export interface ByteRange {
  start: number;
  end: number;
}

/** What adopt/putTemp need to know about an upload's temp bytes. */
export interface TempPutOptions {
  /** Abort with `too_large` as soon as more bytes than this arrive. */
  maxBytes?: number | undefined;
  /** Sees every chunk as it is received. */
  onChunk?: ((chunk: Buffer) => void) | undefined;
}

/**
 * The SHA-256 of an upload's temp bytes, carried from one writeTempAt to the next, so that adopt need not read the
 * whole file back to hash it. The caller keeps one only while it knows that the file's first `size` bytes are
 * exactly what the hash saw (each write confirmed, in order, in this process), and drops it otherwise.
 */
export interface TempHash {
  /** How many bytes it has seen. */
  readonly size: number;
  /** Forgets it (a failed write, an upload gone); idempotent. */
  drop(): void;
}

/** What writeTempAt needs beyond putTemp's options. */
export interface TempWriteOptions extends TempPutOptions {
  /** Awaited before each write reaches the store; throwing stops the write (the caller's write claim lapsed). */
  beforeWrite?: (() => Promise<void>) | undefined;
  /**
   * Continued with the written bytes when it has seen exactly `offset` bytes (ignored otherwise). A failed write
   * spoils it: adopt then hashes the file as usual.
   */
  hash?: TempHash | undefined;
}

/**
 * Where file bytes live. Implementations stream (never hold a whole file in memory) and are durable once `put`
 * resolves. Metadata lives in the database, never in the store. Both implementations pass blob-store.contract.ts.
 *
 * Two ways in: `put(stream)` for bytes that pass through Atelier, and the two-step upload for bytes that do not:
 * the client PUTs to `presignPut(uploadId)` (S3) or to Atelier's own signed URL, whose handler calls
 * `putTemp(uploadId, stream)` (disk, or S3 when presigning is not wanted); then `adopt(uploadId)` at commit hashes
 * the temp bytes and moves them to their content address with the same checks as `put`.
 * An `uploadId` is a UUID chosen by the caller (the upload row's id).
 */
export interface BlobStore {
  readonly kind: 'disk' | 's3';
  /** Fails clearly at startup when the store cannot be used (S3: the bucket does not exist). */
  verify(): Promise<void>;
  /**
   * Streams, hashes and stores `body` (a Buffer: bytes already in memory, such as a rendered derivative, stored
   * without a stream); on any failure (checks, limit, stream error) nothing is left behind.
   */
  put(body: Readable | Buffer, options?: PutOptions): Promise<PutResult>;
  /** Throws `not_found` when absent. The caller clamps `range` to the blob's size (RFC 9110 §14.1.2). */
  get(key: BlobKey, range?: ByteRange): Promise<Readable>;
  stat(key: BlobKey): Promise<BlobStat | undefined>;
  exists(key: BlobKey): Promise<boolean>;
  /** Idempotent: deleting an absent key is not an error. */
  delete(key: BlobKey): Promise<void>;
  /** Every stored blob, in key order; temp bytes are not listed. */
  list(): AsyncIterable<BlobStat>;
  /** A URL a client can GET the blob from directly (S3 only; the disk store answers undefined). */
  presignGet(key: BlobKey, options: { expiresInSeconds: number; fileName?: string; contentType?: string }): Promise<string | undefined>;
  /**
   * Where a stored blob can be read in place on this machine (disk store), so media tools open it without a copy;
   * undefined for remote stores. Read-only: nothing may ever write through this path.
   */
  localPath(key: BlobKey): string | undefined;
  /**
   * A URL a client can PUT the bytes of `uploadId` to directly (S3 only; the disk store answers undefined and the
   * HTTP layer serves an HMAC-signed URL to Atelier itself, which calls putTemp). With `contentLength`, S3 refuses
   * a body of any other length.
   */
  presignPut(uploadId: string, options: { expiresInSeconds: number; contentLength?: number }): Promise<string | undefined>;
  /**
   * Whether writeTempAt works: a tus upload then keeps its bytes in one temp file written at each PATCH's offset and
   * adopted at the end (disk); otherwise each PATCH is its own temp object, joined at the end (S3, whose objects
   * cannot be written at an offset).
   */
  readonly writesTempInPlace: boolean;
  /**
   * Writes `body` into the temp bytes of `uploadId` from `offset`: cuts them to `offset` first (bytes past it, from a
   * write cut off earlier, are overwritten), writes, makes the result durable, and answers how many bytes were
   * written. At 0 the temp bytes are made; past 0, fewer than `offset` held is `upload_not_found`. A body that ends
   * early (its client went away) is not a failure: what arrived is written and made durable, and `cut` says so. On
   * failure the bytes up to `offset` are intact and any past it do not count. The caller makes sure one write per
   * upload runs at a time (tus: the write claim on its session row). Only where writesTempInPlace.
   */
  writeTempAt(uploadId: string, offset: number, body: Readable, options?: TempWriteOptions): Promise<{ size: number; cut?: true }>;
  /** A new running hash for writeTempAt and adopt (TempHash). Only where writesTempInPlace. */
  newTempHash(): TempHash;
  /** Streams `body` into the temp bytes of `uploadId`, replacing earlier ones; a failed put leaves none. */
  putTemp(uploadId: string, body: Readable, options?: TempPutOptions): Promise<{ size: number }>;
  /**
   * Hashes the temp bytes of `uploadId` and moves them to their content address, with put's checks. Throws
   * `upload_not_found` when no bytes arrived. A failed check deletes the temp bytes; an I/O failure keeps them, so
   * the commit can be retried (stale temp bytes are removed by sweepTemp), also after a crash during adopt: the caller
   * must hold the upload's commit claim, so that no two adopts of one upload run at once.
   */
  adopt(uploadId: string, options?: PutOptions): Promise<PutResult>;
  /** Streams the temp bytes of `uploadId` back (tus concatenates its parts); throws `upload_not_found` when absent. */
  getTemp(uploadId: string): Promise<Readable>;
  /** Removes the temp bytes of `uploadId` (idempotent). */
  deleteTemp(uploadId: string): Promise<void>;
  /** Removes temp bytes older than `olderThan` (abandoned uploads, crashed puts); returns how many. */
  sweepTemp(olderThan: Date): Promise<number>;
  /**
   * Reclaims at once the temp files of writers that provably died (killed mid-put, mid-chunk, mid-adopt), rather
   * than after sweepTemp's grace period; never a live writer's. Returns how many (docs/crash-recovery.md).
   */
  reclaimCrashLeftovers(): Promise<number>;
  /** Ends a hold (PutOptions.hold) once the blob is referenced by a committed row (idempotent). */
  releaseHold(hold: string): Promise<void>;
  /** Holds whose process provably died. */
  listDeadHolds(): Promise<DeadHold[]>;
  /**
   * Deletes a dead hold's blob unless a live process holds the same content or `stillWanted` (asked after the blob
   * was moved aside, so no writer can slip in between) says a row references it; then ends the hold. True: deleted.
   */
  reapDeadHold(hold: DeadHold, stillWanted: () => Promise<boolean>): Promise<boolean>;
}

export const isBlobKey = (key: string): boolean => /^[0-9a-f]{64}$/.test(key);

/** An upload's temp bytes are named by a UUID, so a client-supplied id can never reach outside the temp area. */
export function assertUploadId(uploadId: string): void {
  if (!isUuid(uploadId)) {
    throw errors.notFound('upload', uploadId);
  }
}
