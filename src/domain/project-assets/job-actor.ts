import { effectiveWorkspaceRole, isAccountRole, isWorkspaceRole } from '../access.js';
import type { Actor, Ctx, Deps } from '../context.js';

/*
 * The user who asked for a project-asset job, as they are now in the workspace the job writes to: the job's writes
 * go through the same services (and history) as that user's requests. A user removed since gets no role, and the
 * services then refuse, which ends the job in ERROR with that reason.
 */
export async function jobActor(deps: Deps, p: { userId: string | null; accountId: string; workspaceId: string }): Promise<Ctx> {
  const none: Actor = { userId: p.userId ?? '', apiKeyId: null, accountId: p.accountId, accountRole: null, workspaceId: p.workspaceId, workspaceRole: null };
  if (p.userId === null) {
    return { ...deps, actor: none };
  }
  const r = await deps.db
    .selectFrom('account_members as am')
    .leftJoin('workspace_members as wm', (j) => j.on('wm.workspace_id', '=', p.workspaceId).onRef('wm.user_id', '=', 'am.user_id'))
    .select(['am.role as account_role', 'wm.role as member_role'])
    .where('am.account_id', '=', p.accountId)
    .where('am.user_id', '=', p.userId)
    .executeTakeFirst();
  if (!r || !isAccountRole(r.account_role)) {
    return { ...deps, actor: none };
  }
  const memberRole = r.member_role !== null && isWorkspaceRole(r.member_role) ? r.member_role : null;
  return {
    ...deps,
    actor: { ...none, accountRole: r.account_role, workspaceRole: effectiveWorkspaceRole(r.account_role, memberRole) },
  };
}
