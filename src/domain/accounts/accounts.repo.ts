import type { Kysely } from 'kysely';
import type { AccountMemberRow, AccountRow, DB, WorkspaceMemberRow, WorkspaceRow } from '../../db/schema.js';

export function findAccount(db: Kysely<DB>, id: string): Promise<AccountRow | undefined> {
  return db.selectFrom('accounts').selectAll().where('id', '=', id).executeTakeFirst();
}

/** A member of the given account, or undefined (a member of another account reads as absent). */
export function findAccountMember(db: Kysely<DB>, scope: { accountId: string; userId: string }): Promise<AccountMemberRow | undefined> {
  return db
    .selectFrom('account_members')
    .selectAll()
    .where('account_id', '=', scope.accountId)
    .where('user_id', '=', scope.userId)
    .executeTakeFirst();
}

export function listAccountMembers(db: Kysely<DB>, accountId: string): Promise<AccountMemberRow[]> {
  return db.selectFrom('account_members').selectAll().where('account_id', '=', accountId).orderBy('sequence').execute();
}

export async function countAccountMembers(db: Kysely<DB>, scope: { accountId: string; role?: string }): Promise<number> {
  let q = db.selectFrom('account_members').select((eb) => eb.fn.countAll<number>().as('n')).where('account_id', '=', scope.accountId);
  if (scope.role !== undefined) {
    q = q.where('role', '=', scope.role);
  }
  const r = await q.executeTakeFirstOrThrow();
  return Number(r.n);
}

/** Workspaces of the account that the user is a member of. */
export function listMemberWorkspaces(db: Kysely<DB>, scope: { accountId: string; userId: string }): Promise<WorkspaceRow[]> {
  return db
    .selectFrom('workspaces as w')
    .innerJoin('workspace_members as wm', 'wm.workspace_id', 'w.id')
    .selectAll('w')
    .where('w.account_id', '=', scope.accountId)
    .where('wm.user_id', '=', scope.userId)
    .orderBy('w.sequence')
    .execute();
}

/** The user's workspace memberships within one account (roles of many workspaces in one query). */
export function listMemberWorkspaceRows(db: Kysely<DB>, scope: { accountId: string; userId: string }): Promise<WorkspaceMemberRow[]> {
  return db
    .selectFrom('workspace_members as wm')
    .innerJoin('workspaces as w', 'w.id', 'wm.workspace_id')
    .selectAll('wm')
    .where('w.account_id', '=', scope.accountId)
    .where('wm.user_id', '=', scope.userId)
    .execute();
}
