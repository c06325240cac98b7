import { Readable } from 'node:stream';
import type { BlobStore, PutOptions } from '../../blobs/blob-store.js';
import { crashPoint } from '../../lib/crash-points.js';
import { findAsset } from '../assets/assets.repo.js';
import { cleanDescription, cleanFileName, cleanFolder, cleanName } from '../assets/assets.rules.js';
import { scopedWorkspaceId, type Ctx } from '../context.js';
import { errors, type FieldProblem } from '../errors.js';
import type { ReceivedFile } from './receive.js';
import { HeadCapture, sniffContentType } from './sniff.js';
import { requireWritable } from '../assets/writable.js';

/**
 * Like receiveFile, but with put's checks (declared size and SHA-256): a mismatch keeps nothing in the store, so
 * a failed tus or import upload leaves no blob behind.
 */
export async function storeStream(blobs: BlobStore, stream: Readable | Buffer, fileName: string, options: PutOptions & { midBodyPoint?: string }): Promise<ReceivedFile> {
  const head = new HeadCapture();
  const { midBodyPoint } = options;
  const onChunk = midBodyPoint === undefined ? head.observe : (chunk: Buffer) => (head.observe(chunk), crashPoint(midBodyPoint));
  const blob = await blobs.put(stream, { ...options, onChunk });
  const contentType = await sniffContentType(head.head(), fileName);
  return { blob, contentType, originalFileName: fileName };
}

/** The temp bytes of `ids`, one after the other, as one stream (a tus upload's parts). */
export function concatTemp(blobs: BlobStore, ids: readonly string[]): Readable {
  async function* parts(): AsyncGenerator<Buffer> {
    for (const id of ids) {
      const part = await blobs.getTemp(id);
      for await (const chunk of part) {
        yield chunk as Buffer;
      }
    }
  }
  return Readable.from(parts(), { objectMode: false, highWaterMark: 1024 * 1024 });
}

/** Where a finished upload goes, as stored with its session. */
export interface UploadTarget {
  fileLocation?: string | undefined;
  name?: string | undefined;
  description?: string | undefined;
  assetId?: string | undefined;
}

/**
 * Checks what commitUpload would refuse about names and the target asset BEFORE the bytes are adopted, so that bad
 * input is a 4xx with nothing stored rather than an orphan blob for the sweep.
 */
export async function preflightCommit(ctx: Ctx, input: { fileName: string; target: UploadTarget; fieldsIn: FieldProblem['in']; fileNameField: string }): Promise<void> {
  cleanFileName(input.fileName, input.fileNameField, input.fieldsIn);
  const { target } = input;
  if (target.assetId !== undefined) {
    const asset = await findAsset(ctx.db, { workspaceId: scopedWorkspaceId(ctx), id: target.assetId });
    if (!asset) {
      throw errors.notFound('asset', target.assetId);
    }
    await requireWritable(ctx, asset);
    return;
  }
  cleanFolder(target.fileLocation, 'file_location', input.fieldsIn);
  if (target.name !== undefined) {
    cleanName(target.name, 'name', input.fieldsIn);
  }
  if (target.description !== undefined) {
    cleanDescription(target.description, 'description', input.fieldsIn);
  }
}

/** The commitUpload target for a stored UploadTarget. */
export function commitTarget(target: UploadTarget): { assetId: string } | { newAsset: { name?: string | undefined; fileLocation?: string | undefined; description?: string | undefined } } {
  return target.assetId !== undefined
    ? { assetId: target.assetId }
    : { newAsset: { name: target.name, fileLocation: target.fileLocation, description: target.description } };
}
