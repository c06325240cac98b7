import type { Readable } from 'node:stream';
import type { PutResult } from '../../blobs/blob-store.js';
import { crashPoint } from '../../lib/crash-points.js';
import { cleanFileName } from '../assets/assets.rules.js';
import { scopedAccountId, type Ctx } from '../context.js';
import { commitUpload, type CommitResult, type CommitUploadInput } from './commit.service.js';
import { storeStream } from './stream-store.js';
import { assertWithinLimit, MULTIPART_ALLOWANCE_BYTES, overLimit, uploadLimit } from './upload-limit.js';
import type { ExpectedContent, UploadFields, UploadSource } from './upload-source.js';

/** A file whose bytes are durable in the blob store but not yet committed to any row. */
export interface ReceivedFile {
  blob: PutResult;
  /** Sniffed from the first bytes (never the client's Content-Type). */
  contentType: string;
  originalFileName: string;
}

/**
 * Streams a file into the blob store (at most the account's upload limit, else `too_large`) while keeping its first
 * bytes for sniffing (or stores bytes already in memory, a small file of a batch, in one step). The whole file is never in memory. A declared size or checksum known up front is checked by
 * the store itself, so a mismatch keeps no bytes at all; otherwise, until commitUpload references it, the blob is an
 * orphan that the sweep removes. `limit`: the uploadLimit when the caller has it already; `hold`: see releaseHold.
 */
export async function receiveFile(
  ctx: Ctx,
  stream: Readable | Buffer,
  originalFileName: string,
  expected: ExpectedContent = {},
  options: { limit?: number; hold?: boolean } = {},
): Promise<ReceivedFile> {
  const maxBytes = options.limit ?? (await uploadLimit(ctx, scopedAccountId(ctx)));
  assertWithinLimit(maxBytes, expected.size);
  const file = await storeStream(ctx.blobs, stream, originalFileName, {
    maxBytes,
    expectedSha256: expected.sha256,
    expectedSize: expected.size,
    midBodyPoint: 'upload.stream.mid-body',
    ...(options.hold ? { hold: {} } : {}),
  });
  crashPoint('upload.stream.after-put');
  return file;
}

/**
 * Reads a single-request upload: a body whose announced length is over the limit is refused (413) before any of it
 * is read; then the file is streamed in under the same limit. A raw body's file name (the query's `file_name`) is
 * final before its bytes arrive, so a name commitUpload would refuse (unusable, over 255 bytes) is refused before
 * anything is stored.
 */
export async function readUpload(ctx: Ctx, source: UploadSource): Promise<{ file: ReceivedFile | undefined; fields: UploadFields }> {
  const limit = await uploadLimit(ctx, scopedAccountId(ctx));
  // A form carries its fields and part headers around the file.
  const slack = source.fieldsIn === 'query' ? 0 : MULTIPART_ALLOWANCE_BYTES;
  if (source.bodyBytes !== undefined && source.bodyBytes > limit + slack) {
    throw overLimit(limit);
  }
  return source.read((stream, fileName, expected) => {
    if (source.fieldsIn === 'query') {
      cleanFileName(fileName, 'file_name', 'query');
    }
    return receiveFile(ctx, stream, fileName, expected, { limit, hold: true });
  });
}

/**
 * Ends the hold on an upload's blob once a committed row references it. Until then, had this process died, the blob
 * would have been reclaimed at the next start (docs/crash-recovery.md). A failure here costs nothing but an orphan
 * check at the next start, so it is logged, not thrown.
 */
export async function releaseHold(ctx: Pick<Ctx, 'blobs' | 'log'>, blob: PutResult): Promise<void> {
  if (blob.hold !== undefined) {
    await ctx.blobs.releaseHold(blob.hold).catch((err: unknown) => ctx.log.warn({ err }, 'could not release an upload blob hold'));
  }
}

/** Commits a received file (commitUpload); the hold on its blob ends whatever the outcome, so only a kill leaves one. */
export async function commitReceived(ctx: Ctx, file: ReceivedFile, input: Omit<CommitUploadInput, 'blob' | 'contentType'>): Promise<CommitResult> {
  try {
    return await commitUpload(ctx, { ...input, blob: file.blob, contentType: file.contentType });
  } finally {
    await releaseHold(ctx, file.blob);
  }
}
