import type { Generated } from 'kysely';
import type { Keyed } from './keyed.js';

/* medialoopster project assets (src/domain/project-assets, docs/medialoopster-bundles.md). */

/** A project asset: the Atelier asset of its project file plus its bundle root (a folder subtree of the workspace). */
export interface ProjectAssetsTable extends Keyed {
  account_id: string;
  workspace_id: string;
  /** The Atelier asset of the project file (the asset at `path_file`). */
  asset_id: string;
  /** Folder path in `/a/b/` form: the bundle's files are the workspace's assets in this folder and below. */
  bundle_root: string;
  path_file: string;
  /** The NLE named by the project file ("Adobe Premiere Pro"; "" when unknown): nle-types.ts. */
  nle_type: Generated<string>;
  /** 0 NEW (a copy in progress), 6 ASSET_DONE, -1 ERROR (reason in status_asset_description). */
  status_asset: Generated<number>;
  status_asset_description: Generated<string>;
  status_editing: Generated<number>;
  status_approval: Generated<number>;
  is_production: Generated<number>;
  is_archive: Generated<number>;
  name_editor: Generated<string>;
  name_studio: Generated<string>;
  date_crt: string | null;
  date_del: string | null;
  device_id: string | null;
  /** JSON object of custom metadata values, keyed by custom metadata `key`. */
  meta_field_store: Generated<string>;
  copy_of_id: string | null;
  /** Set when an asynchronous DELETE was accepted; such a row is hidden until the job settles it. */
  deleting_at: string | null;
  created_by_user_id: string | null;
  created_at: string;
  updated_at: string;
}

/** A media asset linked to a project asset (`addasset`); `media_type` is audio, image or video. */
export interface ProjectAssetLinksTable extends Keyed {
  workspace_id: string;
  project_asset_id: string;
  asset_id: string;
  asset_workspace_id: string;
  media_type: string;
  created_by_user_id: string | null;
  created_at: string;
}

/** One file an asynchronous copy must make; `copied_version_id` once committed in the copy's bundle. */
export interface ProjectAssetCopyFilesTable extends Keyed {
  workspace_id: string;
  project_asset_id: string;
  relative_path: string;
  blob_key: string;
  size: number;
  checksum: string;
  content_type: string;
  copied_version_id: string | null;
  created_at: string;
}

/** An asset shared into another production (spec §2.3.8): TRANSFERRING, then AVAILABLE; deleted on error. */
export interface ProductionContentsTable extends Keyed {
  account_id: string;
  /** The target production's workspace. */
  workspace_id: string;
  /** The shared (source) asset. */
  asset_id: string;
  source_workspace_id: string;
  state: 'TRANSFERRING' | 'AVAILABLE';
  /** The asset holding the copied bytes in the target, once AVAILABLE. */
  shared_asset_id: string | null;
  created_by_user_id: string | null;
  created_at: string;
  updated_at: string;
}

/** A medialoopster ImportLog (spec §2.3.7): one queued import, archive or restore of one asset. */
export interface ImportLogsTable extends Keyed {
  account_id: string;
  workspace_id: string;
  kind: 'import' | 'archive' | 'restore';
  /** audio, image or video. */
  media_type: string;
  state: Generated<'queued' | 'running' | 'completed' | 'failed'>;
  message: Generated<string>;
  /** The client's request, JSON. */
  request: Generated<string>;
  asset_id: string | null;
  /** Archive: the folder the asset was moved from (restore moves it back). */
  origin_location: string | null;
  created_by_user_id: string | null;
  created_at: string;
  updated_at: string;
  finished_at: string | null;
}
