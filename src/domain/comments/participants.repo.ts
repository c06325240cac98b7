import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.js';

/**
 * Which of `userIds` can act in the workspace: members of the workspace (and of its account), plus the account's
 * owners and admins, who act as admins of every workspace (access.ts). Unknown and foreign users are left out.
 */
export async function findWorkspaceUserIds(
  db: Kysely<DB>,
  scope: { accountId: string; workspaceId: string; userIds: readonly string[] },
): Promise<Set<string>> {
  const ids = [...new Set(scope.userIds)];
  if (ids.length === 0) {
    return new Set();
  }
  const rows = await db
    .selectFrom('account_members as am')
    .leftJoin('workspace_members as wm', (j) => j.onRef('wm.user_id', '=', 'am.user_id').on('wm.workspace_id', '=', scope.workspaceId))
    .select('am.user_id')
    .where('am.account_id', '=', scope.accountId)
    .where('am.user_id', 'in', ids)
    .where((eb) => eb.or([eb('am.role', 'in', ['owner', 'admin']), eb('wm.id', 'is not', null)]))
    .execute();
  return new Set(rows.map((r) => r.user_id));
}
