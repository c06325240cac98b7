import type { AccountRow, UserRow, UsersTable } from '../../db/schema.js';
import type { Updateable } from 'kysely';
import { isoNow } from '../../lib/clock.js';
import {
  ACCOUNT_PERMISSIONS,
  can,
  effectiveWorkspaceRole,
  isAccountRole,
  isWorkspaceRole,
  WORKSPACE_PERMISSIONS,
  type AccountRole,
  type Permission,
  type WorkspaceRole,
} from '../access.js';
import { inTransaction, scopedAccountId, type Actor, type Ctx } from '../context.js';
import { getAccountOverview, type AccountOverview } from '../accounts/account-profile.service.js';
import { listMemberWorkspaceRows } from '../accounts/accounts.repo.js';
import { errors } from '../errors.js';
import { listHistory, recordHistory, type HistoryPage } from '../history/history.service.js';
import { workspaceUsage } from '../workspaces/usage.js';
import type { WorkspaceView } from '../workspaces/workspaces.service.js';
import { findUser } from './users.repo.js';
import { listAccountsOfUser, listWorkspacesWithMembership, updateUserRow } from './me.repo.js';

export interface AccountAccess {
  account: AccountRow;
  role: AccountRole;
  /** The workspaces the user can open: all of them for account owners/admins, otherwise their memberships. */
  workspaces: Array<WorkspaceView & { role: WorkspaceRole; permissions: Record<string, boolean> }>;
}

export interface MyPermissions {
  user: UserRow;
  /** The account the token acts in. */
  accountId: string;
  accounts: AccountAccess[];
  /** Account-level permissions in the token's account. */
  permissions: Record<string, boolean>;
}

/** The profile fields a user may change about themselves (e-mail is not one of them). */
export interface ProfilePatch {
  username?: string | undefined;
  firstName?: string | undefined;
  lastName?: string | undefined;
  industry?: string | null | undefined;
  occupation?: string | null | undefined;
  company?: string | null | undefined;
  city?: string | null | undefined;
  state?: string | null | undefined;
  country?: string | null | undefined;
  zipCode?: string | null | undefined;
  defaultAvatar?: number | undefined;
}

const COLUMNS = {
  username: 'username',
  firstName: 'first_name',
  lastName: 'last_name',
  industry: 'industry',
  occupation: 'occupation',
  company: 'company',
  city: 'city',
  state: 'state',
  country: 'country',
  zipCode: 'zip_code',
  defaultAvatar: 'default_avatar',
} as const satisfies Record<keyof ProfilePatch, keyof UsersTable>;

function permissionMap(actor: Actor, names: readonly string[]): Record<string, boolean> {
  return Object.fromEntries(names.map((p) => [p, can(actor, p as Permission)]));
}

async function requireMe(ctx: Ctx): Promise<UserRow> {
  const user = await findUser(ctx.db, ctx.actor.userId);
  if (!user) {
    throw errors.unauthenticated();
  }
  return user;
}

/** GET /users, /users/me: the caller's profile. */
export function getMe(ctx: Ctx): Promise<UserRow> {
  return requireMe(ctx);
}

/** PUT /users: updates the caller's own profile; text is trimmed, blank optional fields become null. */
export async function updateMe(ctx: Ctx, patch: ProfilePatch): Promise<UserRow> {
  return inTransaction(ctx, async (tx) => {
    const before = await requireMe(tx);
    const set: Updateable<UsersTable> = {};
    const changed: Record<string, { before: unknown; after: unknown }> = {};
    for (const [field, column] of Object.entries(COLUMNS) as Array<[keyof ProfilePatch, (typeof COLUMNS)[keyof ProfilePatch]]>) {
      const raw = patch[field];
      if (raw === undefined) {
        continue;
      }
      let value: string | number | null = typeof raw === 'string' ? raw.trim() : raw;
      if (field === 'username' && value === '') {
        throw errors.invalidField('body', 'username', 'must not be blank');
      }
      if (value === '' && field !== 'firstName' && field !== 'lastName') {
        value = null;
      }
      if (before[column] !== value) {
        Object.assign(set, { [column]: value });
        changed[field] = { before: before[column], after: value };
      }
    }
    if (Object.keys(changed).length === 0) {
      return before;
    }
    set.updated_at = isoNow(tx.clock);
    const after = await updateUserRow(tx.db, before.id, set);
    if (!after) {
      throw errors.unauthenticated();
    }
    await recordHistory(tx, {
      accountId: null,
      userId: after.id,
      subjectType: 'user',
      recordId: after.id,
      type: 'updated',
      data: {
        before: Object.fromEntries(Object.entries(changed).map(([k, v]) => [k, v.before])),
        after: Object.fromEntries(Object.entries(changed).map(([k, v]) => [k, v.after])),
      },
    });
    return after;
  });
}

/** Every account the caller belongs to, with the workspaces they can open in each and their roles. */
export async function listMyAccounts(ctx: Ctx): Promise<AccountAccess[]> {
  const userId = ctx.actor.userId;
  const accounts = (await listAccountsOfUser(ctx.db, userId)).flatMap(({ account, role }) =>
    isAccountRole(role) ? [{ account, role }] : [],
  );
  const workspaces = await listWorkspacesWithMembership(ctx.db, { userId, accountIds: accounts.map((a) => a.account.id) });
  // One small query set per workspace: a user sees a handful of workspaces, and usage has one definition (usage.ts).
  const usage = new Map(await Promise.all(workspaces.map(async (w) => [w.workspace.id, await workspaceUsage(ctx.db, w.workspace.id)] as const)));
  return accounts.map(({ account, role }) => ({
    account,
    role,
    workspaces: workspaces.flatMap(({ workspace, membership }) => {
      const memberRole = membership && isWorkspaceRole(membership.role) ? membership.role : null;
      const effective = workspace.account_id === account.id ? effectiveWorkspaceRole(role, memberRole) : null;
      if (effective === null) {
        return [];
      }
      const actor: Actor = { ...ctx.actor, accountId: account.id, accountRole: role, workspaceId: workspace.id, workspaceRole: effective };
      return [{
        workspace,
        membership,
        usage: usage.get(workspace.id) ?? { members: 0, storage: 0, assets: 0 },
        role: effective,
        permissions: permissionMap(actor, Object.keys(WORKSPACE_PERMISSIONS)),
      }];
    }),
  }));
}

/**
 * GET /users/accounts: every account the caller belongs to, each as GET /accounts shows it to them with a key of that
 * account (their membership and role there decide which workspaces show).
 */
export async function listMyAccountOverviews(ctx: Ctx): Promise<AccountOverview[]> {
  const memberships = (await listAccountsOfUser(ctx.db, ctx.actor.userId)).flatMap(({ account, role }) =>
    isAccountRole(role) ? [{ account, role }] : [],
  );
  return Promise.all(
    memberships.map(({ account, role }) =>
      getAccountOverview({ ...ctx, actor: { ...ctx.actor, accountId: account.id, accountRole: role, workspaceId: null, workspaceRole: null } }),
    ),
  );
}

/** GET /users/permissions: who the caller is, where they have access, and what they may do in the token's account. */
export async function getMyPermissions(ctx: Ctx): Promise<MyPermissions> {
  const [user, accounts] = await Promise.all([requireMe(ctx), listMyAccounts(ctx)]);
  const accountId = ctx.actor.accountId ?? '';
  return { user, accountId, accounts, permissions: permissionMap(ctx.actor, Object.keys(ACCOUNT_PERMISSIONS)) };
}

/**
 * GET /users/history: events about or by the caller, newest first, as far as the token's account lets them be read.
 * Events about the caller themselves (profile, invites, memberships) always show; their other events only from the
 * token's account, and only what they could read there now through /accounts/history (owners, admins) or
 * /workspaces/history (the workspaces they can open). Another account's events never show: a key acts in one account.
 */
export async function listMyHistory(ctx: Ctx, page: { limit: number; cursor?: number | undefined }): Promise<HistoryPage> {
  const accountId = scopedAccountId(ctx);
  const seesAll = can(ctx.actor, 'account.history.read');
  const workspaceIds = seesAll
    ? 'all'
    : (await listMemberWorkspaceRows(ctx.db, { accountId, userId: ctx.actor.userId })).map((m) => m.workspace_id);
  const scope = { userId: ctx.actor.userId, accountId, accountEvents: seesAll, workspaceIds };
  return listHistory(ctx.db, scope, { limit: page.limit, before: page.cursor });
}
