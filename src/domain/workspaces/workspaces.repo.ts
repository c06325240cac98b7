import type { Kysely } from 'kysely';
import type { AccountMemberRow, DB, WorkspaceMemberRow, WorkspaceRow, WorkspaceUpdate } from '../../db/schema.js';

/** A workspace of the given account, or undefined (another account's workspace reads as absent). */
export function findWorkspace(db: Kysely<DB>, scope: { accountId: string; id: string }): Promise<WorkspaceRow | undefined> {
  return db.selectFrom('workspaces').selectAll().where('id', '=', scope.id).where('account_id', '=', scope.accountId).executeTakeFirst();
}

export function findWorkspaceMember(
  db: Kysely<DB>,
  scope: { workspaceId: string; userId: string },
): Promise<WorkspaceMemberRow | undefined> {
  return db
    .selectFrom('workspace_members')
    .selectAll()
    .where('workspace_id', '=', scope.workspaceId)
    .where('user_id', '=', scope.userId)
    .executeTakeFirst();
}

export function listAccountWorkspaces(db: Kysely<DB>, accountId: string): Promise<WorkspaceRow[]> {
  return db.selectFrom('workspaces').selectAll().where('account_id', '=', accountId).orderBy('sequence').execute();
}

/** Applies `patch` to a workspace of the given account; undefined when absent. */
export function updateWorkspaceRow(
  db: Kysely<DB>,
  scope: { accountId: string; id: string },
  patch: WorkspaceUpdate,
): Promise<WorkspaceRow | undefined> {
  return db
    .updateTable('workspaces')
    .set(patch)
    .where('id', '=', scope.id)
    .where('account_id', '=', scope.accountId)
    .returningAll()
    .executeTakeFirst();
}

/** Deletes a workspace of the given account; its members (and later its assets) go with it through FK cascades. */
export async function deleteWorkspaceRow(db: Kysely<DB>, scope: { accountId: string; id: string }): Promise<boolean> {
  const res = await db.deleteFrom('workspaces').where('id', '=', scope.id).where('account_id', '=', scope.accountId).executeTakeFirst();
  return Number(res.numDeletedRows) > 0;
}

/** Every member of a workspace, oldest first. */
export function listWorkspaceMemberRows(db: Kysely<DB>, workspaceId: string): Promise<WorkspaceMemberRow[]> {
  return db.selectFrom('workspace_members').selectAll().where('workspace_id', '=', workspaceId).orderBy('sequence').execute();
}

/** Sets a workspace member's role; undefined when the user is not a member of that workspace. */
export function updateWorkspaceMemberRole(
  db: Kysely<DB>,
  scope: { workspaceId: string; userId: string },
  change: { role: string; updatedAt: string },
): Promise<WorkspaceMemberRow | undefined> {
  return db
    .updateTable('workspace_members')
    .set({ role: change.role, updated_at: change.updatedAt })
    .where('workspace_id', '=', scope.workspaceId)
    .where('user_id', '=', scope.userId)
    .returningAll()
    .executeTakeFirst();
}

/** Removes a user from a workspace; false when they were not a member. */
export async function deleteWorkspaceMember(db: Kysely<DB>, scope: { workspaceId: string; userId: string }): Promise<boolean> {
  const res = await db
    .deleteFrom('workspace_members')
    .where('workspace_id', '=', scope.workspaceId)
    .where('user_id', '=', scope.userId)
    .executeTakeFirst();
  return Number(res.numDeletedRows) > 0;
}

/** A user's membership of one account, or undefined (a user of another account reads as absent). */
export function findAccountMembership(
  db: Kysely<DB>,
  scope: { accountId: string; userId: string },
): Promise<AccountMemberRow | undefined> {
  return db
    .selectFrom('account_members')
    .selectAll()
    .where('account_id', '=', scope.accountId)
    .where('user_id', '=', scope.userId)
    .executeTakeFirst();
}
