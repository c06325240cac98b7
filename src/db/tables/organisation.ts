import type { Generated } from 'kysely';
import type { Keyed } from './keyed.js';

/* Tags, libraries, asset statuses, favourites and subscriptions, folders. */

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
