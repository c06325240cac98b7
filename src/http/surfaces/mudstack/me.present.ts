import type { HistoryEventRow } from '../../../db/schema.js';
import { SELF_HOSTED } from '../../../domain/accounts/plan.service.js';
import type { AccountAccess, MyPermissions } from '../../../domain/users/me.service.js';
import { presentUser } from './users.present.js';
import type { UserAccountJson, UserHistoryJson, UserPermissionsJson } from './users.schemas.js';
import { historyData, presentWorkspace } from './workspaces.present.js';
import { avatarIndex } from './values.present.js';

/** An account the caller belongs to, with the workspaces they can open (GET /users/accounts). */
export function presentUserAccount(access: AccountAccess): UserAccountJson {
  const a = access.account;
  return {
    id: a.id,
    name: a.name,
    account_tier_id: SELF_HOSTED,
    thumbnail_file_id: a.thumbnail_blob_key,
    created_by_user_id: a.created_by_user_id,
    defaultAvatar: avatarIndex(a.default_avatar),
    sequence: a.sequence,
    workspaces: access.workspaces.map(presentWorkspace),
    created_at: a.created_at,
    updated_at: a.updated_at,
  };
}

/** GET /users/permissions. */
export function presentUserPermissions(p: MyPermissions): UserPermissionsJson {
  return {
    ...presentUser(p.user),
    account_id: p.accountId,
    accounts: p.accounts.map((a) => ({
      id: a.account.id,
      name: a.account.name,
      roles: [a.role],
      workspaces: a.workspaces.map((w) => ({ id: w.workspace.id, name: w.workspace.name, roles: [w.role], permissions: w.permissions })),
    })),
    permissions: p.permissions,
  };
}

/** Mudstack UserHistory. */
export function presentUserHistory(row: HistoryEventRow): UserHistoryJson {
  return {
    id: row.id,
    user_id: row.user_id ?? '',
    type: row.type,
    record_id: row.record_id,
    data: historyData(row.data),
    created_at: row.created_at,
  };
}
