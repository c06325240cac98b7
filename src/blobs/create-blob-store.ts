import { join } from 'node:path';
import type { Config } from '../config/config.js';
import type { BlobStore } from './blob-store.js';
import { DiskBlobStore } from './disk.js';
import { S3BlobStore } from './s3.js';
import { parseS3Url } from './s3-url.js';

/**
 * The configured store: STORAGE_URL absent -> disk under DATA_DIR/blobs; `file:///path` -> disk there;
 * `s3://bucket?...` -> S3 (see parseS3Url). Creates no I/O: call `verify()` at startup.
 */
export function createBlobStore(config: Pick<Config, 'dataDir' | 'storageUrl' | 's3Credentials'>): BlobStore {
  const url = config.storageUrl;
  if (!url) {
    return new DiskBlobStore(join(config.dataDir, 'blobs'));
  }
  if (url.startsWith('file://')) {
    return new DiskBlobStore(decodeURIComponent(new URL(url).pathname));
  }
  if (url.startsWith('s3://')) {
    return new S3BlobStore({ ...parseS3Url(url), credentials: config.s3Credentials });
  }
  throw new Error(`STORAGE_URL scheme not supported: ${url.split(':')[0]}`);
}
