import type { TaskRow, TaskStatusRow, UserRow } from '../../db/schema.js';
import { findAssetsByIds } from '../assets/assets.repo.js';
import { viewAssets, type AssetView } from '../assets/assets.service.js';
import { scopedWorkspaceId, type Ctx } from '../context.js';
import { findTaskStatusesByIds } from '../task-statuses/task-statuses.repo.js';
import { findUsersByIds } from '../users/users.repo.js';

/** A task with what every surface shows next to it. */
export interface TaskView {
  task: TaskRow;
  status: TaskStatusRow | undefined;
  creator: UserRow | undefined;
  assignee: UserRow | undefined;
  asset: AssetView | undefined;
}

/** Tasks with their status, users and asset (with the asset's own relations), in a fixed number of queries. */
export async function viewTasks(ctx: Ctx, rows: readonly TaskRow[]): Promise<TaskView[]> {
  const workspaceId = scopedWorkspaceId(ctx);
  const assetIds = rows.flatMap((r) => (r.asset_id ? [r.asset_id] : []));
  const [statuses, users, assets] = await Promise.all([
    findTaskStatusesByIds(ctx.db, { workspaceId, ids: rows.map((r) => r.status_id) }),
    findUsersByIds(ctx.db, rows.flatMap((r) => [r.creator_id, r.assignee_id]).filter((id): id is string => id !== null)),
    findAssetsByIds(ctx.db, { workspaceId, ids: assetIds }),
  ]);
  const assetViews = new Map((await viewAssets(ctx, assets)).map((v) => [v.asset.id, v]));
  return rows.map((task) => ({
    task,
    status: statuses.get(task.status_id),
    creator: task.creator_id ? users.get(task.creator_id) : undefined,
    assignee: task.assignee_id ? users.get(task.assignee_id) : undefined,
    asset: task.asset_id ? assetViews.get(task.asset_id) : undefined,
  }));
}

/** One task's view. */
export async function viewTask(ctx: Ctx, row: TaskRow): Promise<TaskView> {
  const [view] = await viewTasks(ctx, [row]);
  return view ?? { task: row, status: undefined, creator: undefined, assignee: undefined, asset: undefined };
}
