import type { ReviewRequestView } from '../../../domain/reviews/review-views.js';
import type { ReviewRequestJson } from './review-requests.schemas.js';
import { presentReview } from './reviews.present.js';
import { presentUser } from './users.present.js';
import { presentVersion } from './versions.present.js';

/** A review request in the nested shape of seed 001's Asset.reviewRequests, plus id, state, message and times. */
export function presentReviewRequest(view: ReviewRequestView): ReviewRequestJson {
  const r = view.request;
  const a = view.asset;
  return {
    id: r.id,
    workspace_id: r.workspace_id,
    asset_id: r.asset_id,
    asset_version_id: r.asset_version_id,
    requestor_id: r.requestor_id,
    user_id: r.user_id,
    review_id: r.review_id,
    state: r.state,
    message: r.message,
    user: view.user ? presentUser(view.user) : null,
    requestor: view.requestor ? presentUser(view.requestor) : null,
    asset: a
      ? { id: a.id, workspace_id: a.workspace_id, name: a.name, file_name: a.file_name, file_location: a.file_location, current_version_id: a.current_version_id, isActive: a.is_active === 1 }
      : null,
    version: view.version ? presentVersion(view.version) : null,
    review: view.review ? presentReview(view.review) : null,
    created_at: r.created_at,
    updated_at: r.updated_at,
    completed_at: r.completed_at,
    cancelled_at: r.cancelled_at,
  };
}
