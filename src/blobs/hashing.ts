import { createHash } from 'node:crypto';
import { Transform, Writable, type Readable, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { errors } from '../domain/errors.js';

/** Byte count of data seen chunk by chunk, shown to `onChunk`; `add` throws `too_large` past `maxBytes`. */
export class ByteTally {
  bytes = 0;

  constructor(
    private readonly maxBytes = Number.POSITIVE_INFINITY,
    private readonly onChunk?: (chunk: Buffer) => void,
  ) {}

  add(chunk: Buffer): void {
    this.bytes += chunk.length;
    if (this.bytes > this.maxBytes) {
      throw errors.tooLarge(`The file is larger than the limit of ${this.maxBytes} bytes.`);
    }
    this.onChunk?.(chunk);
  }
}

/** A ByteTally that also hashes (SHA-256) what it sees. */
export class Sha256Tally extends ByteTally {
  private readonly hash = createHash('sha256');

  override add(chunk: Buffer): void {
    super.add(chunk);
    this.hash.update(chunk);
  }

  digest(): string {
    return this.hash.digest('hex');
  }
}

/** A pass-through that hashes and counts bytes, and fails with `too_large` past `maxBytes`. */
export class HashingCounter extends Transform {
  private readonly tally: Sha256Tally;

  constructor(maxBytes?: number, onChunk?: (chunk: Buffer) => void) {
    super();
    this.tally = new Sha256Tally(maxBytes, onChunk);
  }

  /** Not `size`: lib-storage's Upload takes a body's `size` property as its total length. */
  get bytes(): number {
    return this.tally.bytes;
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    try {
      this.tally.add(chunk);
    } catch (err) {
      cb(err as Error);
      return;
    }
    cb(null, chunk);
  }

  digest(): string {
    return this.tally.digest();
  }
}

/** Throws the domain error for a size or checksum that differs from what the client declared. */
export function assertExpected(actual: { size: number; sha256: string }, expected: { expectedSize?: number | undefined; expectedSha256?: string | undefined }): void {
  if (expected.expectedSize !== undefined && expected.expectedSize !== actual.size) {
    throw errors.invalid('size_mismatch', `Expected ${expected.expectedSize} bytes but received ${actual.size}.`);
  }
  if (expected.expectedSha256 !== undefined && expected.expectedSha256.toLowerCase() !== actual.sha256) {
    throw errors.invalid('checksum_mismatch', 'The SHA-256 checksum of the received bytes does not match.');
  }
}

/** Reads `body` to its end and answers its size and SHA-256, failing with `too_large` past `maxBytes`. */
export async function hashStream(body: Readable, maxBytes?: number): Promise<{ size: number; sha256: string }> {
  const counter = new HashingCounter(maxBytes);
  await pipeline(body, counter, new Writable({ write: (_chunk, _enc, cb) => cb() }));
  return { size: counter.bytes, sha256: counter.digest() };
}

/** Fails fast on a size known before hashing (a stored temp object): `too_large` or `size_mismatch`. */
export function assertSizeAllowed(size: number, options: { maxBytes?: number | undefined; expectedSize?: number | undefined }): void {
  if (options.maxBytes !== undefined && size > options.maxBytes) {
    throw errors.tooLarge(`The file is larger than the limit of ${options.maxBytes} bytes.`);
  }
  assertExpected({ size, sha256: '' }, { expectedSize: options.expectedSize });
}
