import type { ColumnType, Generated } from 'kysely';
import type { Keyed } from './keyed.js';

/* Comments, reviews, attachments, review requests, tasks, webhooks, the search index. */

/** Comments on an asset or a version; soft-deleted (content emptied, deleted_at set). JSON text: mentions, viewer_metadata. */
export interface CommentsTable extends Keyed {
  workspace_id: string;
  asset_id: string;
  asset_version_id: string | null;
  user_id: string | null;
  parent_id: string | null;
  content: string;
  mentions: Generated<string>;
  viewer_metadata: Generated<string>;
  created_at: string;
  updated_at: string;
  edited_at: string | null;
  deleted_at: string | null;
}

/** A reviewer's answer on a version: status approved | changes_requested | commented. */
export interface ReviewsTable extends Keyed {
  workspace_id: string;
  asset_id: string;
  asset_version_id: string | null;
  user_id: string | null;
  assigned_user_id: string | null;
  status: string;
  content: string;
  mentions: Generated<string>;
  viewer_metadata: Generated<string>;
  created_at: string;
  updated_at: string;
}

/** A file on an asset, optionally on one review or comment; `blob_key` / `thumbnail_blob_key` are blob store keys. */
export interface AttachmentsTable extends Keyed {
  workspace_id: string;
  asset_id: string;
  created_by_user_id: string | null;
  review_id: string | null;
  comment_id: string | null;
  blob_key: string;
  thumbnail_blob_key: string | null;
  name: string;
  description: Generated<string>;
  content_type: string;
  size: number;
  created_at: string;
}

/** A request that `user_id` review a version; state open | completed | cancelled. */
export interface ReviewRequestsTable extends Keyed {
  workspace_id: string;
  asset_id: string;
  asset_version_id: string | null;
  requestor_id: string | null;
  user_id: string;
  review_id: string | null;
  state: string;
  message: Generated<string>;
  created_at: string;
  updated_at: string;
  completed_at: string | null;
  cancelled_at: string | null;
  /** The approval engine's slot this request is (domain/approvals/review-bridge.ts). */
  approval_response_id: ColumnType<string | null, string | null | undefined, string | null>;
}

/** Task statuses per workspace (shared by the Mudstack and Workstream surfaces); `is_closed` 0/1. */
export interface TaskStatusesTable extends Keyed {
  workspace_id: string;
  name: string;
  /** Lower-cased name, unique per workspace. */
  name_key: string;
  color: string;
  rank: number;
  is_closed: Generated<number>;
  /** 1 for the workspace's draft status (Workstream form drafts); never a default, never set by an update. */
  is_draft: Generated<number>;
  created_by_user_id: string | null;
  created_at: string;
  updated_at: string;
}

/** One item of a task's checklist; `status` 0 incomplete, 1 complete; shown in `pos` order. */
export interface TaskChecklistItemsTable extends Keyed {
  workspace_id: string;
  task_id: string;
  value: string;
  status: number;
  pos: number;
  creator_id: string | null;
  completed_by_id: string | null;
  created_at: string;
  updated_at: string;
}

/** A user watching a task. */
export interface TaskWatchersTable extends Keyed {
  workspace_id: string;
  task_id: string;
  user_id: string;
  added_by_user_id: string | null;
  created_at: string;
}

/** A task (Mudstack task = Workstream task). `priority` 1 Low, 2 Medium, 3 High; `form_fields` JSON text. */
export interface TasksTable extends Keyed {
  account_id: string;
  workspace_id: string;
  /** Workstream project; null for Mudstack tasks. */
  project_id: string | null;
  asset_id: string | null;
  title: string;
  description: Generated<string>;
  priority: Generated<number>;
  status_id: string;
  creator_id: string | null;
  assignee_id: string | null;
  /** `YYYY-MM-DD` or an ISO date-time. */
  due_date: string | null;
  form_fields: Generated<string>;
  /** How many keywords `form_fields.keywords` holds (forms.rules.ts keywordList): Workstream's T1 sort key. */
  keyword_count: Generated<number>;
  /** The request form the task was made from (Workstream T8). */
  form_id: ColumnType<string | null, string | null | undefined, string | null>;
  /** The guest session that submitted it (docs/workstream.md, guest access). */
  guest_session_id: ColumnType<string | null, string | null | undefined, string | null>;
  completed_at: string | null;
  /** When the assignee was told the due date is near (tasks.remind_due); a new due date or assignee clears it. */
  due_reminded_at: ColumnType<string | null, string | null | undefined, string | null>;
  created_at: string;
  updated_at: string;
}

export interface WebhooksTable extends Keyed {
  workspace_id: string;
  url: string;
  /** `whsec_` + base64; kept in clear because it signs every delivery. */
  secret: string;
  /** JSON array of history event types, or ["*"]. */
  event_types: string;
  active: number;
  description: string | null;
  created_by_user_id: string | null;
  created_at: string;
  updated_at: string;
}

export type WebhookDeliveryState = 'pending' | 'succeeded' | 'failed' | 'dead';

export interface WebhookDeliveriesTable extends Keyed {
  webhook_id: string;
  workspace_id: string;
  /** The message id (webhook-id header): the history event's id, or a generated one for pings. */
  event_id: string;
  event_type: string;
  /** The JSON body sent. */
  payload: string;
  state: WebhookDeliveryState;
  attempts: number;
  response_status: number | null;
  response_body: string | null;
  error: string | null;
  duration_ms: number | null;
  created_at: string;
  delivered_at: string | null;
  next_attempt_at: string | null;
}

export interface EventCursorsTable extends Keyed {
  name: string;
  last_sequence: number;
  updated_at: string;
}

/**
 * The text an asset is found by (domain/search): one row per asset, keyed by it, carrying the asset's `sequence`.
 * `names` / `body` are space-joined tokens. PostgreSQL adds a `document` tsvector, written by the dialect module only.
 */
export interface AssetSearchTable {
  asset_id: string;
  sequence: number;
  workspace_id: string;
  names: string;
  body: string;
  updated_at: string;
}
