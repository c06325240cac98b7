import type { Kysely, Updateable } from 'kysely';
import type { AccountRow, DB, UserRow, UsersTable, WorkspaceMemberRow, WorkspaceRow } from '../../db/schema.js';

/** Every account the user is a member of, with their role in it, oldest first. */
export async function listAccountsOfUser(db: Kysely<DB>, userId: string): Promise<Array<{ account: AccountRow; role: string }>> {
  const rows = await db
    .selectFrom('account_members as am')
    .innerJoin('accounts as a', 'a.id', 'am.account_id')
    .selectAll('a')
    .select('am.role as member_role')
    .where('am.user_id', '=', userId)
    .orderBy('a.sequence')
    .execute();
  return rows.map(({ member_role, ...account }) => ({ account, role: member_role }));
}

/** The workspaces of the given accounts, each with the user's membership row when they have one. */
export async function listWorkspacesWithMembership(
  db: Kysely<DB>,
  scope: { userId: string; accountIds: readonly string[] },
): Promise<Array<{ workspace: WorkspaceRow; membership: WorkspaceMemberRow | undefined }>> {
  if (scope.accountIds.length === 0) {
    return [];
  }
  const [workspaces, memberships] = await Promise.all([
    db.selectFrom('workspaces').selectAll().where('account_id', 'in', [...scope.accountIds]).orderBy('sequence').execute(),
    db
      .selectFrom('workspace_members as wm')
      .innerJoin('workspaces as w', 'w.id', 'wm.workspace_id')
      .selectAll('wm')
      .where('wm.user_id', '=', scope.userId)
      .where('w.account_id', 'in', [...scope.accountIds])
      .execute(),
  ]);
  const byWorkspace = new Map(memberships.map((m) => [m.workspace_id, m]));
  return workspaces.map((workspace) => ({ workspace, membership: byWorkspace.get(workspace.id) }));
}

/** Applies a profile patch to one user. */
export function updateUserRow(db: Kysely<DB>, id: string, patch: Updateable<UsersTable>): Promise<UserRow | undefined> {
  return db.updateTable('users').set(patch).where('id', '=', id).returningAll().executeTakeFirst();
}
