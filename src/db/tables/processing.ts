import type { Keyed } from './keyed.js';

/** A Vionlabs catalog item (docs/vionlabs.md): `item_key` is the customer's own id, unique per workspace. */
export interface ProcessingItemsTable extends Keyed {
  account_id: string;
  workspace_id: string;
  item_key: string;
  /** standalone | series | season | episode */
  type: string;
  title: string;
  /** The item JSON as last PUT (text). */
  body: string;
  /** The Atelier video asset the item's `video_uri` names; null when none (or the asset was removed). */
  asset_id: string | null;
  /** Episodic link: a season's series, an episode's season (or series) key. */
  parent_key: string | null;
  deleted_at: string | null;
  created_at: string;
  updated_at: string;
}

/** One processing task per (item, product, version); its work is the job `job_id`. */
export interface ProcessingTasksTable extends Keyed {
  account_id: string;
  workspace_id: string;
  item_id: string;
  product: string;
  version: string;
  /** low | medium | high */
  priority: string;
  /** pending | processing | done | failed | deactivated */
  status: string;
  error: string | null;
  job_id: string | null;
  /** The asset version the result was computed from. */
  source_version_id: string | null;
  /** The product's JSON once done (text). */
  result: string | null;
  created_by_user_id: string | null;
  created_at: string;
  updated_at: string;
  finished_at: string | null;
}

/** A file a task made (thumbnail, preview clip). */
export interface ProcessingFilesTable extends Keyed {
  workspace_id: string;
  task_id: string;
  position: number;
  blob_key: string;
  content_type: string;
  size: number;
  created_at: string;
}
