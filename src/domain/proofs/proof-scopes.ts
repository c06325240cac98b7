import type { AssetRow, TaskRow } from '../../db/schema.js';
import { requirePermission } from '../access.js';
import { findAsset } from '../assets/assets.repo.js';
import { scopedWorkspaceId, type Ctx } from '../context.js';
import { errors } from '../errors.js';
import { requireFolder } from '../folders/folders.service.js';
import { requireTaskRequest } from '../tasks/task-requests.service.js';

/*
 * The container checks of the proof routes ("using folder/task permissions", spec §1.4.5). A container the caller may
 * not see, or an asset that is not the workspace's: 404. An asset of the workspace not reachable through the
 * container: 403 (spec §1.1: "no access to the asset through the folder/project/task"). The project check is
 * requireProjectAsset (domain/projects/project-links.service.ts).
 */

async function liveAsset(ctx: Ctx, assetId: string): Promise<AssetRow> {
  const asset = await findAsset(ctx.db, { workspaceId: scopedWorkspaceId(ctx), id: assetId });
  if (!asset || asset.is_active !== 1) {
    throw errors.notFound('asset', assetId);
  }
  return asset;
}

/** Folder scope: the asset lies directly in the folder, and the caller may read the workspace's assets. */
export async function requireFolderAsset(ctx: Ctx, folderId: string, assetId: string): Promise<AssetRow> {
  requirePermission(ctx.actor, 'asset.read');
  const folder = await requireFolder(ctx, folderId);
  const asset = await liveAsset(ctx, assetId);
  if (asset.file_location !== folder.path) {
    throw errors.forbidden('asset_not_in_folder', 'The asset is not in this folder.');
  }
  return asset;
}

/** Whether the asset is linked to the task (`task_assets`; the task's primary `asset_id` is always one of its links). */
export async function taskHasAsset(ctx: Ctx, task: TaskRow, assetId: string): Promise<boolean> {
  if (task.asset_id === assetId) {
    return true;
  }
  const link = await ctx.db
    .selectFrom('task_assets')
    .select('id')
    .where('workspace_id', '=', scopedWorkspaceId(ctx))
    .where('task_id', '=', task.id)
    .where('asset_id', '=', assetId)
    .executeTakeFirst();
  return link !== undefined;
}

/** Task scope: the caller may see the task (Workstream's visibility rule) and the asset belongs to it. */
export async function requireTaskAsset(ctx: Ctx, taskId: string, assetId: string): Promise<AssetRow> {
  const task = await requireTaskRequest(ctx, taskId);
  const asset = await liveAsset(ctx, assetId);
  if (!(await taskHasAsset(ctx, task, assetId))) {
    throw errors.forbidden('asset_not_in_task', 'The asset is not linked to this task.');
  }
  return asset;
}
