import type { Deps } from '../context.js';
import { throughSharp, webpResizer } from '../../media/images.js';
import { findWorkspaceAttachment, setAttachmentThumbnail } from './attachments.repo.js';

/** Longest side of an attachment thumbnail, in pixels. */
export const ATTACHMENT_THUMBNAIL_SIZE = 256;

/**
 * Makes the 256 px WebP thumbnail of an image attachment (the `attachment.thumbnail` job). Idempotent: a row that
 * is gone or already has one is left alone. An image the decoder cannot read is logged and left without a
 * thumbnail (retrying cannot help); blob store errors throw, so the queue retries them.
 */
export async function makeAttachmentThumbnail(
  deps: Pick<Deps, 'db' | 'blobs' | 'log'>,
  payload: { workspace_id: string; attachment_id: string },
): Promise<void> {
  const row = await findWorkspaceAttachment(deps.db, { workspaceId: payload.workspace_id, id: payload.attachment_id });
  if (!row || row.thumbnail_blob_key !== null) {
    return;
  }
  const input = await deps.blobs.get(row.blob_key);
  let key: string;
  try {
    key = (await deps.blobs.put(throughSharp(input, webpResizer(ATTACHMENT_THUMBNAIL_SIZE)))).key;
  } catch (err) {
    deps.log.warn({ err, attachment_id: row.id }, 'attachment thumbnail could not be made');
    return;
  }
  await setAttachmentThumbnail(deps.db, { workspaceId: row.workspace_id, id: row.id }, key);
}
