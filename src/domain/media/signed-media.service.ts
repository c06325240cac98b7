import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Readable } from 'node:stream';
import type { DerivativeRow } from '../../db/schema.js';
import { findDerivativeById } from '../assets/asset-shapes.repo.js';
import type { Deps } from '../context.js';
import { errors } from '../errors.js';

/*
 * Signed derivative URLs for the integer-id surfaces. Webdam's thumbnail and preview URLs are CDN links that an
 * `<img src>` loads without credentials, so these carry their capability in the URL: an HMAC-SHA256 (keyed like access
 * tokens) over the workspace, the derivative and the expiry. Expiry and signature sit in the path, not the query, so
 * the URL has no `&` and reads the same inside Webdam's `media_url` HTML fragments. The expiry is the end of the next
 * UTC day: a URL stays the same all day (cacheable) and lives 24 to 48 hours.
 */

const DAY = 86_400;

export interface MediaRef {
  workspaceId: string;
  derivativeId: string;
}

function signature(key: Uint8Array, ref: MediaRef, expires: number): string {
  return createHmac('sha256', key).update(`media\n${ref.workspaceId}\n${ref.derivativeId}\n${expires}`).digest('base64url');
}

/** `<prefix>/<workspace>/<derivative>/<expires>/<sig>/<fileName>`, valid until the end of the next UTC day. */
export function signedMediaPath(deps: Pick<Deps, 'tokenKey' | 'clock'>, prefix: string, d: Pick<DerivativeRow, 'workspace_id' | 'id'>, fileName: string): string {
  const nowSeconds = Math.floor(deps.clock.now().getTime() / 1000);
  const expires = (Math.floor(nowSeconds / DAY) + 2) * DAY;
  const ref = { workspaceId: d.workspace_id, derivativeId: d.id };
  return `${prefix}/${d.workspace_id}/${d.id}/${expires}/${signature(deps.tokenKey, ref, expires)}/${encodeURIComponent(fileName)}`;
}

/** A ready derivative named by a signed URL; forged or expired: 403; missing or not ready: 404. */
export async function openSignedDerivative(
  deps: Deps,
  input: MediaRef & { expires: string; sig: string },
): Promise<{ row: DerivativeRow & { blob_key: string; content_type: string }; open: (range?: { start: number; end: number }) => Promise<Readable> }> {
  const expected = /^\d{1,12}$/.test(input.expires) ? Buffer.from(signature(deps.tokenKey, input, Number(input.expires))) : undefined;
  const given = Buffer.from(input.sig);
  if (!expected || given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw errors.forbidden('media_signature_invalid', 'The media URL signature is not valid.');
  }
  if (Number(input.expires) * 1000 <= deps.clock.now().getTime()) {
    throw errors.forbidden('media_url_expired', 'The media URL has expired; fetch the asset again for a new one.');
  }
  const row = await findDerivativeById(deps.db, { workspaceId: input.workspaceId, id: input.derivativeId });
  if (!row) {
    throw errors.notFound('derivative', input.derivativeId);
  }
  if (row.state !== 'ready' || !row.blob_key || !row.content_type) {
    throw errors.derivativeNotReady(row.kind, row.state, row.error);
  }
  const ready = { ...row, blob_key: row.blob_key, content_type: row.content_type };
  return { row: ready, open: (range) => deps.blobs.get(ready.blob_key, range) };
}
