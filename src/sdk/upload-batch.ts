import { createHash, randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { AtelierError, AtelierIntegrityError } from './errors.js';
import type { Transport } from './transport.js';

/*
 * Several small files in one request (`POST /workspaces/assets/batch`): the server checks each file as a single
 * upload (size, SHA-256, names, limits) and commits them all in one transaction, or none. One request and one
 * transaction for many files instead of one each: what uploading thousands of small files needs. Not resumable (a
 * failed batch sends its files again); large files go over tus (uploadFile).
 */

/** The most files the server takes in one batch. */
export const BATCH_MAX_FILES = 100;

export interface BatchFile {
  /** The local file; its bytes are read unless `data` is given. */
  path: string;
  /** The bytes, when the caller has read them already. */
  data?: Buffer | undefined;
  /** SHA-256 (hex) of the bytes, when known; else computed here. */
  checksum?: string | undefined;
  /** The folder to upload into (`/Art/Props/`); default `/`. */
  fileLocation?: string | undefined;
  /** The file name on the server; default the local file's name. */
  fileName?: string | undefined;
  description?: string | undefined;
}

export interface BatchResult {
  assetId: string;
  versionId: string;
  size: number;
  checksum: string;
}

/** Uploads up to BATCH_MAX_FILES files (each folder and name at most once) in one request; all or none are committed. */
export async function uploadBatch(transport: Transport, files: readonly BatchFile[], opts: { signal?: AbortSignal | undefined } = {}): Promise<BatchResult[]> {
  if (files.length === 0 || files.length > BATCH_MAX_FILES) {
    throw new AtelierError(`a batch takes 1 to ${BATCH_MAX_FILES} files (got ${files.length})`);
  }
  const entries = await Promise.all(
    files.map(async (f) => {
      const data = f.data ?? (await readFile(f.path));
      const checksum = f.checksum ?? createHash('sha256').update(data).digest('hex');
      return { file: f, data, checksum, fileName: f.fileName ?? basename(f.path) };
    }),
  );
  const paths = new Set(entries.map((e) => `${e.file.fileLocation ?? '/'}\n${e.fileName}`));
  if (paths.size !== entries.length) {
    throw new AtelierError('a batch lists each folder and file name at most once');
  }
  const manifest = entries.map((e) => ({
    file_name: e.fileName,
    ...(e.file.fileLocation !== undefined ? { file_location: e.file.fileLocation } : {}),
    ...(e.file.description !== undefined ? { description: e.file.description } : {}),
    checksum: e.checksum,
    size: e.data.length,
  }));
  const boundary = `atelier-batch-${randomBytes(12).toString('hex')}`;
  const parts: Buffer[] = [Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="manifest"\r\n\r\n${JSON.stringify(manifest)}\r\n`)];
  for (const e of entries) {
    // The part's filename is informative only (the manifest names the file): kept ASCII so no header escaping is needed.
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="file"\r\nContent-Type: application/octet-stream\r\n\r\n`), e.data, Buffer.from('\r\n'));
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  const body = Buffer.concat(parts);
  const res = await transport.send(
    () => new Request(transport.url('/workspaces/assets/batch'), { method: 'POST', headers: { 'content-type': `multipart/form-data; boundary=${boundary}` }, body }),
    // Not repeated on a dropped connection: the batch may have been committed, and a repeat would add versions.
    { retryNetwork: false, signal: opts.signal },
  );
  const assets = (await res.json()) as Array<{ id: string; currentVersion: { id: string; checksum: string; size: number } | null }>;
  return entries.map((e, i) => {
    const asset = assets[i];
    if (asset?.currentVersion?.checksum !== e.checksum) {
      throw new AtelierIntegrityError(`the server stored other bytes for ${e.file.path} (SHA-256 ${asset?.currentVersion?.checksum})`);
    }
    return { assetId: asset.id, versionId: asset.currentVersion.id, size: e.data.length, checksum: e.checksum };
  });
}
