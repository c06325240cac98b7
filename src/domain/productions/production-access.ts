import type { Kysely } from 'kysely';
import type { DB, WorkspaceRow } from '../../db/schema.js';
import { effectiveWorkspaceRole, isWorkspaceRole, WORKSPACE_PERMISSIONS, type WorkspacePermission, type WorkspaceRole } from '../access.js';
import type { Ctx } from '../context.js';
import { errors } from '../errors.js';

/*
 * The one place that says who reaches which medialoopster production (media assets, devices, project assets,
 * imports, archive). A production is an Atelier workspace of the caller's account (docs/medialoopster.md,
 * "Productions"; id = the workspace's `sequence`). Its grants map onto workspace roles: any role reads; editors and
 * admins write (create, edit, lock) and delete assets; admins also manage the production (settings, devices,
 * members). Account owners and admins act as admins of every production. A request bound to one production
 * (x-workspace-id) reaches that one only. A production the caller has no role in is invisible (404, like another
 * tenant's).
 */

export interface ProductionRole {
  workspaceId: string;
  role: WorkspaceRole;
}

/** Whether the role holds the workspace permission (the one matrix of access.ts). */
export const roleCan = (role: WorkspaceRole, permission: WorkspacePermission): boolean =>
  (WORKSPACE_PERMISSIONS[permission] as readonly string[]).includes(role);

/**
 * The productions (workspaces) of the request's account the caller has a role in, with the role, in production-id
 * order; only the bound one when the request named a workspace (x-workspace-id).
 */
export async function readableProductions(ctx: Ctx): Promise<Map<string, WorkspaceRole>> {
  if (ctx.actor.workspaceId !== null && ctx.actor.workspaceRole !== null) {
    return new Map([[ctx.actor.workspaceId, ctx.actor.workspaceRole]]);
  }
  // A credential without an account (none reaches these routes today) reads no production rather than failing.
  if (ctx.actor.accountId === null) {
    return new Map();
  }
  const rows = await memberRoles(ctx.db, { accountId: ctx.actor.accountId, userId: ctx.actor.userId });
  const out = new Map<string, WorkspaceRole>();
  for (const r of rows) {
    const member = r.member_role !== null && isWorkspaceRole(r.member_role) ? r.member_role : null;
    const role = effectiveWorkspaceRole(ctx.actor.accountRole, member);
    if (role !== null) {
      out.set(r.id, role);
    }
  }
  return out;
}

/** Every workspace of the account with the user's member role in it (null when not a member). */
function memberRoles(db: Kysely<DB>, p: { accountId: string; userId: string }) {
  return db
    .selectFrom('workspaces as w')
    .leftJoin('workspace_members as wm', (j) => j.onRef('wm.workspace_id', '=', 'w.id').on('wm.user_id', '=', p.userId))
    .select(['w.id', 'wm.role as member_role'])
    .where('w.account_id', '=', p.accountId)
    .orderBy('w.sequence')
    .execute();
}

/** The ids of the productions the caller may read (what a list may show). */
export async function readableProductionIds(ctx: Ctx): Promise<string[]> {
  return [...(await readableProductions(ctx)).keys()];
}

/** The caller's role in one production of the account, or undefined when they have none (or it is another's). */
export async function productionRole(ctx: Ctx, workspaceId: string): Promise<WorkspaceRole | undefined> {
  return (await readableProductions(ctx)).get(workspaceId);
}

/** Whether the caller holds `permission` in the production (false for another account's workspace). */
export async function canIn(ctx: Ctx, workspaceId: string, permission: WorkspacePermission): Promise<boolean> {
  const role = await productionRole(ctx, workspaceId);
  return role !== undefined && roleCan(role, permission);
}

/** Throws 403 unless the caller holds `permission` in the production. */
export async function requireIn(ctx: Ctx, workspaceId: string, permission: WorkspacePermission): Promise<void> {
  if (!(await canIn(ctx, workspaceId, permission))) {
    throw errors.forbidden('permission_denied', `You do not have the permission ${permission} in this production.`);
  }
}

/** The account's production with this id (sequence) or name that the caller may read; undefined otherwise. */
export async function findReadableProduction(ctx: Ctx, ref: { id?: number | undefined; name?: string | undefined }): Promise<WorkspaceRow | undefined> {
  const accountId = ctx.actor.accountId;
  if (accountId === null || (ref.id === undefined && ref.name === undefined)) {
    return undefined;
  }
  let q = ctx.db.selectFrom('workspaces').selectAll().where('account_id', '=', accountId);
  q = ref.id !== undefined ? q.where('sequence', '=', ref.id) : q.where('name', '=', ref.name ?? '');
  const rows = await q.orderBy('sequence').execute();
  const readable = await readableProductions(ctx);
  return rows.find((row) => readable.has(row.id));
}

/**
 * A ctx acting inside one production with the caller's role there, so the core services (which read the workspace
 * from the actor) run unchanged: same permissions, history, events, search. Callers resolve `workspaceId` from a
 * readable production first.
 */
export function inProduction(ctx: Ctx, p: ProductionRole): Ctx {
  return { ...ctx, actor: { ...ctx.actor, workspaceId: p.workspaceId, workspaceRole: p.role } };
}
