import type { Insertable, Kysely } from 'kysely';
import type { AttachmentRow, AttachmentsTable, DB } from '../../db/schema.js';

/** One attachment of one asset of the workspace; another asset's or tenant's reads as absent. */
export function findAttachment(
  db: Kysely<DB>,
  scope: { workspaceId: string; assetId: string; id: string },
): Promise<AttachmentRow | undefined> {
  return db
    .selectFrom('attachments')
    .selectAll()
    .where('id', '=', scope.id)
    .where('asset_id', '=', scope.assetId)
    .where('workspace_id', '=', scope.workspaceId)
    .executeTakeFirst();
}

/** By id only within the workspace (the thumbnail job's lookup). */
export function findWorkspaceAttachment(db: Kysely<DB>, scope: { workspaceId: string; id: string }): Promise<AttachmentRow | undefined> {
  return db.selectFrom('attachments').selectAll().where('id', '=', scope.id).where('workspace_id', '=', scope.workspaceId).executeTakeFirst();
}

/** The asset's attachments, oldest first. */
export function listAssetAttachments(db: Kysely<DB>, scope: { workspaceId: string; assetId: string }): Promise<AttachmentRow[]> {
  return db
    .selectFrom('attachments')
    .selectAll()
    .where('workspace_id', '=', scope.workspaceId)
    .where('asset_id', '=', scope.assetId)
    .orderBy('sequence')
    .execute();
}

/** Attachments of several comments or reviews of the workspace, oldest first. */
export async function listAttachmentsOf(
  db: Kysely<DB>,
  scope: { workspaceId: string; column: 'comment_id' | 'review_id'; ids: readonly string[] },
): Promise<AttachmentRow[]> {
  if (scope.ids.length === 0) {
    return [];
  }
  return db
    .selectFrom('attachments')
    .selectAll()
    .where('workspace_id', '=', scope.workspaceId)
    .where(scope.column, 'in', [...new Set(scope.ids)])
    .orderBy('sequence')
    .execute();
}

export function insertAttachment(db: Kysely<DB>, row: Insertable<AttachmentsTable>): Promise<AttachmentRow> {
  return db.insertInto('attachments').values(row).returningAll().executeTakeFirstOrThrow();
}

/** Hangs an attachment off a comment or a review; undefined when it is not the asset's. */
export function linkAttachmentRow(
  db: Kysely<DB>,
  scope: { workspaceId: string; assetId: string; id: string },
  link: { comment_id: string } | { review_id: string },
): Promise<AttachmentRow | undefined> {
  return db
    .updateTable('attachments')
    .set(link)
    .where('id', '=', scope.id)
    .where('asset_id', '=', scope.assetId)
    .where('workspace_id', '=', scope.workspaceId)
    .returningAll()
    .executeTakeFirst();
}

/** Records a made thumbnail (idempotent: the job may run twice). */
export async function setAttachmentThumbnail(db: Kysely<DB>, scope: { workspaceId: string; id: string }, key: string): Promise<void> {
  await db.updateTable('attachments').set({ thumbnail_blob_key: key }).where('id', '=', scope.id).where('workspace_id', '=', scope.workspaceId).execute();
}

/** Deletes rows of the workspace; their blobs are left to the orphan sweep (blobs are shared through dedup). */
export async function deleteAttachmentRows(db: Kysely<DB>, scope: { workspaceId: string; ids: readonly string[] }): Promise<void> {
  if (scope.ids.length === 0) {
    return;
  }
  await db.deleteFrom('attachments').where('workspace_id', '=', scope.workspaceId).where('id', 'in', [...scope.ids]).execute();
}
