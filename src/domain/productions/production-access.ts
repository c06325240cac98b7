import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.js';
import { effectiveWorkspaceRole, isWorkspaceRole, WORKSPACE_PERMISSIONS, type WorkspacePermission, type WorkspaceRole } from '../access.js';
import { scopedAccountId, type Ctx } from '../context.js';

/*
 * A medialoopster production is an Atelier workspace (docs/medialoopster.md, "Productions"). Its grants map onto
 * workspace roles: any role reads; editors and admins write (create, edit, lock) and delete assets; admins also
 * manage the production (settings, devices, members). Account owners and admins act as admins of every production.
 * A production the caller has no role in is invisible (404, like another tenant's).
 */

export interface ProductionRole {
  workspaceId: string;
  role: WorkspaceRole;
}

/** Whether the role holds the workspace permission (the one matrix of access.ts). */
export const roleCan = (role: WorkspaceRole, permission: WorkspacePermission): boolean =>
  (WORKSPACE_PERMISSIONS[permission] as readonly string[]).includes(role);

/**
 * The productions (workspaces) of the request's account the caller has a role in, with the role; only the bound one
 * when the request named a workspace (x-workspace-id).
 */
export async function readableProductions(ctx: Ctx): Promise<Map<string, WorkspaceRole>> {
  if (ctx.actor.workspaceId !== null && ctx.actor.workspaceRole !== null) {
    return new Map([[ctx.actor.workspaceId, ctx.actor.workspaceRole]]);
  }
  const rows = await memberRoles(ctx.db, { accountId: scopedAccountId(ctx), userId: ctx.actor.userId });
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

/** The caller's role in one production of the account, or undefined when they have none (or it is another's). */
export async function productionRole(ctx: Ctx, workspaceId: string): Promise<WorkspaceRole | undefined> {
  return (await readableProductions(ctx)).get(workspaceId);
}

/**
 * A ctx acting inside one production with the caller's role there, so the core services (which read the workspace
 * from the actor) run unchanged: same permissions, history, events, search. Callers resolve `workspaceId` from a
 * readable production first.
 */
export function inProduction(ctx: Ctx, p: ProductionRole): Ctx {
  return { ...ctx, actor: { ...ctx.actor, workspaceId: p.workspaceId, workspaceRole: p.role } };
}
