import type { HistoryEventRow } from '../../../db/schema.js';
import type { MemberView } from '../../../domain/workspaces/members.service.js';
import type { WorkspaceView } from '../../../domain/workspaces/workspaces.service.js';
import { presentUser } from './users.present.js';
import type { WorkspaceHistoryJson, WorkspaceJson, WorkspaceMemberDetailJson } from './workspaces.schemas.js';
import { avatarIndex } from './values.present.js';

/** Mudstack Workspace: `roles` is the caller's membership; `sequence` is a string (string<bigint>). */
export function presentWorkspace(view: WorkspaceView): WorkspaceJson {
  const w = view.workspace;
  return {
    id: w.id,
    account_id: w.account_id,
    name: w.name,
    thumbnail_file_id: w.thumbnail_blob_key,
    defaultAvatar: avatarIndex(w.default_avatar),
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

/** Mudstack WorkspaceMember with its nested User. */
export function presentWorkspaceMember(view: MemberView): WorkspaceMemberDetailJson {
  return {
    workspace_id: view.member.workspace_id,
    user_id: view.member.user_id,
    roles: [view.member.role],
    user: presentUser(view.user),
  };
}

/** History `data` is stored as JSON text; anything but an object is wrapped so the shape stays an object. */
export function historyData(text: string): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(text);
    return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) ? { ...parsed } : { value: parsed };
  } catch {
    return {};
  }
}

/** Mudstack WorkspaceHistory. */
export function presentWorkspaceHistory(row: HistoryEventRow): WorkspaceHistoryJson {
  return {
    id: row.id,
    workspace_id: row.workspace_id ?? '',
    user_id: row.user_id,
    type: row.type,
    record_id: row.record_id,
    data: historyData(row.data),
    created_at: row.created_at,
  };
}
