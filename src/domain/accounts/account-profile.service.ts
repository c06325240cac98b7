import type { Readable } from 'node:stream';
import type { Updateable } from 'kysely';
import type { AccountMemberRow, AccountRow, AccountsTable, UserRow } from '../../db/schema.js';
import { isoNow } from '../../lib/clock.js';
import { requirePermission } from '../access.js';
import { inTransaction, scopedAccountId, type Ctx } from '../context.js';
import { errors } from '../errors.js';
import { recordHistory } from '../history/history.service.js';
import { storeThumbnail } from '../thumbnails/thumbnails.service.js';
import { findUsersByIds } from '../users/users.repo.js';
import { workspaceUsage } from '../workspaces/usage.js';
import { listAccountWorkspaces } from '../workspaces/workspaces.repo.js';
import type { WorkspaceView } from '../workspaces/workspaces.service.js';
import { getSubscription, type SubscriptionView } from './plan.service.js';
import { countAccountMembers, findAccount, findAccountMember, listMemberWorkspaceRows, listMemberWorkspaces } from './accounts.repo.js';

type AccountUpdate = Updateable<AccountsTable>;

export interface AccountOverview {
  account: AccountRow;
  /** The caller's own membership and user. */
  member: AccountMemberRow;
  memberUser: UserRow;
  creator: UserRow | null;
  workspaces: WorkspaceView[];
  subscription: SubscriptionView;
}

/** The scoped account, or not_found (it may have been deleted while the caller's token was alive). */
async function requireAccount(ctx: Ctx): Promise<AccountRow> {
  const id = scopedAccountId(ctx);
  const account = await findAccount(ctx.db, id);
  if (!account) {
    throw errors.notFound('account', id);
  }
  return account;
}

/** Workspaces the caller can see: all of them for account owners/admins, else the ones they are a member of. */
export async function listVisibleWorkspaces(ctx: Ctx): Promise<WorkspaceView[]> {
  requirePermission(ctx.actor, 'account.read');
  const accountId = scopedAccountId(ctx);
  const scope = { accountId, userId: ctx.actor.userId };
  const seesAll = ctx.actor.accountRole === 'owner' || ctx.actor.accountRole === 'admin';
  const [workspaces, memberships] = await Promise.all([
    seesAll ? listAccountWorkspaces(ctx.db, accountId) : listMemberWorkspaces(ctx.db, scope),
    listMemberWorkspaceRows(ctx.db, scope),
  ]);
  const byWorkspace = new Map(memberships.map((m) => [m.workspace_id, m]));
  return Promise.all(
    workspaces.map(async (workspace) => ({
      workspace,
      membership: byWorkspace.get(workspace.id),
      usage: await workspaceUsage(ctx.db, workspace.id),
    })),
  );
}

/** GET /accounts: the scoped account with the caller's membership, its creator and the caller's workspaces. */
export async function getAccountOverview(ctx: Ctx): Promise<AccountOverview> {
  requirePermission(ctx.actor, 'account.read');
  const account = await requireAccount(ctx);
  const member = await findAccountMember(ctx.db, { accountId: account.id, userId: ctx.actor.userId });
  if (!member) {
    throw errors.notFound('account', account.id);
  }
  const [users, workspaces, subscription] = await Promise.all([
    findUsersByIds(ctx.db, [member.user_id, ...(account.created_by_user_id ? [account.created_by_user_id] : [])]),
    listVisibleWorkspaces(ctx),
    getSubscription(ctx),
  ]);
  const memberUser = users.get(member.user_id);
  if (!memberUser) {
    throw errors.notFound('user', member.user_id);
  }
  const creator = account.created_by_user_id ? (users.get(account.created_by_user_id) ?? null) : null;
  return { account, member, memberUser, creator, workspaces, subscription };
}

/** What PUT /accounts carries. */
export interface AccountFields {
  name?: string | undefined;
  defaultAvatar?: number | undefined;
  thumbnailKey?: string | undefined;
}

/**
 * Reads the request's fields, storing an uploaded thumbnail through `storeImage`. The service calls it only after
 * the permission check, so nothing is stored for a caller who may not make the change.
 */
export type AccountFormReader = (storeImage: (image: Readable) => Promise<string>) => Promise<AccountFields>;

const ACCOUNT_NAME_MAX = 200;

const snapshot = (a: AccountRow): Record<string, unknown> => ({
  name: a.name,
  defaultAvatar: a.default_avatar,
  thumbnail_file_id: a.thumbnail_blob_key,
});

/** PUT /accounts: name, default avatar and/or thumbnail; an empty update changes nothing. History keeps before/after. */
export async function updateAccount(ctx: Ctx, read: AccountFormReader): Promise<AccountOverview> {
  requirePermission(ctx.actor, 'account.update');
  const fields = await read((image) => storeThumbnail(ctx, image));
  const name = fields.name?.trim();
  if (name !== undefined && (name.length === 0 || name.length > ACCOUNT_NAME_MAX)) {
    throw errors.invalidField('body', 'name', `must be 1 to ${ACCOUNT_NAME_MAX} characters, not only spaces`);
  }
  await inTransaction(ctx, async (tx) => {
    const before = await requireAccount(tx);
    const patch: AccountUpdate = {};
    if (name !== undefined && name !== before.name) {
      patch.name = name;
    }
    if (fields.defaultAvatar !== undefined && fields.defaultAvatar !== before.default_avatar) {
      patch.default_avatar = fields.defaultAvatar;
    }
    if (fields.thumbnailKey !== undefined && fields.thumbnailKey !== before.thumbnail_blob_key) {
      patch.thumbnail_blob_key = fields.thumbnailKey;
    }
    if (Object.keys(patch).length === 0) {
      return;
    }
    patch.updated_at = isoNow(tx.clock);
    const after = await tx.db.updateTable('accounts').set(patch).where('id', '=', before.id).returningAll().executeTakeFirstOrThrow();
    await recordHistory(tx, {
      accountId: before.id,
      userId: tx.actor.userId,
      subjectType: 'account',
      recordId: before.id,
      type: 'account_updated',
      data: { before: snapshot(before), after: snapshot(after) },
    });
  });
  return getAccountOverview(ctx);
}

/**
 * DELETE /accounts (owners only). Foreign keys cascade to workspaces, members, keys, invites, settings and
 * notifications; history has no foreign keys and survives. Blobs left unreferenced are removed by the sweep.
 */
export async function deleteAccount(ctx: Ctx): Promise<void> {
  requirePermission(ctx.actor, 'account.delete');
  await inTransaction(ctx, async (tx) => {
    const account = await requireAccount(tx);
    const [members, workspaces] = await Promise.all([
      countAccountMembers(tx.db, { accountId: account.id }),
      listAccountWorkspaces(tx.db, account.id),
    ]);
    await recordHistory(tx, {
      accountId: account.id,
      userId: tx.actor.userId,
      subjectType: 'account',
      recordId: account.id,
      type: 'account_deleted',
      data: {
        before: { name: account.name, created_at: account.created_at, members, workspaces: workspaces.map((w) => ({ id: w.id, name: w.name })) },
      },
    });
    await tx.db.deleteFrom('accounts').where('id', '=', account.id).execute();
  });
}

/** GET /accounts/thumbnail: the stored WebP, or thumbnail_not_found. */
export async function openAccountThumbnail(ctx: Ctx): Promise<{ key: string; stream: Readable }> {
  requirePermission(ctx.actor, 'account.read');
  const account = await requireAccount(ctx);
  if (!account.thumbnail_blob_key) {
    throw errors.notFound('thumbnail');
  }
  return { key: account.thumbnail_blob_key, stream: await ctx.blobs.get(account.thumbnail_blob_key) };
}
