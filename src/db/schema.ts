import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';

/*
 * Table interfaces. Conventions shared by both dialects:
 * - `id` is a UUID string, `sequence` an integer unique per table (integer-id surfaces expose it as `id`);
 * - timestamps are ISO-8601 UTC strings (`2026-11-23T10:00:00.000Z`), so they sort as text in both dialects;
 * - booleans are 0/1 integers; JSON is stored as text.
 */

interface Keyed {
  id: string;
  sequence: Generated<number>;
}

export interface UsersTable extends Keyed {
  email: string;
  username: string;
  first_name: Generated<string>;
  last_name: Generated<string>;
  default_avatar: Generated<number>;
  avatar_blob_key: string | null;
  industry: string | null;
  occupation: string | null;
  company: string | null;
  city: string | null;
  state: string | null;
  country: string | null;
  zip_code: string | null;
  invited_by_user_id: string | null;
  is_active: Generated<number>;
  created_at: string;
  updated_at: string;
}

export interface AccountsTable extends Keyed {
  name: string;
  thumbnail_blob_key: string | null;
  default_avatar: Generated<number>;
  created_by_user_id: string | null;
  created_at: string;
  updated_at: string;
}

export interface AccountMembersTable extends Keyed {
  account_id: string;
  user_id: string;
  role: string;
  created_at: string;
  updated_at: string;
}

export interface WorkspacesTable extends Keyed {
  account_id: string;
  name: string;
  thumbnail_blob_key: string | null;
  default_avatar: Generated<number>;
  created_by_user_id: string | null;
  created_at: string;
  updated_at: string;
}

export interface WorkspaceMembersTable extends Keyed {
  workspace_id: string;
  user_id: string;
  role: string;
  created_at: string;
  updated_at: string;
}

export interface ApiKeysTable extends Keyed {
  account_id: string;
  user_id: string;
  key: string;
  secret_hash: string;
  name: string;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
}

export interface InvitesTable extends Keyed {
  account_id: string;
  invited_by_user_id: string | null;
  email: string;
  role: string;
  workspace_ids: string;
  token_hash: string;
  created_at: string;
  sent_at: string | null;
  expires_at: string;
  accepted_at: string | null;
  rejected_at: string | null;
  revoked_at: string | null;
  /** Role in `workspace_ids` on acceptance; null = the account's default_workspace_role setting. */
  workspace_role: string | null;
}

export interface SettingsTable extends Keyed {
  account_id: string;
  workspace_id: string | null;
  key: string;
  value: string;
  updated_by_user_id: string | null;
  updated_at: string;
}

export interface HistoryEventsTable extends Keyed {
  account_id: string | null;
  workspace_id: string | null;
  asset_id: string | null;
  user_id: string | null;
  subject_type: string;
  record_id: string | null;
  type: string;
  data: string;
  created_at: string;
}

export interface NotificationsTable extends Keyed {
  account_id: string;
  workspace_id: string | null;
  user_id: string;
  type: string;
  data: string;
  read_at: string | null;
  created_at: string;
}

export interface AuthFailuresTable extends Keyed {
  bucket: string;
  failed_at: string;
}

export interface AssetsTable extends Keyed {
  workspace_id: string;
  name: string;
  file_name: string;
  /** Folder path in `/a/b/` form (lib/safe-path.ts); `/` is the workspace root. */
  file_location: Generated<string>;
  /** An id from the static catalogue in domain/assets/asset-types.ts. */
  asset_type_id: string;
  status_id: string | null;
  description: Generated<string>;
  current_version_id: string | null;
  created_by_user_id: string | null;
  locked_by_user_id: string | null;
  /** When the current lock holder took the lock (null when unlocked). */
  locked_at: ColumnType<string | null, string | null | undefined, string | null>;
  /** 1 = live, 0 = in the trash. */
  is_active: Generated<number>;
  deleted_at: string | null;
  deleted_by_user_id: string | null;
  created_at: string;
  updated_at: string;
}

export interface AssetVersionsTable extends Keyed {
  asset_id: string;
  workspace_id: string;
  /** 1..n per asset (unique with asset_id). */
  version_number: number;
  /** The version that was current when this one was committed. */
  commit_parent_id: string | null;
  name: string;
  description: Generated<string>;
  /** The blob store key (sha256 of the content). */
  blob_key: string;
  size: number;
  /** Lowercase hex SHA-256 of the content, verified at commit. */
  checksum: string;
  /** Sniffed from the bytes; never the client's claim. */
  content_type: string;
  original_file_name: string;
  thumbnail_blob_key: string | null;
  /** JSON object: probe results, EXIF... */
  metadata: Generated<string>;
  created_by_user_id: string | null;
  created_at: string;
  deleted_at: string | null;
}

export interface DerivativesTable extends Keyed {
  version_id: string;
  workspace_id: string;
  kind: string;
  state: Generated<string>;
  blob_key: string | null;
  content_type: string | null;
  size: number | null;
  width: number | null;
  height: number | null;
  error: string | null;
  created_at: string;
  updated_at: string;
}

/** The job queue (src/jobs/). `state` is one of JOB_STATES in src/jobs/registry.ts; `payload` is JSON text. */
export interface JobsTable extends Keyed {
  name: string;
  payload: string;
  priority: number;
  state: 'available' | 'running' | 'completed' | 'dead' | 'cancelled';
  attempts: number;
  max_attempts: number;
  run_at: string;
  locked_by: string | null;
  locked_until: string | null;
  last_error: string | null;
  unique_key: string | null;
  created_at: string;
  updated_at: string;
  finished_at: string | null;
}

/** A presigned or tus upload in progress (src/domain/uploads/). `metadata` is JSON text (file_location, name...). */
export interface UploadSessionsTable extends Keyed {
  workspace_id: string;
  created_by_user_id: string | null;
  kind: 'presigned' | 'tus';
  file_name: string;
  /** tus: Upload-Length; presigned: the optional `size` of the request. */
  declared_size: number | null;
  declared_checksum: string | null;
  /** tus: Upload-Offset; presigned: bytes received by Atelier's signed PUT (0 when they went to S3 directly). */
  received_bytes: Generated<number>;
  state: Generated<'open' | 'committing' | 'committed' | 'failed'>;
  asset_id: string | null;
  version_id: string | null;
  expires_at: string;
  metadata: Generated<string>;
  created_at: string;
  updated_at: string;
}

/** One PATCH body of a tus upload, stored as the temp bytes named by the part's id. */
export interface UploadPartsTable extends Keyed {
  session_id: string;
  start_offset: number;
  size: number;
  created_at: string;
}

/** An import from a server path or a URL (`import.run` job). `errors` and `asset_ids` are JSON arrays. */
export interface ImportsTable extends Keyed {
  workspace_id: string;
  account_id: string;
  created_by_user_id: string | null;
  source_kind: 'path' | 'url';
  source: string;
  file_location: string;
  state: Generated<'queued' | 'running' | 'completed' | 'failed'>;
  total: Generated<number>;
  done: Generated<number>;
  failed: Generated<number>;
  errors: Generated<string>;
  asset_ids: Generated<string>;
  created_at: string;
  updated_at: string;
  finished_at: string | null;
}

/** Workspace tags (organisation); `name_key` is the lower-cased name, unique per workspace. */
export interface TagsTable extends Keyed {
  workspace_id: string;
  name: string;
  name_key: string;
  color: string;
  created_by_user_id: string | null;
  created_at: string;
  updated_at: string;
}

export interface AssetTagsTable extends Keyed {
  workspace_id: string;
  asset_id: string;
  tag_id: string;
  created_by_user_id: string | null;
  created_at: string;
}

export interface LibrariesTable extends Keyed {
  workspace_id: string;
  name: string;
  description: Generated<string>;
  thumbnail_blob_key: string | null;
  default_avatar: Generated<number>;
  created_by_user_id: string | null;
  created_at: string;
  updated_at: string;
}

export interface LibraryAssetsTable extends Keyed {
  workspace_id: string;
  library_id: string;
  asset_id: string;
  added_by_user_id: string | null;
  created_at: string;
}

/** Workflow statuses; `rank` is a zero-padded decimal string, so text order is rank order. */
export interface AssetStatusesTable extends Keyed {
  workspace_id: string;
  name: string;
  name_key: string;
  color: string;
  rank: string;
  created_by_user_id: string | null;
  created_at: string;
  updated_at: string;
}

/** A user's favourite asset (favorites) or an asset whose changes notify the user (asset_subscriptions). */
export interface AssetUserMarksTable extends Keyed {
  workspace_id: string;
  asset_id: string;
  user_id: string;
  created_at: string;
}

/** A folder of a workspace; `path` is `/a/b/` (unique per workspace), the root `/` has no row. */
export interface FoldersTable extends Keyed {
  workspace_id: string;
  path: string;
  /** Null for a top-level folder. */
  parent_id: string | null;
  name: string;
  created_by_user_id: string | null;
  created_at: string;
  updated_at: string;
}

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
  created_by_user_id: string | null;
  created_at: string;
  updated_at: string;
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
  completed_at: string | null;
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

export interface DB {
  users: UsersTable;
  accounts: AccountsTable;
  account_members: AccountMembersTable;
  workspaces: WorkspacesTable;
  workspace_members: WorkspaceMembersTable;
  api_keys: ApiKeysTable;
  invites: InvitesTable;
  settings: SettingsTable;
  history_events: HistoryEventsTable;
  notifications: NotificationsTable;
  auth_failures: AuthFailuresTable;
  assets: AssetsTable;
  asset_versions: AssetVersionsTable;
  derivatives: DerivativesTable;
  jobs: JobsTable;
  upload_sessions: UploadSessionsTable;
  upload_parts: UploadPartsTable;
  imports: ImportsTable;
  tags: TagsTable;
  asset_tags: AssetTagsTable;
  libraries: LibrariesTable;
  library_assets: LibraryAssetsTable;
  asset_statuses: AssetStatusesTable;
  favorites: AssetUserMarksTable;
  asset_subscriptions: AssetUserMarksTable;
  folders: FoldersTable;
  comments: CommentsTable;
  reviews: ReviewsTable;
  attachments: AttachmentsTable;
  review_requests: ReviewRequestsTable;
  task_statuses: TaskStatusesTable;
  tasks: TasksTable;
  asset_search: AssetSearchTable;
  webhooks: WebhooksTable;
  webhook_deliveries: WebhookDeliveriesTable;
  event_cursors: EventCursorsTable;
}

export type UserRow = Selectable<UsersTable>;
export type NewUserRow = Insertable<UsersTable>;
export type AccountRow = Selectable<AccountsTable>;
export type AccountMemberRow = Selectable<AccountMembersTable>;
export type WorkspaceRow = Selectable<WorkspacesTable>;
export type WorkspaceUpdate = Updateable<WorkspacesTable>;
export type WorkspaceMemberRow = Selectable<WorkspaceMembersTable>;
export type ApiKeyRow = Selectable<ApiKeysTable>;
export type InviteRow = Selectable<InvitesTable>;
export type SettingRow = Selectable<SettingsTable>;
export type HistoryEventRow = Selectable<HistoryEventsTable>;
export type NotificationRow = Selectable<NotificationsTable>;
export type WebhookRow = Selectable<WebhooksTable>;
export type WebhookDeliveryRow = Selectable<WebhookDeliveriesTable>;
export type AssetRow = Selectable<AssetsTable>;
export type NewAssetRow = Insertable<AssetsTable>;
export type AssetUpdate = Updateable<AssetsTable>;
export type AssetVersionRow = Selectable<AssetVersionsTable>;
export type NewAssetVersionRow = Insertable<AssetVersionsTable>;
export type DerivativeRow = Selectable<DerivativesTable>;
export type NewDerivativeRow = Insertable<DerivativesTable>;
export type JobRow = Selectable<JobsTable>;
export type NewJobRow = Insertable<JobsTable>;
export type UploadSessionRow = Selectable<UploadSessionsTable>;
export type UploadPartRow = Selectable<UploadPartsTable>;
export type ImportRow = Selectable<ImportsTable>;
export type TagRow = Selectable<TagsTable>;
export type LibraryRow = Selectable<LibrariesTable>;
export type LibraryUpdate = Updateable<LibrariesTable>;
export type AssetStatusRow = Selectable<AssetStatusesTable>;
export type FolderRow = Selectable<FoldersTable>;
export type CommentRow = Selectable<CommentsTable>;
export type ReviewRow = Selectable<ReviewsTable>;
export type AttachmentRow = Selectable<AttachmentsTable>;
export type ReviewRequestRow = Selectable<ReviewRequestsTable>;
export type TaskStatusRow = Selectable<TaskStatusesTable>;
export type TaskRow = Selectable<TasksTable>;
export type NewTaskRow = Insertable<TasksTable>;
export type TaskUpdate = Updateable<TasksTable>;
