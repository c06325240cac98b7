import type { HistoryEventRow } from '../../../db/schema.js';
import type { MyPermissions } from '../../../domain/users/me.service.js';
import { presentUser } from './users.present.js';
import type { UserHistoryJson, UserPermissionsJson } from './users.schemas.js';
import { historyData } from './workspaces.present.js';

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
