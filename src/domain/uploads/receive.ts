import type { Readable } from 'node:stream';
import type { PutResult } from '../../blobs/blob-store.js';
import { cleanFileName } from '../assets/assets.rules.js';
import type { Ctx } from '../context.js';
import { storeStream } from './stream-store.js';
import type { ExpectedContent, UploadFields, UploadSource } from './upload-source.js';

/** A file whose bytes are durable in the blob store but not yet committed to any row. */
export interface ReceivedFile {
  blob: PutResult;
  /** Sniffed from the first bytes (never the client's Content-Type). */
  contentType: string;
  originalFileName: string;
}

/**
 * Streams a file into the blob store (at most config.uploads.maxBytes, else `too_large`) while keeping its first
 * bytes for sniffing. The whole file is never in memory. A declared size or checksum known up front is checked by
 * the store itself, so a mismatch keeps no bytes at all; otherwise, until commitUpload references it, the blob is an
 * orphan that the sweep removes.
 */
export async function receiveFile(ctx: Ctx, stream: Readable, originalFileName: string, expected: ExpectedContent = {}): Promise<ReceivedFile> {
  return storeStream(ctx.blobs, stream, originalFileName, {
    maxBytes: ctx.config.uploads.maxBytes,
    expectedSha256: expected.sha256,
    expectedSize: expected.size,
  });
}

/**
 * Reads a single-request upload, storing its file with receiveFile. A raw body's file name (the query's `file_name`)
 * is final before its bytes arrive, so a name commitUpload would refuse (unusable, over 255 bytes) is refused before
 * anything is stored.
 */
export function readUpload(ctx: Ctx, source: UploadSource): Promise<{ file: ReceivedFile | undefined; fields: UploadFields }> {
  return source.read((stream, fileName, expected) => {
    if (source.fieldsIn === 'query') {
      cleanFileName(fileName, 'file_name', 'query');
    }
    return receiveFile(ctx, stream, fileName, expected);
  });
}
