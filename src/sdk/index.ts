/*
 * The Atelier SDK: `import { createClient } from 'atelier/sdk'`. See docs/sdk.md.
 */
export { AtelierClient, createClient, unwrap } from './client.js';
export type { ApiClient, Asset, AtelierClientOptions, Folder, SearchQuery, Task, TaskQuery, User, Version } from './client.js';
export { AtelierApiError, AtelierError, AtelierIntegrityError, AtelierNetworkError, parseRetryAfter } from './errors.js';
export type { ApiErrorField } from './errors.js';
export { downloadAsset } from './download.js';
export type { DownloadOptions, DownloadResult } from './download.js';
export { sha256File } from './hash.js';
export { collect, paginate } from './pages.js';
export type { Page } from './pages.js';
export { Transport } from './transport.js';
export type { Credentials, SendOptions, TokenCache, TransportOptions } from './transport.js';
export { DEFAULT_CHUNK_BYTES, uploadFile } from './upload.js';
export type { UploadOptions, UploadResult } from './upload.js';
export { BATCH_MAX_FILES, uploadBatch } from './upload-batch.js';
export type { BatchFile, BatchResult } from './upload-batch.js';
export type { components, paths } from './openapi.js';
