import type { WorkspaceMemberRow, WorkspaceRow } from '../../db/schema.js';
import { requirePermission } from '../access.js';
import { scopedAccountId, scopedWorkspaceId, type Ctx } from '../context.js';
import { errors } from '../errors.js';
import { findWorkspace, findWorkspaceMember } from './workspaces.repo.js';
import { workspaceUsage, type WorkspaceUsage } from './usage.js';

export interface WorkspaceView {
  workspace: WorkspaceRow;
  /** The caller's own membership row, if they have one (account admins may not). */
  membership: WorkspaceMemberRow | undefined;
  usage: WorkspaceUsage;
}

/** GET /workspaces: the workspace named by the request's scope, with the caller's role and usage. */
export async function getCurrentWorkspace(ctx: Ctx): Promise<WorkspaceView> {
  requirePermission(ctx.actor, 'workspace.read');
  const workspaceId = scopedWorkspaceId(ctx);
  const workspace = await findWorkspace(ctx.db, { accountId: scopedAccountId(ctx), id: workspaceId });
  if (!workspace) {
    throw errors.notFound('workspace', workspaceId);
  }
  const [membership, usage] = await Promise.all([
    findWorkspaceMember(ctx.db, { workspaceId, userId: ctx.actor.userId }),
    workspaceUsage(ctx.db, workspaceId),
  ]);
  return { workspace, membership, usage };
}
