import type { FolderRow } from '../../../db/schema.js';
import type { FolderNode, FolderStats } from '../../../domain/folders/folders.service.js';
import type { FolderJson, FolderNodeJson, FolderStatsJson } from './folders.schemas.js';

export function presentFolder(f: FolderRow): FolderJson {
  return {
    id: f.id,
    workspace_id: f.workspace_id,
    path: f.path,
    name: f.name,
    parent_id: f.parent_id,
    created_by_user_id: f.created_by_user_id,
    created_at: f.created_at,
    updated_at: f.updated_at,
    sequence: f.sequence,
  };
}

export function presentFolderNode(n: FolderNode): FolderNodeJson {
  return { id: n.id, name: n.name, path: n.path, parent_id: n.parent_id, asset_count: n.asset_count, children: n.children.map(presentFolderNode) };
}

export function presentFolderStats(s: FolderStats): FolderStatsJson {
  return { path: s.path, folder_id: s.folderId, folders: s.folders, assets: s.assets, total_assets: s.totalAssets, total_size: s.totalSize };
}
