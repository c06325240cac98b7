import type { UserRow, WorkspaceMemberRow } from '../../db/schema.js';
import { isoNow } from '../../lib/clock.js';
import { isWorkspaceRole, requirePermission, WORKSPACE_ROLES, type WorkspaceRole } from '../access.js';
import { insertWorkspaceMember } from '../accounts/accounts.service.js';
import { inTransaction, scopedAccountId, scopedWorkspaceId, type Ctx } from '../context.js';
import { errors, type FieldProblem } from '../errors.js';
import { recordHistory } from '../history/history.service.js';
import { findUser, findUsersByIds } from '../users/users.repo.js';
import {
  deleteWorkspaceMember,
  findAccountMembership,
  findWorkspaceMember,
  listWorkspaceMemberRows,
  updateWorkspaceMemberRole,
} from './workspaces.repo.js';

export interface MemberView {
  member: WorkspaceMemberRow;
  user: UserRow;
}

/** The roles a request sent, and where (query or JSON body), so a bad one is reported in the right part. */
export interface RolesInput {
  roles: readonly string[] | undefined;
  rolesIn: FieldProblem['in'];
}

/** A member holds one role; Mudstack sends it as a one-element array. */
function requireRole(input: RolesInput): WorkspaceRole {
  const { roles, rolesIn } = input;
  if (roles === undefined) {
    throw errors.invalidField(rolesIn, 'roles', 'is required');
  }
  if (roles.length !== 1) {
    throw errors.invalidField(rolesIn, 'roles', 'must hold exactly one role');
  }
  const role = roles[0] ?? '';
  if (!isWorkspaceRole(role)) {
    throw errors.invalidField(rolesIn, 'roles/0', `must be one of ${WORKSPACE_ROLES.join(', ')}`);
  }
  return role;
}

async function requireUser(ctx: Ctx, userId: string): Promise<UserRow> {
  const user = await findUser(ctx.db, userId);
  if (!user) {
    throw errors.notFound('user', userId);
  }
  return user;
}

/** Workspace event (actor) plus user event (the affected user), in the caller's transaction. */
async function recordMemberChange(
  ctx: Ctx,
  change: { userId: string; type: 'added' | 'updated' | 'removed'; data: Record<string, unknown> },
): Promise<void> {
  const accountId = scopedAccountId(ctx);
  const workspaceId = scopedWorkspaceId(ctx);
  await recordHistory(ctx, {
    accountId,
    workspaceId,
    userId: ctx.actor.userId,
    subjectType: 'workspace_member',
    recordId: change.userId,
    type: `workspace_member_${change.type}`,
    data: change.data,
  });
  const userType = { added: 'user_workspace_member_add', updated: 'user_workspace_member_updated', removed: 'user_workspace_member_remove' };
  await recordHistory(ctx, {
    accountId,
    userId: change.userId,
    subjectType: 'user',
    recordId: workspaceId,
    type: userType[change.type],
    data: { ...change.data, workspace_id: workspaceId, by_user_id: ctx.actor.userId },
  });
}

/** GET /workspaces/members: every member of the current workspace with their user. */
export async function listWorkspaceMembers(ctx: Ctx): Promise<MemberView[]> {
  requirePermission(ctx.actor, 'workspace.read');
  const rows = await listWorkspaceMemberRows(ctx.db, scopedWorkspaceId(ctx));
  const users = await findUsersByIds(ctx.db, rows.map((r) => r.user_id));
  return rows.flatMap((member) => {
    const user = users.get(member.user_id);
    return user ? [{ member, user }] : [];
  });
}

/** POST /workspaces/members/{user_id}: adds a member of the current account to the workspace. */
export async function addWorkspaceMember(ctx: Ctx, input: RolesInput & { userId: string }): Promise<MemberView> {
  requirePermission(ctx.actor, 'workspace.members.manage');
  const role = requireRole(input);
  return inTransaction(ctx, async (tx) => {
    // Only this account's members can be added: anyone else (another tenant's user) reads as absent.
    const membership = await findAccountMembership(tx.db, { accountId: scopedAccountId(tx), userId: input.userId });
    if (!membership) {
      throw errors.notFound('user', input.userId);
    }
    const workspaceId = scopedWorkspaceId(tx);
    if (await findWorkspaceMember(tx.db, { workspaceId, userId: input.userId })) {
      throw errors.conflict('member_exists', 'This user is already a member of the workspace.');
    }
    try {
      await insertWorkspaceMember(tx, { workspaceId, userId: input.userId, role });
    } catch (err) {
      const translated = tx.dialect.translateError(err);
      throw translated?.kind === 'conflict' ? errors.conflict('member_exists', 'This user is already a member of the workspace.', err) : err;
    }
    const member = await findWorkspaceMember(tx.db, { workspaceId, userId: input.userId });
    if (!member) {
      throw errors.notFound('workspace_member', input.userId);
    }
    await recordMemberChange(tx, { userId: input.userId, type: 'added', data: { after: { roles: [role] } } });
    return { member, user: await requireUser(tx, input.userId) };
  });
}

/** PUT /workspaces/members/{user_id}: changes a member's role. */
export async function updateWorkspaceMember(ctx: Ctx, input: RolesInput & { userId: string }): Promise<MemberView> {
  requirePermission(ctx.actor, 'workspace.members.manage');
  const role = requireRole(input);
  return inTransaction(ctx, async (tx) => {
    const scope = { workspaceId: scopedWorkspaceId(tx), userId: input.userId };
    const before = await findWorkspaceMember(tx.db, scope);
    if (!before) {
      throw errors.notFound('workspace_member', input.userId);
    }
    if (before.role === role) {
      return { member: before, user: await requireUser(tx, input.userId) };
    }
    const member = await updateWorkspaceMemberRole(tx.db, scope, { role, updatedAt: isoNow(tx.clock) });
    if (!member) {
      throw errors.notFound('workspace_member', input.userId);
    }
    await recordMemberChange(tx, {
      userId: input.userId,
      type: 'updated',
      data: { before: { roles: [before.role] }, after: { roles: [role] } },
    });
    return { member, user: await requireUser(tx, input.userId) };
  });
}

/**
 * DELETE /workspaces/members/{user_id}: removes a member (yourself included). Account owners and admins keep acting
 * as workspace admins without a membership row, so this can never lock an account out of its workspace.
 */
export async function removeWorkspaceMember(ctx: Ctx, input: { userId: string }): Promise<void> {
  requirePermission(ctx.actor, 'workspace.members.manage');
  await inTransaction(ctx, async (tx) => {
    const scope = { workspaceId: scopedWorkspaceId(tx), userId: input.userId };
    const before = await findWorkspaceMember(tx.db, scope);
    if (!before) {
      throw errors.notFound('workspace_member', input.userId);
    }
    await deleteWorkspaceMember(tx.db, scope);
    await recordMemberChange(tx, { userId: input.userId, type: 'removed', data: { before: { roles: [before.role] } } });
  });
}
