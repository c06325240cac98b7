import type { Generated } from 'kysely';
import type { Keyed } from './keyed.js';

/** A Workstream project. `status` 1 active, 2 on hold, 3 completed, 4 archived; `description` HTML. */
export interface ProjectsTable extends Keyed {
  account_id: string;
  workspace_id: string;
  name: string;
  description: Generated<string>;
  sponsor_id: string | null;
  owner_id: string | null;
  status: Generated<number>;
  /** `YYYY-MM-DD` or an ISO date-time. */
  launch_date: string | null;
  created_by_user_id: string | null;
  created_at: string;
  updated_at: string;
}

/** An asset linked to a project (the link only: unlinking never deletes the asset). */
export interface ProjectLinkedAssetsTable extends Keyed {
  workspace_id: string;
  project_id: string;
  asset_id: string;
  added_by_user_id: string | null;
  created_at: string;
}

export interface ProjectWatchersTable extends Keyed {
  workspace_id: string;
  project_id: string;
  user_id: string;
  added_by_user_id: string | null;
  created_at: string;
}

/** One proof per asset. `status` 1 ready, 2 pending, 3 unsupported file type, 4 generation failed. */
export interface ProofsTable extends Keyed {
  workspace_id: string;
  asset_id: string;
  version_id: string | null;
  version_number: number;
  status: number;
  error: string | null;
  /** 1 folder, 2 task, 3 project, 4 approval: the scope it was generated through. */
  source: number;
  /** That container's integer id. */
  primary_source_id: number;
  owner_id: string | null;
  created_at: string;
  updated_at: string;
}

export interface ProofPagesTable extends Keyed {
  workspace_id: string;
  proof_id: string;
  version_number: number;
  page: number;
  blob_key: string;
  content_type: string;
  width: number;
  height: number;
  created_at: string;
}
