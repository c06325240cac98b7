import { Readable } from 'node:stream';
import type { S3Client } from '@aws-sdk/client-s3';
import { errors, isDomainError } from '../domain/errors.js';
import { newId } from '../lib/ids.js';
import { lazyModule } from '../lib/lazy-module.js';
import { OWNER_TAG } from '../lib/process-owner.js';
import { contentDisposition } from './content-disposition.js';
import { assertExpected, assertSizeAllowed, hashStream } from './hashing.js';
import { deadHolds, deadWriterEntries, holdName, isHoldName, liveHoldOf, reapedKey, reapName } from './holds.js';
import { awsS3, copyObject, hashingUpload, isNotFound, takeBytes } from './s3-transfer.js';
import type { S3Location } from './s3-url.js';
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
  type TempPutOptions,
} from './blob-store.js';

const presigner = lazyModule<typeof import('@aws-sdk/s3-request-presigner')>('@aws-sdk/s3-request-presigner');

const MiB = 1024 ** 2;
const GiB = 1024 ** 3;

export interface S3BlobStoreOptions extends S3Location {
  credentials?: { accessKeyId: string; secretAccessKey: string } | undefined;
  /** Multipart part size of streamed uploads (lib-storage buffers one part per queue slot). */
  partSizeBytes?: number;
  /** Parts uploaded at once: memory use is about partSizeBytes * (queueSize + 1). */
  queueSize?: number;
  /** CopyObject accepts up to 5 GiB (S3 API, CopyObject); larger objects are copied with UploadPartCopy. */
  singleCopyLimitBytes?: number;
}

/** A dedup hit on an object older than this re-copies it (see moveIntoPlace); far below BLOB_SWEEP_GRACE_SECONDS. */
const DEDUP_REFRESH_MS = 10 * 60 * 1000;

/**
 * Content-addressed blobs in an S3 bucket: `<prefix><ab>/<cd>/<sha256>`. A put streams through a hash into a temp
 * object `<prefix>tmp/<uuid>` (multipart for large bodies); once the hash is known and checked, the temp object
 * is copied to its content address (unless that exists: dedup) and deleted. A crash leaves only temp objects,
 * removed by sweepTemp (or a bucket lifecycle rule on `<prefix>tmp/`).
 */
export class S3BlobStore implements BlobStore {
  readonly kind = 's3' as const;
  /** An object cannot be written at an offset: tus keeps one temp object per PATCH and joins them at the end. */
  readonly writesTempInPlace = false;
  readonly client: S3Client;
  private readonly partSize: number;
  private readonly queueSize: number;
  private readonly singleCopyLimit: number;

  constructor(private readonly options: S3BlobStoreOptions) {
    this.client = new (awsS3().S3Client)({
      region: options.region,
      ...(options.endpoint ? { endpoint: options.endpoint } : {}),
      forcePathStyle: options.forcePathStyle,
      // A copy: the SDK annotates the credentials object, and Config is frozen.
      ...(options.credentials ? { credentials: { ...options.credentials } } : {}),
      // With the SDK's default (WHEN_SUPPORTED), streamed bodies are sent with aws-chunked framing and trailing
      // checksums, which S3-compatible servers such as s3rver store verbatim: the object would be corrupted.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
    this.partSize = options.partSizeBytes ?? 8 * MiB;
    this.queueSize = options.queueSize ?? 2;
    this.singleCopyLimit = options.singleCopyLimitBytes ?? 5 * GiB;
  }

  private get bucket(): string {
    return this.options.bucket;
  }

  private keyOf(key: BlobKey): string {
    if (!isBlobKey(key)) {
      throw errors.notFound('blob', key);
    }
    return `${this.options.prefix}${key.slice(0, 2)}/${key.slice(2, 4)}/${key}`;
  }

  private tempKeyOf(id: string): string {
    return `${this.options.prefix}tmp/${id}`;
  }

  async verify(): Promise<void> {
    try {
      await this.client.send(new (awsS3().HeadBucketCommand)({ Bucket: this.bucket }));
    } catch (err) {
      if (!isNotFound(err)) {
        throw new Error(`S3 bucket ${this.bucket} is not reachable: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
      }
      if (!this.options.createBucket) {
        throw new Error(`S3 bucket ${this.bucket} does not exist: create it, or fix STORAGE_URL`, { cause: err });
      }
      await this.client.send(new (awsS3().CreateBucketCommand)({ Bucket: this.bucket }));
    }
  }

  async put(body: Readable | Buffer, options: PutOptions = {}): Promise<PutResult> {
    // Named after its writer, so that the object of a put killed between its upload and its move is reclaimed.
    const tempKey = this.tempKeyOf(`${newId()}.${OWNER_TAG}`);
    try {
      const { size, sha256 } = await this.upload(tempKey, Buffer.isBuffer(body) ? Readable.from([body]) : body, options.maxBytes, options.onChunk);
      const result = { key: sha256, size, sha256 };
      assertExpected(result, options);
      const hold = await this.makeHold(result.key, options);
      await this.moveIntoPlace(tempKey, result, undefined);
      return { ...result, ...(hold === undefined ? {} : { hold }) };
    } catch (err) {
      await this.deleteQuietly(tempKey);
      throw err;
    }
  }

  private upload(objectKey: string, body: Readable, maxBytes: number | undefined, onChunk?: (chunk: Buffer) => void): Promise<{ size: number; sha256: string }> {
    return hashingUpload({ client: this.client, bucket: this.bucket, key: objectKey }, body, {
      maxBytes,
      onChunk,
      partSize: this.partSize,
      queueSize: this.queueSize,
    });
  }

  /**
   * Copies a checked temp object to its content address and deletes the temp. When the content is already there
   * (dedup) the copy is skipped, unless that object is older than DEDUP_REFRESH_MS: copying over it then refreshes its
   * LastModified, so the orphan sweep (blobs.sweep keeps blobs younger than its grace period) cannot delete an old
   * unreferenced blob between this put and the commit that is about to reference it. Disk gets the same by renaming a
   * fresh file over the old one.
   */
  private async moveIntoPlace(tempKey: string, result: PutResult, etag: string | undefined): Promise<void> {
    const existing = await this.stat(result.key);
    if (!existing || existing.modifiedAt.getTime() < Date.now() - DEDUP_REFRESH_MS) {
      await copyObject({ client: this.client, bucket: this.bucket, key: tempKey }, this.keyOf(result.key), {
        size: result.size,
        ifMatch: etag,
        singleCopyLimit: this.singleCopyLimit,
      });
    }
    await this.client.send(new (awsS3().DeleteObjectCommand)({ Bucket: this.bucket, Key: tempKey }));
  }

  private async deleteQuietly(objectKey: string): Promise<void> {
    await this.client.send(new (awsS3().DeleteObjectCommand)({ Bucket: this.bucket, Key: objectKey })).catch(() => undefined);
  }

  async get(key: BlobKey, range?: ByteRange): Promise<Readable> {
    const Key = this.keyOf(key);
    try {
      const out = await this.client.send(
        new (awsS3().GetObjectCommand)({ Bucket: this.bucket, Key, ...(range ? { Range: `bytes=${range.start}-${range.end}` } : {}) }),
      );
      if (!(out.Body instanceof Readable)) {
        throw new Error('S3 GetObject returned no Node.js stream');
      }
      const wanted = range ? range.end - range.start + 1 : undefined;
      // Some S3-compatible servers (s3rver) answer `bytes=0-0` with the whole object: never pass on more than asked.
      if (wanted !== undefined && out.ContentLength !== undefined && out.ContentLength > wanted && out.ContentRange?.startsWith(`bytes ${range?.start}-`)) {
        return takeBytes(out.Body, wanted);
      }
      return out.Body;
    } catch (err) {
      if (isNotFound(err)) {
        throw errors.notFound('blob', key);
      }
      throw err;
    }
  }

  async stat(key: BlobKey): Promise<BlobStat | undefined> {
    if (!isBlobKey(key)) {
      return undefined;
    }
    try {
      const out = await this.client.send(new (awsS3().HeadObjectCommand)({ Bucket: this.bucket, Key: this.keyOf(key) }));
      return { key, size: out.ContentLength ?? 0, modifiedAt: out.LastModified ?? new Date(0) };
    } catch (err) {
      if (isNotFound(err)) {
        return undefined;
      }
      throw err;
    }
  }

  async exists(key: BlobKey): Promise<boolean> {
    return (await this.stat(key)) !== undefined;
  }

  async delete(key: BlobKey): Promise<void> {
    // DeleteObject of an absent key succeeds (S3 API, DeleteObject): idempotent as the interface asks.
    await this.client.send(new (awsS3().DeleteObjectCommand)({ Bucket: this.bucket, Key: this.keyOf(key) }));
  }

  async *list(): AsyncIterable<BlobStat> {
    const pages = awsS3().paginateListObjectsV2({ client: this.client }, { Bucket: this.bucket, Prefix: this.options.prefix });
    for await (const page of pages) {
      for (const object of page.Contents ?? []) {
        const name = object.Key?.slice(this.options.prefix.length) ?? '';
        const key = name.slice(6);
        // Only `<ab>/<cd>/<sha256>`: skips tmp/ and anything else sharing the prefix.
        if (isBlobKey(key) && name === `${key.slice(0, 2)}/${key.slice(2, 4)}/${key}`) {
          yield { key, size: object.Size ?? 0, modifiedAt: object.LastModified ?? new Date(0) };
        }
      }
    }
  }

  localPath(): undefined {
    return undefined;
  }

  async presignGet(key: BlobKey, options: { expiresInSeconds: number; fileName?: string; contentType?: string }): Promise<string> {
    const command = new (awsS3().GetObjectCommand)({
      Bucket: this.bucket,
      Key: this.keyOf(key),
      ...(options.fileName !== undefined ? { ResponseContentDisposition: contentDisposition(options.fileName) } : {}),
      ...(options.contentType !== undefined ? { ResponseContentType: options.contentType } : {}),
    });
    return presigner().getSignedUrl(this.client, command, { expiresIn: options.expiresInSeconds });
  }

  async presignPut(uploadId: string, options: { expiresInSeconds: number; contentLength?: number }): Promise<string> {
    assertUploadId(uploadId);
    const command = new (awsS3().PutObjectCommand)({
      Bucket: this.bucket,
      Key: this.tempKeyOf(uploadId),
      ...(options.contentLength !== undefined ? { ContentLength: options.contentLength } : {}),
    });
    return presigner().getSignedUrl(this.client, command, {
      expiresIn: options.expiresInSeconds,
      ...(options.contentLength !== undefined ? { signableHeaders: new Set(['content-length']) } : {}),
    });
  }

  async writeTempAt(): Promise<{ size: number }> {
    throw new Error('The S3 store cannot write temp bytes in place (writesTempInPlace is false).');
  }

  newTempHash(): never {
    throw new Error('The S3 store cannot write temp bytes in place (writesTempInPlace is false).');
  }

  async putTemp(uploadId: string, body: Readable, options: TempPutOptions = {}): Promise<{ size: number }> {
    assertUploadId(uploadId);
    // A failed multipart upload never becomes visible, and a single PUT replaces atomically: no partial temp.
    const { size } = await this.upload(this.tempKeyOf(uploadId), body, options.maxBytes, options.onChunk);
    return { size };
  }

  async adopt(uploadId: string, options: PutOptions = {}): Promise<PutResult> {
    assertUploadId(uploadId);
    const tempKey = this.tempKeyOf(uploadId);
    try {
      let out;
      try {
        out = await this.client.send(new (awsS3().GetObjectCommand)({ Bucket: this.bucket, Key: tempKey }));
      } catch (err) {
        throw isNotFound(err) ? errors.notFound('upload', uploadId) : err;
      }
      if (!(out.Body instanceof Readable)) {
        throw new Error('S3 GetObject returned no Node.js stream');
      }
      const body = out.Body;
      try {
        if (out.ContentLength !== undefined) {
          assertSizeAllowed(out.ContentLength, options);
        }
      } catch (err) {
        body.destroy();
        throw err;
      }
      const { size, sha256 } = await hashStream(body, options.maxBytes);
      const result = { key: sha256, size, sha256 };
      assertExpected(result, options);
      const hold = await this.makeHold(result.key, options);
      await this.moveIntoPlace(tempKey, result, out.ETag);
      return { ...result, ...(hold === undefined ? {} : { hold }) };
    } catch (err) {
      if (isDomainError(err) && err.kind !== 'not_found') {
        await this.deleteQuietly(tempKey);
      }
      throw err;
    }
  }

  async getTemp(uploadId: string): Promise<Readable> {
    assertUploadId(uploadId);
    try {
      const out = await this.client.send(new (awsS3().GetObjectCommand)({ Bucket: this.bucket, Key: this.tempKeyOf(uploadId) }));
      if (!(out.Body instanceof Readable)) {
        throw new Error('S3 GetObject returned no Node.js stream');
      }
      return out.Body;
    } catch (err) {
      throw isNotFound(err) ? errors.notFound('upload', uploadId) : err;
    }
  }

  async deleteTemp(uploadId: string): Promise<void> {
    assertUploadId(uploadId);
    await this.client.send(new (awsS3().DeleteObjectCommand)({ Bucket: this.bucket, Key: this.tempKeyOf(uploadId) }));
  }

  /** Names of everything under `<prefix>tmp/`. */
  private async tempNames(): Promise<string[]> {
    const names: string[] = [];
    const pages = awsS3().paginateListObjectsV2({ client: this.client }, { Bucket: this.bucket, Prefix: this.tempKeyOf('') });
    for await (const page of pages) {
      for (const object of page.Contents ?? []) {
        names.push(object.Key?.slice(this.tempKeyOf('').length) ?? '');
      }
    }
    return names;
  }

  /**
   * Temp objects of writers that died (their OWNER_TAG, lib/process-owner.ts): a put's whole temp object, killed
   * before its move, is deleted; a blob a dead reaper had parked (reapDeadHold) goes back to its address, for its hold
   * to be judged again. A put killed mid-body leaves an incomplete multipart upload instead, which S3 keeps out of
   * listings: a bucket lifecycle rule aborts those (docs/crash-recovery.md). Returns how many were reclaimed.
   */
  async reclaimCrashLeftovers(): Promise<number> {
    let reclaimed = 0;
    for (const name of deadWriterEntries(await this.tempNames())) {
      const parked = reapedKey(name);
      if (parked !== undefined && !(await this.exists(parked))) {
        await this.copyWithin(this.tempKeyOf(name), this.keyOf(parked));
      }
      await this.deleteQuietly(this.tempKeyOf(name));
      reclaimed += 1;
    }
    return reclaimed;
  }

  /** An empty object `<prefix>tmp/<holdName>`, made before the blob is moved to its address (see holds.ts). */
  private async makeHold(key: BlobKey, options: PutOptions): Promise<string | undefined> {
    if (!options.hold) {
      return undefined;
    }
    const name = holdName(key, options.hold.uploadId);
    await this.client.send(new (awsS3().PutObjectCommand)({ Bucket: this.bucket, Key: this.tempKeyOf(name), Body: '', ContentLength: 0 }));
    return name;
  }

  async releaseHold(hold: string): Promise<void> {
    if (isHoldName(hold)) {
      await this.deleteQuietly(this.tempKeyOf(hold));
    }
  }

  async listDeadHolds(): Promise<DeadHold[]> {
    return deadHolds(await this.tempNames());
  }

  /**
   * As the disk store's, with a copy for the rename S3 lacks: the blob is copied to a parked object and deleted, the
   * last checks are made, and it is copied back when wanted. A live upload of the same content has its hold, made
   * before it looks for the blob, found below; one that comes after the delete writes a fresh copy. Unlike on disk, a
   * put made without a hold (a derivative) that found the blob just before the delete and commits after the checks
   * would lose it: the same narrow window the orphan sweep has on S3 between its last look and its delete.
   */
  async reapDeadHold(hold: DeadHold, stillWanted: () => Promise<boolean>): Promise<boolean> {
    let deleted = false;
    if (!(await stillWanted()) && (await this.exists(hold.key))) {
      const parked = reapName(hold.key);
      await this.copyWithin(this.keyOf(hold.key), this.tempKeyOf(parked));
      await this.delete(hold.key);
      if (liveHoldOf(await this.tempNames(), hold.key, hold.id) || (await stillWanted())) {
        if (!(await this.exists(hold.key))) {
          await this.copyWithin(this.tempKeyOf(parked), this.keyOf(hold.key));
        }
      } else {
        deleted = true;
      }
      await this.deleteQuietly(this.tempKeyOf(parked));
    }
    await this.deleteQuietly(this.tempKeyOf(hold.id));
    return deleted;
  }

  /** Copies object `source` to object `target` in this bucket (full object keys). */
  private async copyWithin(source: string, target: string): Promise<void> {
    const head = await this.client.send(new (awsS3().HeadObjectCommand)({ Bucket: this.bucket, Key: source }));
    await copyObject({ client: this.client, bucket: this.bucket, key: source }, target, { size: head.ContentLength ?? 0, ifMatch: head.ETag, singleCopyLimit: this.singleCopyLimit });
  }

  async sweepTemp(olderThan: Date): Promise<number> {
    let removed = 0;
    const pages = awsS3().paginateListObjectsV2({ client: this.client }, { Bucket: this.bucket, Prefix: this.tempKeyOf('') });
    for await (const page of pages) {
      for (const object of page.Contents ?? []) {
        if (object.Key && object.LastModified && object.LastModified < olderThan) {
          await this.deleteQuietly(object.Key);
          removed += 1;
        }
      }
    }
    return removed;
  }

  /** Closes the client's sockets. */
  close(): void {
    this.client.destroy();
  }
}
