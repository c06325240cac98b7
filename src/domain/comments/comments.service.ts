import type { Readable } from 'node:stream';
import type { CommentRow, UserRow } from '../../db/schema.js';
import { isoNow } from '../../lib/clock.js';
import { newId } from '../../lib/ids.js';
import { requirePermission } from '../access.js';
import { requireAsset } from '../assets/assets.service.js';
import { viewAttachments, type AttachmentView } from '../attachments/attachment-views.js';
import { listAttachmentsOf } from '../attachments/attachments.repo.js';
import { assertAuthorOrModerator, insertAttachmentFromFile, linkAttachments, removeAttachments } from '../attachments/attachments.service.js';
import { inTransaction, scopedAccountId, scopedWorkspaceId, type Ctx } from '../context.js';
import { errors, type FieldProblem } from '../errors.js';
import { recordHistory } from '../history/history.service.js';
import { notify } from '../notifications/notifications.service.js';
import { notifySubscribers } from '../subscriptions/notify-subscribers.js';
import { receiveFile, type ReceivedFile } from '../uploads/receive.js';
import { findUsersByIds } from '../users/users.repo.js';
import { findVersion } from '../versions/versions.repo.js';
import { countReplies, findComment, insertComment, listAssetComments, updateCommentRow } from './comments.repo.js';
import { assertDiscussable, cleanContent, parseViewerMetadata, readIdList, readJsonObject, resolveMentions } from './discussion.rules.js';

export interface CommentView {
  comment: CommentRow;
  user: UserRow | undefined;
  attachments: AttachmentView[];
  repliesCount: number;
}

/** The comment fields a request sent; `part` says where, for error pointers. */
export interface CommentInput {
  content?: string | undefined;
  assetVersionId?: string | undefined;
  parentId?: string | undefined;
  mentions?: readonly string[] | undefined;
  viewerMetadata?: unknown;
  files?: readonly string[] | undefined;
  part: FieldProblem['in'];
}

/** Reads a comment request; a multipart `file` is streamed into the blob store through `receive`. */
export type CommentReader = (receive: (stream: Readable, fileName: string) => Promise<ReceivedFile>) => Promise<{ input: CommentInput; file?: ReceivedFile | undefined }>;

const snapshot = (c: CommentRow) => ({
  content: c.content, parent_id: c.parent_id, asset_version_id: c.asset_version_id, mentions: readIdList(c.mentions),
  viewer_metadata: readJsonObject(c.viewer_metadata), deleted_at: c.deleted_at,
});

/** Comments with author, attachments and reply counts, in four queries whatever their number. */
async function viewComments(ctx: Ctx, rows: readonly CommentRow[]): Promise<CommentView[]> {
  const workspaceId = scopedWorkspaceId(ctx);
  const ids = rows.map((r) => r.id);
  const [users, attachmentRows, replies] = await Promise.all([
    findUsersByIds(ctx.db, rows.flatMap((r) => (r.user_id ? [r.user_id] : []))),
    listAttachmentsOf(ctx.db, { workspaceId, column: 'comment_id', ids }),
    countReplies(ctx.db, { workspaceId, ids }),
  ]);
  const attachments = await viewAttachments(ctx.db, attachmentRows);
  return rows.map((comment) => ({
    comment,
    user: comment.user_id ? users.get(comment.user_id) : undefined,
    attachments: attachments.filter((a) => a.attachment.comment_id === comment.id),
    repliesCount: replies.get(comment.id) ?? 0,
  }));
}

async function viewOne(ctx: Ctx, row: CommentRow): Promise<CommentView> {
  const [view] = await viewComments(ctx, [row]);
  if (!view) {
    throw errors.notFound('comment', row.id);
  }
  return view;
}

/** A live comment of the asset; deleted ones and other assets' or tenants' read as absent. */
async function requireLiveComment(ctx: Ctx, assetId: string, id: string): Promise<CommentRow> {
  const row = await findComment(ctx.db, { workspaceId: scopedWorkspaceId(ctx), assetId, id });
  if (!row || row.deleted_at !== null) {
    throw errors.notFound('comment', id);
  }
  return row;
}

/** Mentions notify the newly mentioned; a reply notifies the parent's author (once, and never the writer). */
async function notifyCommentPeople(tx: Ctx, comment: CommentRow, change: { newMentions: readonly string[]; parent: CommentRow | undefined }): Promise<void> {
  const base = { accountId: scopedAccountId(tx), workspaceId: comment.workspace_id };
  const data = { asset_id: comment.asset_id, asset_version_id: comment.asset_version_id, comment_id: comment.id, by_user_id: tx.actor.userId };
  const mentioned = change.newMentions.filter((id) => id !== tx.actor.userId);
  await notify(tx, { ...base, userIds: mentioned, type: 'mention', data: { ...data, subject: 'comment' } });
  const parentAuthor = change.parent?.user_id;
  if (parentAuthor && parentAuthor !== tx.actor.userId && !mentioned.includes(parentAuthor)) {
    await notify(tx, { ...base, userIds: [parentAuthor], type: 'comment_reply', data: { ...data, parent_id: change.parent?.id } });
  }
}

/** GET /workspaces/assets/{id}/comments: a flat list, oldest first, each with parent_id and replies_count. */
export async function listComments(ctx: Ctx, assetId: string, filter: { versionId?: string | undefined }): Promise<CommentView[]> {
  requirePermission(ctx.actor, 'asset.read');
  const workspaceId = scopedWorkspaceId(ctx);
  await requireAsset(ctx, assetId);
  if (filter.versionId !== undefined && !(await findVersion(ctx.db, { workspaceId, assetId, id: filter.versionId }))) {
    throw errors.notFound('version', filter.versionId);
  }
  return viewComments(ctx, await listAssetComments(ctx.db, { workspaceId, assetId, versionId: filter.versionId }));
}

/**
 * POST /workspaces/assets/{id}/comments: a comment on the asset, or on a version, or a reply (`parent_id`; a reply
 * without a version takes its parent's). Attachments come as `files` (ids already uploaded) and/or a multipart `file`.
 */
export async function createComment(ctx: Ctx, assetId: string, read: CommentReader): Promise<CommentView> {
  requirePermission(ctx.actor, 'asset.comment');
  const workspaceId = scopedWorkspaceId(ctx);
  // Refuse before reading the body: a foreign or trashed asset never gets bytes stored for it.
  assertDiscussable(await requireAsset(ctx, assetId));
  const { input, file } = await read((stream, fileName) => receiveFile(ctx, stream, fileName));
  const row = await inTransaction(ctx, async (tx) => {
    const asset = await requireAsset(tx, assetId);
    assertDiscussable(asset);
    const hasFiles = file !== undefined || (input.files ?? []).length > 0;
    if (input.content === undefined && !hasFiles) {
      throw errors.invalidField(input.part, 'content', 'is required');
    }
    const content = cleanContent(input.content ?? '', input.part);
    if (content.trim() === '' && !hasFiles) {
      throw errors.invalidField(input.part, 'content', 'must not be empty');
    }
    const parent = input.parentId !== undefined ? await requireLiveComment(tx, assetId, input.parentId) : undefined;
    let versionId = parent?.asset_version_id ?? null;
    if (input.assetVersionId !== undefined) {
      const version = await findVersion(tx.db, { workspaceId, assetId, id: input.assetVersionId });
      if (!version || version.deleted_at !== null) {
        throw errors.notFound('version', input.assetVersionId);
      }
      versionId = version.id;
    }
    const viewer = parseViewerMetadata(input.viewerMetadata ?? {}, input.part);
    const mentions = await resolveMentions(tx, { explicit: input.mentions, content, part: input.part });
    const now = isoNow(tx.clock);
    const comment = await insertComment(tx.db, {
      id: newId(), workspace_id: workspaceId, asset_id: assetId, asset_version_id: versionId, user_id: tx.actor.userId, parent_id: parent?.id ?? null,
      content, mentions: JSON.stringify(mentions), viewer_metadata: JSON.stringify(viewer), created_at: now, updated_at: now, edited_at: null, deleted_at: null,
    });
    if (file) {
      await insertAttachmentFromFile(tx, { asset, file, commentId: comment.id });
    }
    await linkAttachments(tx, { assetId, ids: input.files ?? [], target: { comment_id: comment.id }, part: input.part });
    await recordHistory(tx, {
      accountId: scopedAccountId(tx), workspaceId, assetId, userId: tx.actor.userId, subjectType: 'comment', recordId: comment.id,
      type: 'comment_created', data: { before: null, after: snapshot(comment) },
    });
    await notifyCommentPeople(tx, comment, { newMentions: mentions, parent });
    await notifySubscribers(tx, {
      workspaceId, accountId: scopedAccountId(tx), assetId, actorUserId: tx.actor.userId, type: 'comment_created', data: { comment_id: comment.id },
    });
    return comment;
  });
  return viewOne(ctx, row);
}

/** PUT /workspaces/assets/{id}/comments/{comment_id}: the author only; newly mentioned users are notified. */
export async function updateComment(ctx: Ctx, assetId: string, commentId: string, input: CommentInput): Promise<CommentView> {
  requirePermission(ctx.actor, 'asset.comment');
  const workspaceId = scopedWorkspaceId(ctx);
  const row = await inTransaction(ctx, async (tx) => {
    const asset = await requireAsset(tx, assetId);
    const before = await requireLiveComment(tx, assetId, commentId);
    if (before.user_id !== tx.actor.userId) {
      throw errors.forbidden('comment_not_yours', 'Only the author can edit a comment.');
    }
    assertDiscussable(asset);
    for (const [field, value] of [['asset_version_id', input.assetVersionId], ['parent_id', input.parentId]] as const) {
      if (value !== undefined) {
        throw errors.invalidField(input.part, field, 'cannot be changed');
      }
    }
    const content = input.content !== undefined ? cleanContent(input.content, input.part) : before.content;
    const viewer = input.viewerMetadata !== undefined ? parseViewerMetadata(input.viewerMetadata, input.part) : readJsonObject(before.viewer_metadata);
    const oldMentions = readIdList(before.mentions);
    const mentions = input.mentions !== undefined || input.content !== undefined
      ? await resolveMentions(tx, { explicit: input.mentions ?? oldMentions, content, part: input.part })
      : oldMentions;
    const now = isoNow(tx.clock);
    const after = await updateCommentRow(tx.db, { workspaceId, id: before.id }, {
      content, mentions: JSON.stringify(mentions), viewer_metadata: JSON.stringify(viewer), updated_at: now, edited_at: now,
    });
    if (!after) {
      throw errors.notFound('comment', commentId);
    }
    await linkAttachments(tx, { assetId, ids: input.files ?? [], target: { comment_id: after.id }, part: input.part });
    await recordHistory(tx, {
      accountId: scopedAccountId(tx), workspaceId, assetId, userId: tx.actor.userId, subjectType: 'comment', recordId: after.id,
      type: 'comment_edited', data: { before: snapshot(before), after: snapshot(after) },
    });
    await notifyCommentPeople(tx, after, { newMentions: mentions.filter((id) => !oldMentions.includes(id)), parent: undefined });
    return after;
  });
  return viewOne(ctx, row);
}

/**
 * DELETE /workspaces/assets/{id}/comments/{comment_id}: the author or a workspace admin. A soft delete: the row
 * stays (content emptied, deleted_at set) so its replies keep their place; its attachments are removed.
 */
export async function deleteComment(ctx: Ctx, assetId: string, commentId: string): Promise<void> {
  requirePermission(ctx.actor, 'asset.comment');
  const workspaceId = scopedWorkspaceId(ctx);
  await inTransaction(ctx, async (tx) => {
    await requireAsset(tx, assetId);
    const before = await requireLiveComment(tx, assetId, commentId);
    assertAuthorOrModerator(tx, before.user_id, 'comment');
    await removeAttachments(tx, await listAttachmentsOf(tx.db, { workspaceId, column: 'comment_id', ids: [before.id] }));
    const now = isoNow(tx.clock);
    const after = await updateCommentRow(tx.db, { workspaceId, id: before.id }, { content: '', mentions: '[]', viewer_metadata: '{}', updated_at: now, deleted_at: now });
    await recordHistory(tx, {
      accountId: scopedAccountId(tx), workspaceId, assetId, userId: tx.actor.userId, subjectType: 'comment', recordId: before.id,
      type: 'comment_deleted', data: { before: snapshot(before), after: after ? snapshot(after) : null },
    });
  });
}
