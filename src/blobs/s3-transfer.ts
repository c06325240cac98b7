import { Transform, type Readable } from 'node:stream';
import type { S3Client } from '@aws-sdk/client-s3';
import { lazyModule } from '../lib/lazy-module.js';
import { HashingCounter } from './hashing.js';

/** The AWS SDK, loaded when an S3 store is first used (see lazyModule): disk-only processes never load it. */
export const awsS3 = lazyModule<typeof import('@aws-sdk/client-s3')>('@aws-sdk/client-s3');
const awsStorage = lazyModule<typeof import('@aws-sdk/lib-storage')>('@aws-sdk/lib-storage');

const GiB = 1024 ** 3;

/** An S3 "no such key / bucket" answer (404), whatever the operation calls it. */
export function isNotFound(err: unknown): boolean {
  return err instanceof awsS3().S3ServiceException && (err.$metadata.httpStatusCode === 404 || err.name === 'NoSuchKey' || err.name === 'NotFound');
}

export interface ObjectRef {
  client: S3Client;
  bucket: string;
  key: string;
}

/**
 * Streams `body` through a hash into an object with lib-storage's Upload (one PUT when it fits one part, multipart
 * otherwise; memory is about partSize * (queueSize + 1)). Errors from the body or the size limit win over the SDK's
 * error, and a failed multipart upload is aborted here rather than by lib-storage, whose abort failure would
 * replace the real error.
 */
export async function hashingUpload(
  target: ObjectRef,
  body: Readable,
  options: { maxBytes: number | undefined; onChunk?: ((chunk: Buffer) => void) | undefined; partSize: number; queueSize: number },
): Promise<{ size: number; sha256: string }> {
  const counter = new HashingCounter(options.maxBytes, options.onChunk);
  let sourceError: unknown;
  counter.on('error', (err) => {
    sourceError ??= err;
  });
  body.on('error', (err) => counter.destroy(err));
  // A body that closes without its end (a multipart part cut short, a client gone), even before it is piped here.
  const cutShort = (): void => {
    if (!body.readableEnded) {
      counter.destroy(body.errored ?? new Error('The request body ended before it was complete.'));
    }
  };
  body.once('close', cutShort);
  if (body.destroyed) {
    cutShort();
  }
  body.pipe(counter);
  const upload = new (awsStorage().Upload)({
    client: target.client,
    params: { Bucket: target.bucket, Key: target.key, Body: counter },
    partSize: options.partSize,
    queueSize: options.queueSize,
    leavePartsOnError: true,
  });
  try {
    await upload.done();
  } catch (err) {
    body.unpipe(counter);
    body.destroy();
    counter.destroy();
    if (upload.uploadId) {
      // Best effort: on failure the parts stay until a lifecycle rule (AbortIncompleteMultipartUpload) drops them.
      await target.client
        .send(new (awsS3().AbortMultipartUploadCommand)({ Bucket: target.bucket, Key: target.key, UploadId: upload.uploadId }))
        .catch(() => undefined);
    }
    throw sourceError ?? err;
  }
  return { size: counter.bytes, sha256: counter.digest() };
}

/**
 * Server-side copy within the bucket. CopyObject takes up to 5 GiB (S3 API, CopyObject); above `singleCopyLimit`
 * the copy is UploadPartCopy in 1 GiB+ ranges. `ifMatch`: if the source was replaced since its ETag was read, the
 * copy fails instead of copying other bytes.
 */
export async function copyObject(
  source: ObjectRef,
  targetKey: string,
  options: { size: number; ifMatch: string | undefined; singleCopyLimit: number },
): Promise<void> {
  const { client, bucket } = source;
  const CopySource = encodeURI(`${bucket}/${source.key}`);
  if (options.size <= options.singleCopyLimit) {
    await client.send(new (awsS3().CopyObjectCommand)({ Bucket: bucket, Key: targetKey, CopySource, CopySourceIfMatch: options.ifMatch }));
    return;
  }
  const partSize = Math.max(GiB, Math.ceil(options.size / 10_000));
  const { UploadId } = await client.send(new (awsS3().CreateMultipartUploadCommand)({ Bucket: bucket, Key: targetKey }));
  try {
    const parts: Array<{ PartNumber: number; ETag: string | undefined }> = [];
    for (let start = 0, n = 1; start < options.size; start += partSize, n += 1) {
      const end = Math.min(start + partSize, options.size) - 1;
      const out = await client.send(
        new (awsS3().UploadPartCopyCommand)({
          Bucket: bucket,
          Key: targetKey,
          UploadId,
          PartNumber: n,
          CopySource,
          CopySourceRange: `bytes=${start}-${end}`,
          CopySourceIfMatch: options.ifMatch,
        }),
      );
      parts.push({ PartNumber: n, ETag: out.CopyPartResult?.ETag });
    }
    await client.send(new (awsS3().CompleteMultipartUploadCommand)({ Bucket: bucket, Key: targetKey, UploadId, MultipartUpload: { Parts: parts } }));
  } catch (err) {
    await client.send(new (awsS3().AbortMultipartUploadCommand)({ Bucket: bucket, Key: targetKey, UploadId })).catch(() => undefined);
    throw err;
  }
}

/** Passes on the first `limit` bytes of `body`, then ends and releases `body`. */
export function takeBytes(body: Readable, limit: number): Readable {
  let left = limit;
  const out = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      if (left > 0) {
        const part = chunk.length <= left ? chunk : chunk.subarray(0, left);
        left -= part.length;
        this.push(part);
        if (left === 0) {
          this.push(null);
        }
      }
      cb();
    },
  });
  body.on('error', (err) => {
    if (left > 0) {
      out.destroy(err);
    }
  });
  // Once we have all we want, or the consumer went away, release the connection.
  out.on('end', () => body.destroy());
  out.on('close', () => body.destroy());
  return body.pipe(out);
}
