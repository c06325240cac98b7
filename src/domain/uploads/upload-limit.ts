import type { Kysely } from 'kysely';
import type { Config } from '../../config/config.js';
import type { DB } from '../../db/schema.js';
import { errors } from '../errors.js';
import { getAccountSetting } from '../settings/settings.service.js';

/*
 * The effective upload limit: the account's `max_upload_bytes` setting, never more than the server's
 * MAX_UPLOAD_BYTES. Every upload path checks it up front when the size is known (Content-Length, tus
 * Upload-Length, the declared size of a presigned upload), before any byte is read, and while streaming otherwise.
 */

/** Room a multipart/form-data body may take beyond its file: boundaries, part headers and the text fields. */
export const MULTIPART_ALLOWANCE_BYTES = 1024 * 1024;

/** The largest file `accountId` may upload, in bytes. */
export async function uploadLimit(deps: { db: Kysely<DB>; config: Config }, accountId: string): Promise<number> {
  const own = await getAccountSetting(deps.db, accountId, 'max_upload_bytes');
  return own === null ? deps.config.uploads.maxBytes : Math.min(own, deps.config.uploads.maxBytes);
}

/** 413 `payload_too_large` for a file over `limit`. */
export function overLimit(limit: number): Error {
  return errors.tooLarge(`The file is larger than the limit of ${limit} bytes.`);
}

/** Refuses a size known before the bytes (declared, or a request's Content-Length) when it is over `limit`. */
export function assertWithinLimit(limit: number, bytes: number | undefined): void {
  if (bytes !== undefined && bytes > limit) {
    throw overLimit(limit);
  }
}
