// The API's JSON as the app reads it (the core API's schemas: docs/api-core.md). Only the fields the app uses.

export interface User {
  id: string;
  email: string;
  username: string;
  firstName: string;
  lastName: string;
}

export interface Session {
  user: User;
  csrf_token: string;
  expires_at: string;
}

export interface Workspace {
  id: string;
  name: string;
}

export interface Account {
  id: string;
  name: string;
  workspaces: Workspace[];
}

export interface Derivative {
  kind: string;
  state: 'pending' | 'ready' | 'failed' | string;
  error: string | null;
  content_type: string | null;
  width: number | null;
  height: number | null;
}

export interface Version {
  id: string;
  asset_id: string;
  version_number: number;
  size: number;
  content_type: string;
  original_file_name: string;
  metadata: Record<string, unknown>;
  derivatives: Derivative[];
  created_at: string;
  user: User | null;
}

export interface Tag {
  id: string;
  name: string;
  color: string | null;
}

export interface AssetStatus {
  id: string;
  name: string;
  color: string | null;
}

export interface Asset {
  id: string;
  name: string;
  file_name: string;
  file_location: string;
  status_id: string | null;
  locked_by_user_id: string | null;
  locked_at?: string | null;
  current_version_id: string | null;
  currentVersion: Version | null;
  versions: Version[];
  tags: Tag[];
  assetType: { id: string; name: string; displayType: string };
  assetStatus: AssetStatus | null;
  description: string;
  deleted_at: string | null;
  created_at: string;
  updated_at: string;
}

export interface SearchPage {
  assets: Asset[];
  next_cursor: string | null;
}

export interface FolderNode {
  id: string;
  name: string;
  path: string;
  asset_count: number;
  children: FolderNode[];
}

export interface Comment {
  id: string;
  parent_id: string | null;
  content: string;
  user: User | null;
  created_at: string;
  deleted_at: string | null;
}

export interface HistoryEntry {
  id: string;
  type: string;
  user: User | null;
  created_at: string;
  data: Record<string, unknown>;
}

export interface ApiKey {
  id: string;
  key: string;
  name: string;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
  secret?: string;
}

export interface AssetTypeInfo {
  id: string;
  name: string;
  displayType: string;
}
