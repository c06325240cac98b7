import type { AccountMemberRow, UserRow } from '../../db/schema.js';
import { isoNow } from '../../lib/clock.js';
import { isAccountRole, requirePermission, type AccountRole } from '../access.js';
import { inTransaction, scopedAccountId, type Ctx } from '../context.js';
import { errors } from '../errors.js';
import { recordHistory } from '../history/history.service.js';
import { findUsersByIds } from '../users/users.repo.js';
import { countAccountMembers, findAccountMember, listAccountMembers } from './accounts.repo.js';

export interface AccountMemberView {
  member: AccountMemberRow;
  user: UserRow;
}

async function withUsers(ctx: Ctx, members: AccountMemberRow[]): Promise<AccountMemberView[]> {
  const users = await findUsersByIds(ctx.db, members.map((m) => m.user_id));
  return members.flatMap((member) => {
    const user = users.get(member.user_id);
    return user ? [{ member, user }] : [];
  });
}

/** GET /accounts/members: every member of the scoped account, oldest first. */
export async function listMembers(ctx: Ctx): Promise<AccountMemberView[]> {
  requirePermission(ctx.actor, 'account.members.read');
  return withUsers(ctx, await listAccountMembers(ctx.db, scopedAccountId(ctx)));
}

/** Mudstack sends `roles: string[]`; a member holds exactly one account role. */
export function parseAccountRoles(roles: readonly string[] | undefined, part: 'body' | 'query'): AccountRole {
  if (!roles || roles.length !== 1) {
    throw errors.invalidField(part, 'roles', 'must hold exactly one role: owner, admin or member');
  }
  const [role] = roles;
  if (role === undefined || !isAccountRole(role)) {
    throw errors.invalid('validation_failed', `Unknown account role ${JSON.stringify(role)}.`, [
      { in: part, pointer: '/roles/0', message: 'must be one of owner, admin, member' },
    ]);
  }
  return role;
}

async function requireMember(ctx: Ctx, userId: string): Promise<AccountMemberRow> {
  const member = await findAccountMember(ctx.db, { accountId: scopedAccountId(ctx), userId });
  if (!member) {
    throw errors.notFound('account_member', userId);
  }
  return member;
}

/** Owners alone grant or take away `owner`; the last owner stays (409), so an account is never ownerless. */
async function assertOwnerChangeAllowed(ctx: Ctx, target: AccountMemberRow, newRole: AccountRole | null): Promise<void> {
  const touchesOwner = target.role === 'owner' || newRole === 'owner';
  if (touchesOwner && ctx.actor.accountRole !== 'owner') {
    throw errors.forbidden('owner_required', 'Only an account owner may grant or remove the owner role.');
  }
  if (target.role === 'owner' && newRole !== 'owner') {
    const owners = await countAccountMembers(ctx.db, { accountId: target.account_id, role: 'owner' });
    if (owners <= 1) {
      throw errors.conflict('last_owner', 'The last owner of an account cannot be demoted or removed; make someone else owner first.');
    }
  }
}

/** PUT /accounts/members/{user_id}: changes a member's account role. */
export async function updateMemberRole(ctx: Ctx, input: { userId: string; role: AccountRole }): Promise<AccountMemberView> {
  requirePermission(ctx.actor, 'account.members.manage');
  const member = await inTransaction(ctx, async (tx) => {
    const before = await requireMember(tx, input.userId);
    await assertOwnerChangeAllowed(tx, before, input.role);
    if (before.role === input.role) {
      return before;
    }
    const after = await tx.db
      .updateTable('account_members')
      .set({ role: input.role, updated_at: isoNow(tx.clock) })
      .where('id', '=', before.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    const data = { account_id: before.account_id, member_user_id: before.user_id, before: { roles: [before.role] }, after: { roles: [after.role] } };
    await recordHistory(tx, {
      accountId: before.account_id,
      userId: tx.actor.userId,
      subjectType: 'account_member',
      recordId: before.user_id,
      type: 'member_updated',
      data,
    });
    // The affected user's own history (Mudstack UserHistory `user_account_member_updated`).
    await recordHistory(tx, {
      accountId: null,
      userId: before.user_id,
      subjectType: 'user',
      recordId: before.account_id,
      type: 'user_account_member_updated',
      data: { ...data, by_user_id: tx.actor.userId },
    });
    return after;
  });
  const [view] = await withUsers(ctx, [member]);
  if (!view) {
    throw errors.notFound('account_member', input.userId);
  }
  return view;
}

/**
 * DELETE /accounts/members/{user_id}: removes the member, their memberships of this account's workspaces, and
 * revokes their API keys for this account. Admins remove others; anyone may remove themselves (leave).
 */
export async function removeMember(ctx: Ctx, userId: string): Promise<void> {
  if (userId !== ctx.actor.userId) {
    requirePermission(ctx.actor, 'account.members.manage');
  }
  await inTransaction(ctx, async (tx) => {
    const accountId = scopedAccountId(tx);
    const target = await requireMember(tx, userId);
    if (userId !== tx.actor.userId || target.role === 'owner') {
      await assertOwnerChangeAllowed(tx, target, null);
    }
    const now = isoNow(tx.clock);
    const workspaces = await tx.db
      .deleteFrom('workspace_members')
      .where('user_id', '=', userId)
      .where('workspace_id', 'in', tx.db.selectFrom('workspaces').select('id').where('account_id', '=', accountId))
      .returning(['workspace_id', 'role'])
      .execute();
    const keys = await tx.db
      .updateTable('api_keys')
      .set({ revoked_at: now })
      .where('account_id', '=', accountId)
      .where('user_id', '=', userId)
      .where('revoked_at', 'is', null)
      .returning('id')
      .execute();
    await tx.db.deleteFrom('account_members').where('id', '=', target.id).execute();
    const data = {
      account_id: accountId,
      member_user_id: userId,
      before: { roles: [target.role], workspaces: workspaces.map((w) => ({ workspace_id: w.workspace_id, roles: [w.role] })) },
      revoked_api_key_ids: keys.map((k) => k.id),
    };
    await recordHistory(tx, { accountId, userId: tx.actor.userId, subjectType: 'account_member', recordId: userId, type: 'member_removed', data });
    await recordHistory(tx, {
      accountId: null,
      userId,
      subjectType: 'user',
      recordId: accountId,
      type: 'user_account_member_remove',
      data: { ...data, by_user_id: tx.actor.userId },
    });
  });
}
