import type { Readable } from 'node:stream';

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
}

export interface PutOptions {
  /** Refuse (and keep nothing) when the content's SHA-256 differs. */
  expectedSha256?: string | undefined;
  /** Refuse (and keep nothing) when the content's size differs. */
  expectedSize?: number | undefined;
  /** Abort with `too_large` as soon as more bytes than this arrive. */
  maxBytes?: number | undefined;
}

/** Inclusive byte range, as HTTP's `Range: bytes=start-end` (RFC 9110 §14.1.2). */
export interface ByteRange {
  start: number;
  end: number;
}

/**
 * Where file bytes live. Implementations stream (never hold a whole file in memory) and are durable once `put`
 * resolves. Metadata lives in the database, never in the store. Both implementations pass blob-store.contract.ts.
 */
export interface BlobStore {
  readonly kind: 'disk' | 's3';
  put(body: Readable, options?: PutOptions): Promise<PutResult>;
  /** Throws `not_found` when absent. */
  get(key: BlobKey, range?: ByteRange): Promise<Readable>;
  stat(key: BlobKey): Promise<BlobStat | undefined>;
  exists(key: BlobKey): Promise<boolean>;
  /** Idempotent: deleting an absent key is not an error. */
  delete(key: BlobKey): Promise<void>;
  list(): AsyncIterable<BlobStat>;
  /** A URL a client can GET the blob from directly (S3 only; the disk store answers undefined). */
  presignGet(key: BlobKey, options: { expiresInSeconds: number; fileName?: string; contentType?: string }): Promise<string | undefined>;
}

export const isBlobKey = (key: string): boolean => /^[0-9a-f]{64}$/.test(key);
