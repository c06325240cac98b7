import { readIdList, readJsonObject } from '../../../domain/comments/discussion.rules.js';
import type { ReviewView } from '../../../domain/reviews/review-views.js';
import { presentAttachment } from './attachments.present.js';
import type { ReviewJson } from './reviews.schemas.js';
import { presentUser } from './users.present.js';
import { presentVersion } from './versions.present.js';

/** Mudstack Review (§7, and the nested review of seed 001's reviewRequests). */
export function presentReview(view: ReviewView): ReviewJson {
  const r = view.review;
  return {
    id: r.id,
    workspace_id: r.workspace_id,
    asset_id: r.asset_id,
    asset_version_id: r.asset_version_id,
    user_id: r.user_id,
    assigned_user_id: r.assigned_user_id,
    status: r.status,
    content: r.content,
    mentions: readIdList(r.mentions),
    viewer_metadata: readJsonObject(r.viewer_metadata),
    attachments: view.attachments.map(presentAttachment),
    version: view.version ? presentVersion(view.version) : null,
    user: view.user ? presentUser(view.user) : null,
    assignee: view.assignee ? presentUser(view.assignee) : null,
    created_at: r.created_at,
    updated_at: r.updated_at,
  };
}
