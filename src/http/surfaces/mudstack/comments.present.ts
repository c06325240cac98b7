import { readIdList, readJsonObject } from '../../../domain/comments/discussion.rules.js';
import type { CommentView } from '../../../domain/comments/comments.service.js';
import { presentAttachment } from './attachments.present.js';
import type { CommentJson } from './comments.schemas.js';
import { presentUser } from './users.present.js';

/** A comment of the flat list: replies point at their parent with `parent_id`. */
export function presentComment(view: CommentView): CommentJson {
  const c = view.comment;
  return {
    id: c.id,
    asset_id: c.asset_id,
    asset_version_id: c.asset_version_id,
    user_id: c.user_id,
    parent_id: c.parent_id,
    content: c.content,
    mentions: readIdList(c.mentions),
    viewer_metadata: readJsonObject(c.viewer_metadata),
    attachments: view.attachments.map(presentAttachment),
    user: view.user ? presentUser(view.user) : null,
    replies_count: view.repliesCount,
    created_at: c.created_at,
    updated_at: c.updated_at,
    edited_at: c.edited_at,
    deleted_at: c.deleted_at,
  };
}
