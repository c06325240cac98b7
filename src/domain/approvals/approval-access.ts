import type { ApprovalResponseRow, ApprovalRow, AssetRow } from '../../db/schema.js';
import { can, requirePermission } from '../access.js';
import { requireAsset } from '../assets/assets.service.js';
import { scopedAccountId, scopedWorkspaceId, type Ctx } from '../context.js';
import { errors } from '../errors.js';
import { requireFolder } from '../folders/folders.service.js';
import { isProjectAsset } from '../projects/projects.repo.js';
import { requireProject } from '../projects/projects.service.js';
import { requireTaskRequest } from '../tasks/task-requests.service.js';
import { teamIdsOfUser } from '../teams/teams.repo.js';
import { keyHash } from './approval-keys.js';
import { findApproval, findApprovalByViewKey, findResponseByKey } from './approvals.repo.js';

/*
 * Who may do what with an approval (spec §1.5 items 4, 8, 9, 10): the caller's identity (user and teams), keys, and
 * the container (folder, task, project) an asset is reached through.
 */

/** The person acting: a signed-in user (with their teams) or a guest who holds a key (no user). */
export interface Caller {
  userId: string | null;
  teamIds: ReadonlySet<string>;
  /** Workspace admin (account owners and admins included): sees and manages every approval. */
  isAdmin: boolean;
}

export async function callerOf(ctx: Ctx): Promise<Caller> {
  return {
    userId: ctx.actor.userId,
    teamIds: new Set(await teamIdsOfUser(ctx.db, { accountId: scopedAccountId(ctx), userId: ctx.actor.userId })),
    isAdmin: can(ctx.actor, 'discussion.moderate'),
  };
}

/** The slot is the caller's: their own, or their team's (any member may answer). */
export const holdsSlot = (slot: ApprovalResponseRow, caller: Caller): boolean =>
  (slot.user_id !== null && slot.user_id === caller.userId) || (slot.team_id !== null && caller.teamIds.has(slot.team_id));

/** Owner or admin: may see everything, answer for a named response, remind, resubmit, cancel. */
export const manages = (approval: ApprovalRow, caller: Caller): boolean => caller.isAdmin || (caller.userId !== null && approval.owner_id === caller.userId);

/** An approval opened by a key: `slot` is the key's approver slot, undefined for the view-only key. */
export interface Keyed {
  approval: ApprovalRow;
  slot: ApprovalResponseRow | undefined;
  caller: Caller;
}

/**
 * A `{key}` of the caller's workspace: an approver's key opens the approval for that approver (their own slot, their
 * team's, or anyone's for the owner and admins); the view-only key only for the owner and admins (§1.5 item 9).
 * Anything else, another tenant's key included, is `approval_not_found`.
 */
export async function openByKey(ctx: Ctx, key: string): Promise<Keyed> {
  requirePermission(ctx.actor, 'asset.read');
  const workspaceId = scopedWorkspaceId(ctx);
  const caller = await callerOf(ctx);
  const hash = keyHash(key);
  if (key.startsWith('apv_')) {
    const approval = await findApprovalByViewKey(ctx.db, { workspaceId, hash });
    if (approval && manages(approval, caller)) {
      return { approval, slot: undefined, caller };
    }
    throw errors.notFound('approval');
  }
  const slot = await findResponseByKey(ctx.db, { workspaceId, hash });
  const approval = slot ? await findApproval(ctx.db, { workspaceId, id: slot.approval_id }) : undefined;
  if (slot && approval && (holdsSlot(slot, caller) || manages(approval, caller))) {
    return { approval, slot, caller };
  }
  throw errors.notFound('approval');
}

/** Where an asset is reached from (Workstream's folder, task and project routes). */
export type Container = { kind: 'folder' | 'task' | 'project'; id: string };

/**
 * The asset, reached through the container the caller may see: 404 when the container or the asset does not exist
 * (or is not visible), 403 `no_access_through_container` when the asset is not in it (§1.5 item 10). A project
 * reaches the assets linked to it (`project_linked_assets`).
 */
export async function requireAssetIn(ctx: Ctx, container: Container, assetId: string): Promise<AssetRow> {
  requirePermission(ctx.actor, 'asset.read');
  let inside: (asset: AssetRow) => boolean;
  let linked = false;
  switch (container.kind) {
    case 'folder': {
      const folder = await requireFolder(ctx, container.id);
      inside = (a) => a.file_location === folder.path;
      break;
    }
    case 'task': {
      const task = await requireTaskRequest(ctx, container.id);
      inside = (a) => task.asset_id === a.id;
      break;
    }
    case 'project': {
      const project = await requireProject(ctx, container.id);
      linked = await isProjectAsset(ctx.db, { workspaceId: scopedWorkspaceId(ctx), projectId: project.id, assetId });
      inside = () => linked;
      break;
    }
  }
  const asset = await requireAsset(ctx, assetId);
  if (asset.is_active !== 1) {
    throw errors.notFound('asset', assetId);
  }
  if (!inside(asset)) {
    throw errors.forbidden('no_access_through_container', `The asset is not reachable through this ${container.kind}.`);
  }
  return asset;
}

/** Whether the caller may see an approval at all (lists, check routes): owner, admin, or an approver of any stage. */
export const seesApproval = (approval: ApprovalRow, slots: readonly ApprovalResponseRow[], caller: Caller): boolean =>
  manages(approval, caller) || slots.some((s) => s.approval_id === approval.id && holdsSlot(s, caller));
