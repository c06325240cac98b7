import type { AttachmentView } from '../../../domain/attachments/attachment-views.js';
import type { AttachmentJson } from './attachments.schemas.js';
import { presentUser } from './users.present.js';

/** Mudstack Attachment (§7) plus Atelier's content_type, size and created_at. */
export function presentAttachment(view: AttachmentView): AttachmentJson {
  const a = view.attachment;
  return {
    id: a.id,
    asset_id: a.asset_id,
    created_by_user_id: a.created_by_user_id,
    file_id: a.blob_key,
    thumbnail_file_id: a.thumbnail_blob_key,
    review_id: a.review_id,
    comment_id: a.comment_id,
    name: a.name,
    description: a.description,
    content_type: a.content_type,
    size: Number(a.size),
    user: view.user ? presentUser(view.user) : null,
    created_at: a.created_at,
  };
}
