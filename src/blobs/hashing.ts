import { createHash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { errors } from '../domain/errors.js';

/** A pass-through that hashes and counts bytes, and fails with `too_large` past `maxBytes`. */
export class HashingCounter extends Transform {
  private readonly hash = createHash('sha256');
  size = 0;

  constructor(private readonly maxBytes = Number.POSITIVE_INFINITY) {
    super();
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    this.size += chunk.length;
    if (this.size > this.maxBytes) {
      cb(errors.tooLarge(`The file is larger than the limit of ${this.maxBytes} bytes.`));
      return;
    }
    this.hash.update(chunk);
    cb(null, chunk);
  }

  digest(): string {
    return this.hash.digest('hex');
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
