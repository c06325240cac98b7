import type { Kysely } from 'kysely';
import type { DB, WorkspaceMemberRow, WorkspaceRow } from '../../db/schema.js';

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
