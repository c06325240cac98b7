import { isUuid } from '../../lib/ids.js';
import { requirePermission } from '../access.js';
import { requireAsset } from '../assets/assets.service.js';
import { scopedWorkspaceId, type Ctx } from '../context.js';
import { errors } from '../errors.js';
import { nameKey } from '../tags/tags.rules.js';
import { viewTasks, type TaskView } from './task-views.js';
import { listTaskRows, type TaskFilters } from './tasks.repo.js';
import { cleanDueDate, decodeTaskCursor, parseTaskSort, priorityValue, type TaskPriority } from './tasks.rules.js';

/** GET /tasks query, as strings (the surface validated shapes; meaning is checked here). */
export interface ListTasksInput {
  status?: readonly string[] | undefined;
  statusId?: string | undefined;
  /** A user id or `me`. */
  assigneeId?: string | undefined;
  creatorId?: string | undefined;
  assetId?: string | undefined;
  projectId?: string | undefined;
  priority?: readonly TaskPriority[] | undefined;
  dueBefore?: string | undefined;
  dueAfter?: string | undefined;
  open?: boolean | undefined;
  q?: string | undefined;
  sort?: string | undefined;
  limit: number;
  cursor?: string | undefined;
}

export interface TaskPage {
  items: TaskView[];
  nextCursor: string | null;
}

function idFilter(value: string | undefined, field: string): string | undefined {
  if (value === undefined) {
    return undefined;
  }
  if (!isUuid(value)) {
    throw errors.invalidField('query', field, 'must be an id');
  }
  return value.toLowerCase();
}

/**
 * GET /tasks, GET /workspaces/tasks: the workspace's tasks matching the filters (all of them; repeated `status` or
 * `priority` values match any). Ids of other tenants simply match nothing.
 */
export async function listTasks(ctx: Ctx, input: ListTasksInput): Promise<TaskPage> {
  requirePermission(ctx.actor, 'asset.read');
  const sort = parseTaskSort(input.sort);
  const filters: TaskFilters = {
    statusKeys: input.status?.map((s) => nameKey(s.trim())),
    statusId: idFilter(input.statusId, 'status_id'),
    assigneeId: input.assigneeId === 'me' ? ctx.actor.userId : idFilter(input.assigneeId, 'assignee_id'),
    creatorId: input.creatorId === 'me' ? ctx.actor.userId : idFilter(input.creatorId, 'creator_id'),
    assetId: idFilter(input.assetId, 'asset_id'),
    projectId: idFilter(input.projectId, 'project_id'),
    priorities: input.priority?.map(priorityValue),
    dueBefore: input.dueBefore === undefined ? undefined : cleanDueDate(input.dueBefore, 'due_before', 'query'),
    dueAfter: input.dueAfter === undefined ? undefined : cleanDueDate(input.dueAfter, 'due_after', 'query'),
    open: input.open,
    q: input.q?.trim(),
  };
  const after = input.cursor === undefined ? undefined : decodeTaskCursor(input.cursor, sort);
  const page = await listTaskRows(ctx.db, { workspaceId: scopedWorkspaceId(ctx), viewerId: ctx.actor.userId, filters, sort, limit: input.limit, after });
  return { items: await viewTasks(ctx, page.items), nextCursor: page.nextCursor };
}

/** GET /workspaces/assets/{id}/tasks: the asset's tasks (404 for an asset not in the workspace). */
export async function listAssetTasks(ctx: Ctx, assetId: string, input: ListTasksInput): Promise<TaskPage> {
  requirePermission(ctx.actor, 'asset.read');
  const asset = await requireAsset(ctx, assetId);
  return listTasks(ctx, { ...input, assetId: asset.id });
}
