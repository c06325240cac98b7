import type { WorkspaceView } from '../../../domain/workspaces/workspaces.service.js';
import type { WorkspaceJson } from './workspaces.schemas.js';

/** Mudstack Workspace: `roles` is the caller's membership; `sequence` is a string (string<bigint>). */
export function presentWorkspace(view: WorkspaceView): WorkspaceJson {
  const w = view.workspace;
  return {
    id: w.id,
    account_id: w.account_id,
    name: w.name,
    thumbnail_file_id: w.thumbnail_blob_key,
    defaultAvatar: w.default_avatar,
    created_by_user_id: w.created_by_user_id,
    sequence: String(w.sequence),
    roles: view.membership
      ? { workspace_id: w.id, user_id: view.membership.user_id, roles: [view.membership.role] }
      : null,
    usage: view.usage,
    created_at: w.created_at,
    updated_at: w.updated_at,
  };
}
