import type { ColumnType, Generated } from 'kysely';
import type { Keyed } from './keyed.js';

/* Assets, versions, derivatives, the job queue, upload sessions and imports. */

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
  /** The workspace the job works for (its payload's `workspace_id`), null for system and account jobs. */
  workspace_id: Generated<string | null>;
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
  /** tus: 1 when the bytes are one temp file named by the session's id, written at each PATCH's offset; 0: parts. */
  bytes_in_place: Generated<number>;
  /** tus in place: the PATCH writing now (a token of its own) and when its claim lapses (ISO time). */
  write_claim_token: Generated<string | null>;
  write_claim_until: Generated<string | null>;
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
