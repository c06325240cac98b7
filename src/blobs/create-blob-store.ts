import { join } from 'node:path';
import type { Config } from '../config/config.js';
import type { BlobStore } from './blob-store.js';
import { DiskBlobStore } from './disk.js';

/** The configured store: STORAGE_URL absent or `file://` -> disk; `s3://` -> S3 (TODO(#3): S3 store). */
export function createBlobStore(config: Pick<Config, 'dataDir' | 'storageUrl'>): BlobStore {
  const url = config.storageUrl;
  if (!url) {
    return new DiskBlobStore(join(config.dataDir, 'blobs'));
  }
  if (url.startsWith('file://')) {
    return new DiskBlobStore(new URL(url).pathname);
  }
  throw new Error(`STORAGE_URL scheme not supported yet: ${url.split(':')[0]}`);
}
