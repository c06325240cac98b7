import type { TaskRow, TaskStatusRow } from '../../db/schema.js';
import { requirePermission } from '../access.js';
import { scopedWorkspaceId, type Ctx } from '../context.js';
import { errors } from '../errors.js';
import { findProject } from '../projects/projects.repo.js';
import { draftStatusOf, statusesWithDraft } from '../task-statuses/draft-status.js';
import { findVisibleRequest, listRequestRows, type RequestFilters, type RequestSort, type RequestViewer } from './task-requests.repo.js';
import { updateTask } from './tasks.service.js';

/*
 * Tasks as Workstream "requests" (spec §1.4.7, §1.5 items 1-3): the same rows and rules as core tasks, plus who sees
 * which (drafts only by their creator; admins everything else; other users what they created).
 */

/** Workspace admins (account owners and admins included) are Workstream admins. */
export function requestViewer(ctx: Ctx): RequestViewer {
  return { userId: ctx.actor.userId, isAdmin: ctx.actor.workspaceRole === 'admin' };
}

export interface RequestListInput {
  sort: RequestSort;
  desc: boolean;
  offset: number;
  limit: number;
  filters: RequestFilters;
}

/** T1: the tasks the caller may see. */
export async function listTaskRequests(ctx: Ctx, input: RequestListInput): Promise<TaskRow[]> {
  requirePermission(ctx.actor, 'asset.read');
  return listRequestRows(ctx.db, { workspaceId: scopedWorkspaceId(ctx), viewer: requestViewer(ctx), ...input });
}

/** T2 and every `/tasks/{id}/...` route: the task if the caller may see it, else `task_not_found` (404). */
export async function requireTaskRequest(ctx: Ctx, id: string): Promise<TaskRow> {
  requirePermission(ctx.actor, 'asset.read');
  const task = await findVisibleRequest(ctx.db, { workspaceId: scopedWorkspaceId(ctx), id, viewer: requestViewer(ctx) });
  if (!task) {
    throw errors.notFound('task', id);
  }
  return task;
}

export interface RequestUpdate {
  statusId?: string | undefined;
  name?: string | undefined;
  /** Unix seconds (UTC); null clears it. */
  dueDate?: number | null | undefined;
  assigneeId?: string | null | undefined;
  /** A project of the workspace; null clears it. */
  projectId?: string | null | undefined;
}

/**
 * T13: updates a task the caller may see through the core task rules (permissions, history, assignee notification).
 * The draft status can never be set (spec §1.5 item 3): refused by the core update for every surface.
 */
export async function updateTaskRequest(ctx: Ctx, id: string, input: RequestUpdate): Promise<TaskRow> {
  await requireTaskRequest(ctx, id);
  if (input.statusId !== undefined && draftStatusOf(await statusesWithDraft(ctx))?.id === input.statusId) {
    throw errors.invalidField('body', 'status', 'cannot be the draft status');
  }
  const dueDate = input.dueDate === undefined || input.dueDate === null ? input.dueDate : new Date(input.dueDate * 1000).toISOString();
  if (input.projectId && !(await findProject(ctx.db, { workspaceId: scopedWorkspaceId(ctx), id: input.projectId }))) {
    throw errors.invalidField('body', 'project_id', 'must be the id of a project of this workspace');
  }
  const view = await updateTask(ctx, id, { statusId: input.statusId, title: input.name, dueDate, assigneeId: input.assigneeId, projectId: input.projectId });
  return view.task;
}

/** S1: the workspace's statuses, the draft status included (created on first use). */
export async function listRequestStatuses(ctx: Ctx): Promise<TaskStatusRow[]> {
  requirePermission(ctx.actor, 'asset.read');
  return statusesWithDraft(ctx);
}
