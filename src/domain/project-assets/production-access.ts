import type { Kysely } from 'kysely';
import type { DB, WorkspaceRow } from '../../db/schema.js';
import { can, effectiveWorkspaceRole, isWorkspaceRole, type WorkspacePermission } from '../access.js';
import type { Actor, Ctx } from '../context.js';
import { errors } from '../errors.js';

/*
 * Productions as the project-asset code sees them: a medialoopster production is an Atelier workspace of the
 * caller's account (id = the workspace's `sequence`), and its grants are the caller's workspace role there:
 * read = any role, write = editor or admin, delete = editor or admin (docs/medialoopster.md). Account owners and
 * admins act as admins of every workspace, as on the core API. A request bound to one production (x-workspace-id)
 * reaches that one only. Same rules as src/domain/productions/production-access.ts of the surface.
 */

/** The actor as it would act in `workspaceId` (its role there, or none). */
export async function actorIn(db: Kysely<DB>, actor: Actor, workspaceId: string): Promise<Actor> {
  if (actor.workspaceId === workspaceId) {
    return actor;
  }
  if (actor.workspaceId !== null && actor.workspaceRole !== null) {
    // A request bound to one production (x-workspace-id) acts in no other.
    return { ...actor, workspaceId, workspaceRole: null };
  }
  const member = await db
    .selectFrom('workspace_members')
    .select('role')
    .where('workspace_id', '=', workspaceId)
    .where('user_id', '=', actor.userId)
    .executeTakeFirst();
  const memberRole = member && isWorkspaceRole(member.role) ? member.role : null;
  return { ...actor, workspaceId, workspaceRole: effectiveWorkspaceRole(actor.accountRole, memberRole) };
}

/** Whether the caller holds `permission` in the production (workspace). */
export async function canIn(ctx: Ctx, workspaceId: string, permission: WorkspacePermission): Promise<boolean> {
  return can(await actorIn(ctx.db, ctx.actor, workspaceId), permission);
}

/** Throws 403 unless the caller holds `permission` in the production. */
export async function requireIn(ctx: Ctx, workspaceId: string, permission: WorkspacePermission): Promise<void> {
  if (!(await canIn(ctx, workspaceId, permission))) {
    throw errors.forbidden('permission_denied', `You do not have the permission ${permission} in this production.`);
  }
}

/** The account's workspace with this production id (sequence) that the caller may read; undefined otherwise. */
export async function findReadableProduction(ctx: Ctx, ref: { id?: number | undefined; name?: string | undefined }): Promise<WorkspaceRow | undefined> {
  const accountId = ctx.actor.accountId;
  if (accountId === null) {
    return undefined;
  }
  let q = ctx.db.selectFrom('workspaces').selectAll().where('account_id', '=', accountId);
  if (ref.id !== undefined) {
    q = q.where('sequence', '=', ref.id);
  } else if (ref.name !== undefined) {
    q = q.where('name', '=', ref.name);
  } else {
    return undefined;
  }
  const rows = await q.orderBy('sequence').execute();
  for (const row of rows) {
    if (await canIn(ctx, row.id, 'asset.read')) {
      return row;
    }
  }
  return undefined;
}

/** The ids of the account's workspaces the caller may read (the productions a list may show). */
export async function readableProductionIds(ctx: Ctx): Promise<string[]> {
  const accountId = ctx.actor.accountId;
  if (accountId === null) {
    return [];
  }
  if (ctx.actor.workspaceId !== null && ctx.actor.workspaceRole !== null) {
    return [ctx.actor.workspaceId];
  }
  const rows = await ctx.db
    .selectFrom('workspaces as w')
    .leftJoin('workspace_members as wm', (j) => j.onRef('wm.workspace_id', '=', 'w.id').on('wm.user_id', '=', ctx.actor.userId))
    .select(['w.id', 'wm.role'])
    .where('w.account_id', '=', accountId)
    .execute();
  return rows
    .filter((r) => effectiveWorkspaceRole(ctx.actor.accountRole, r.role !== null && isWorkspaceRole(r.role) ? r.role : null) !== null)
    .map((r) => r.id);
}
