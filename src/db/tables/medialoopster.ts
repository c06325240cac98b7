import type { Generated } from 'kysely';
import type { Keyed } from './keyed.js';

/* The medialoopster surface's tables (docs/medialoopster.md; migration 202612071300). Booleans are 0/1. */

/** A storage root of a production (workspace): a folder path in `/a/b/` form; the devices of one do not nest. */
export interface DevicesTable extends Keyed {
  account_id: string;
  workspace_id: string;
  name: string;
  display_name: Generated<string>;
  path: string;
  is_internal: Generated<number>;
  is_archive: Generated<number>;
  autoshot_detection: Generated<number>;
  allow_direct_writing: Generated<number>;
  /** The vendor's spelling. */
  recieve_xml_meta: Generated<number>;
  protocol: Generated<string>;
  anonymous: Generated<number>;
  server: Generated<string>;
  username: Generated<string>;
  transcoding_profile: Generated<string>;
  archive_connector: Generated<string>;
  /** JSON array of strings. */
  passthrough_profiles: Generated<string>;
  created_at: string;
  updated_at: string;
}

/** The medialoopster settings of one workspace; a workspace without a row has the defaults. */
export interface ProductionSettingsTable extends Keyed {
  account_id: string;
  workspace_id: string;
  codename: string | null;
  company: Generated<string>;
  storage_root: Generated<string>;
  proxy_root: Generated<string>;
  san_mount: Generated<string>;
  export_type: Generated<string>;
  default_approval_status: Generated<number>;
  upload_device_id: string | null;
  audioasset_device_id: string | null;
  imageasset_device_id: string | null;
  videoasset_device_id: string | null;
  projectasset_device_id: string | null;
  created_at: string;
  updated_at: string;
}

/** medialoopster fields of a media asset the core asset has no column for. */
export interface MediaAssetFieldsTable extends Keyed {
  workspace_id: string;
  asset_id: string;
  status_approval: Generated<number>;
  date_del: string | null;
  /** JSON object keyed by custom metadata `key`. */
  meta_field_store: Generated<string>;
  created_at: string;
  updated_at: string;
}

export interface CustomMetadataSetsTable extends Keyed {
  account_id: string;
  name: string;
  /** `audio`, `image`, `video` or `project`: the asset kind the set's fields apply to. */
  content_type: string;
  created_at: string;
  updated_at: string;
}

export interface CustomMetadataRulesTable extends Keyed {
  account_id: string;
  name: string;
  /** An ECMAScript regular expression a value must match (whole value). */
  regex: string;
  message: Generated<string>;
  created_at: string;
  updated_at: string;
}

export interface CustomMetadataFieldsTable extends Keyed {
  account_id: string;
  set_id: string;
  key: string;
  /** The display name. */
  value: string;
  order: Generated<number>;
  rule_id: string | null;
  created_at: string;
  updated_at: string;
}

export interface ShotSequencesTable extends Keyed {
  workspace_id: string;
  asset_id: string;
  name: string;
  description: string | null;
  timecode_start: number;
  timecode_end: number;
  keywords: Generated<string>;
  created_at: string;
}

/** A shot of a video version, in milliseconds. */
export interface ShotsTable extends Keyed {
  workspace_id: string;
  asset_id: string;
  version_id: string;
  sequence_id: string | null;
  name: string;
  description: string | null;
  timecode_start: number;
  timecode_end: number;
  keywords: Generated<string>;
  thumbnail_blob_key: string | null;
  created_at: string;
}
