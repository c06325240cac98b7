import type { Readable } from 'node:stream';
import type { AssetRow, AttachmentRow } from '../../db/schema.js';
import { enqueue } from '../../jobs/queue.js';
import { isoNow } from '../../lib/clock.js';
import { newId } from '../../lib/ids.js';
import { sanitizeFileName } from '../../lib/safe-path.js';
import { can, requirePermission } from '../access.js';
import { cleanDescription, cleanName } from '../assets/assets.rules.js';
import { requireAsset } from '../assets/assets.service.js';
import { findComment } from '../comments/comments.repo.js';
import { assertDiscussable } from '../comments/discussion.rules.js';
import { inTransaction, scopedAccountId, scopedWorkspaceId, type Ctx } from '../context.js';
import { errors, type FieldProblem } from '../errors.js';
import { recordHistory } from '../history/history.service.js';
import { findReview } from '../reviews/reviews.repo.js';
import { THUMBNAIL_CONTENT_TYPE } from '../thumbnails/thumbnails.service.js';
import { receiveFile, type ReceivedFile } from '../uploads/receive.js';
import { attachmentThumbnailJob } from './attachment-thumbnail.job.js';
import { viewAttachments, type AttachmentView } from './attachment-views.js';
import { deleteAttachmentRows, findAttachment, insertAttachment, linkAttachmentRow, listAssetAttachments } from './attachments.repo.js';

/** Image types sharp decodes: these attachments get a thumbnail. */
const THUMBNAILABLE = new Set(['image/jpeg', 'image/png', 'image/webp', 'image/gif', 'image/avif', 'image/tiff', 'image/heif', 'image/heic']);


const snapshot = (a: AttachmentRow) => ({
  id: a.id, name: a.name, content_type: a.content_type, size: Number(a.size), file_id: a.blob_key, comment_id: a.comment_id, review_id: a.review_id,
});

/**
 * Writes an attachment row for a received file, its history event and (for images) its thumbnail job, in the
 * caller's transaction, so the job commits or rolls back with the row.
 */
export async function insertAttachmentFromFile(
  tx: Ctx,
  input: { asset: AssetRow; file: ReceivedFile; name?: string | undefined; description?: string | undefined; commentId?: string | null; reviewId?: string | null },
): Promise<AttachmentRow> {
  const workspaceId = scopedWorkspaceId(tx);
  const name = input.name !== undefined && input.name.trim() !== '' ? cleanName(input.name, 'name', 'body') : cleanName(input.file.originalFileName || 'attachment', 'file', 'body');
  const row = await insertAttachment(tx.db, {
    id: newId(),
    workspace_id: workspaceId,
    asset_id: input.asset.id,
    created_by_user_id: tx.actor.userId,
    review_id: input.reviewId ?? null,
    comment_id: input.commentId ?? null,
    blob_key: input.file.blob.key,
    thumbnail_blob_key: null,
    name,
    description: cleanDescription(input.description ?? '', 'description', 'body'),
    content_type: input.file.contentType,
    size: input.file.blob.size,
    created_at: isoNow(tx.clock),
  });
  await recordHistory(tx, {
    accountId: scopedAccountId(tx),
    workspaceId,
    assetId: input.asset.id,
    userId: tx.actor.userId,
    subjectType: 'attachment',
    recordId: row.id,
    type: 'attachment_added',
    data: { before: null, after: snapshot(row) },
  });
  if (THUMBNAILABLE.has(row.content_type)) {
    await enqueue(tx, attachmentThumbnailJob, { workspace_id: workspaceId, attachment_id: row.id }, { uniqueKey: `attachment-thumbnail:${row.id}` });
  }
  return row;
}

/**
 * Hangs already uploaded attachments (`files: [ids]`) off a comment or review, in the caller's transaction. Each
 * must be an attachment of this asset (else 404), uploaded by the caller (else 403) and not yet on another
 * comment or review (else 409).
 */
export async function linkAttachments(
  tx: Ctx,
  input: { assetId: string; ids: readonly string[]; target: { comment_id: string } | { review_id: string }; part: FieldProblem['in'] },
): Promise<void> {
  const workspaceId = scopedWorkspaceId(tx);
  for (const id of [...new Set(input.ids)]) {
    const before = await findAttachment(tx.db, { workspaceId, assetId: input.assetId, id });
    if (!before) {
      throw errors.notFound('attachment', id);
    }
    if (before.created_by_user_id !== tx.actor.userId) {
      throw errors.forbidden('attachment_not_yours', 'Only attachments you uploaded can be added.');
    }
    const already = before.comment_id ?? before.review_id;
    const targetId = 'comment_id' in input.target ? input.target.comment_id : input.target.review_id;
    if (already !== null && already !== targetId) {
      throw errors.conflict('attachment_already_linked', `The attachment ${id} is already on another comment or review.`);
    }
    if (already === targetId) {
      continue;
    }
    const after = await linkAttachmentRow(tx.db, { workspaceId, assetId: input.assetId, id }, input.target);
    if (after) {
      await recordHistory(tx, {
        accountId: scopedAccountId(tx), workspaceId, assetId: input.assetId, userId: tx.actor.userId,
        subjectType: 'attachment', recordId: id, type: 'attachment_linked', data: { before: snapshot(before), after: snapshot(after) },
      });
    }
  }
}

/** Deletes attachment rows with one history event each, in the caller's transaction (blobs: the orphan sweep). */
export async function removeAttachments(tx: Ctx, rows: readonly AttachmentRow[]): Promise<void> {
  const workspaceId = scopedWorkspaceId(tx);
  for (const row of rows) {
    await recordHistory(tx, {
      accountId: scopedAccountId(tx), workspaceId, assetId: row.asset_id, userId: tx.actor.userId,
      subjectType: 'attachment', recordId: row.id, type: 'attachment_deleted', data: { before: snapshot(row), after: null },
    });
  }
  await deleteAttachmentRows(tx.db, { workspaceId, ids: rows.map((r) => r.id) });
}

/** What the multipart form of POST .../attachments carried; `file` was already streamed into the blob store. */
export interface AttachmentForm {
  file: ReceivedFile | undefined;
  name?: string | undefined;
  description?: string | undefined;
  reviewId?: string | undefined;
  commentId?: string | undefined;
}
export type AttachmentFormReader = (receive: (stream: Readable, fileName: string) => Promise<ReceivedFile>) => Promise<AttachmentForm>;

/** POST /workspaces/assets/{id}/attachments: stores the file, then the row (optionally on a review or comment). */
export async function uploadAttachment(ctx: Ctx, assetId: string, read: AttachmentFormReader): Promise<AttachmentView> {
  requirePermission(ctx.actor, 'asset.comment');
  const workspaceId = scopedWorkspaceId(ctx);
  // Refuse before reading the body: a foreign or trashed asset never gets bytes stored for it.
  assertDiscussable(await requireAsset(ctx, assetId));
  const form = await read((stream, fileName) => receiveFile(ctx, stream, fileName));
  if (!form.file) {
    throw errors.invalidField('body', 'file', 'is required');
  }
  if (form.reviewId !== undefined && form.commentId !== undefined) {
    throw errors.invalidField('body', 'comment_id', 'give review_id or comment_id, not both');
  }
  const file = form.file;
  const row = await inTransaction(ctx, async (tx) => {
    const asset = await requireAsset(tx, assetId);
    assertDiscussable(asset);
    if (form.commentId !== undefined) {
      const comment = await findComment(tx.db, { workspaceId, assetId, id: form.commentId });
      if (!comment || comment.deleted_at !== null) {
        throw errors.notFound('comment', form.commentId);
      }
      assertAuthorOrModerator(tx, comment.user_id, 'comment');
    }
    if (form.reviewId !== undefined) {
      const review = await findReview(tx.db, { workspaceId, assetId, id: form.reviewId });
      if (!review) {
        throw errors.notFound('review', form.reviewId);
      }
      assertAuthorOrModerator(tx, review.user_id, 'review');
    }
    return insertAttachmentFromFile(tx, { asset, file, name: form.name, description: form.description, commentId: form.commentId ?? null, reviewId: form.reviewId ?? null });
  });
  const [view] = await viewAttachments(ctx.db, [row]);
  return view ?? { attachment: row, user: undefined };
}

/** Only the author of a comment or review, or a workspace admin, may change what hangs off it. */
export function assertAuthorOrModerator(ctx: Ctx, authorId: string | null, what: string): void {
  if (authorId !== ctx.actor.userId && !can(ctx.actor, 'discussion.moderate')) {
    throw errors.forbidden(`${what}_not_yours`, `Only the author of the ${what} or a workspace admin can do this.`);
  }
}

/** GET /workspaces/assets/{id}/attachments: oldest first. */
export async function listAttachments(ctx: Ctx, assetId: string): Promise<AttachmentView[]> {
  requirePermission(ctx.actor, 'asset.read');
  await requireAsset(ctx, assetId);
  return viewAttachments(ctx.db, await listAssetAttachments(ctx.db, { workspaceId: scopedWorkspaceId(ctx), assetId }));
}

async function requireAttachment(ctx: Ctx, assetId: string, id: string): Promise<AttachmentRow> {
  await requireAsset(ctx, assetId);
  const row = await findAttachment(ctx.db, { workspaceId: scopedWorkspaceId(ctx), assetId, id });
  if (!row) {
    throw errors.notFound('attachment', id);
  }
  return row;
}

export interface AttachmentFile {
  stream: Readable;
  contentType: string;
  size: number | undefined;
  /** Safe for Content-Disposition. */
  fileName: string;
  etag: string;
}

/** GET .../attachments/{id}/download: the file's bytes as stored. */
export async function openAttachment(ctx: Ctx, assetId: string, id: string): Promise<AttachmentFile> {
  requirePermission(ctx.actor, 'asset.read');
  const row = await requireAttachment(ctx, assetId, id);
  return {
    stream: await ctx.blobs.get(row.blob_key),
    contentType: row.content_type,
    size: Number(row.size),
    fileName: sanitizeFileName(row.name) ?? 'attachment',
    etag: `"${row.blob_key}"`,
  };
}

/** GET .../attachments/{id}/thumbnail: the 256 px WebP, 404 `thumbnail_not_found` until the job has made it. */
export async function openAttachmentThumbnail(ctx: Ctx, assetId: string, id: string): Promise<AttachmentFile> {
  requirePermission(ctx.actor, 'asset.read');
  const row = await requireAttachment(ctx, assetId, id);
  if (!row.thumbnail_blob_key) {
    throw errors.notFound('thumbnail');
  }
  return {
    stream: await ctx.blobs.get(row.thumbnail_blob_key),
    contentType: THUMBNAIL_CONTENT_TYPE,
    size: undefined,
    fileName: `${sanitizeFileName(row.name) ?? 'attachment'}.webp`,
    etag: `"${row.thumbnail_blob_key}"`,
  };
}

/** DELETE .../attachments/{id}: its creator or a workspace admin. */
export async function deleteAttachment(ctx: Ctx, assetId: string, id: string): Promise<void> {
  requirePermission(ctx.actor, 'asset.comment');
  await inTransaction(ctx, async (tx) => {
    const row = await requireAttachment(tx, assetId, id);
    if (row.created_by_user_id !== tx.actor.userId && !can(tx.actor, 'discussion.moderate')) {
      throw errors.forbidden('attachment_not_yours', 'Only the uploader or a workspace admin can delete an attachment.');
    }
    await removeAttachments(tx, [row]);
  });
}
