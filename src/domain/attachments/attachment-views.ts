import type { Kysely } from 'kysely';
import type { AttachmentRow, DB, UserRow } from '../../db/schema.js';
import { findUsersByIds } from '../users/users.repo.js';

/*
 * Loading what surfaces show of attachments. Kept apart from attachments.service.ts so the asset relations loader
 * (through review requests) can use it without importing services.
 */

export interface AttachmentView {
  attachment: AttachmentRow;
  user: UserRow | undefined;
}

/** Attachments with their creators, in one users query. */
export async function viewAttachments(db: Kysely<DB>, rows: readonly AttachmentRow[]): Promise<AttachmentView[]> {
  const users = await findUsersByIds(db, rows.flatMap((r) => (r.created_by_user_id ? [r.created_by_user_id] : [])));
  return rows.map((attachment) => ({ attachment, user: attachment.created_by_user_id ? users.get(attachment.created_by_user_id) : undefined }));
}
