import type { ProjectRow, TaskRow, TaskStatusRow, UserRow } from '../../db/schema.js';
import { effectiveWorkspaceRole, isAccountRole, isWorkspaceRole, type WorkspaceRole } from '../access.js';
import { scopedAccountId, scopedWorkspaceId, type Ctx } from '../context.js';
import { findProjectsByIds } from '../projects/projects.repo.js';
import { findTaskStatusesByIds } from '../task-statuses/task-statuses.repo.js';
import { findUsersByIds } from '../users/users.repo.js';
import { watcherCounts } from './task-requests.repo.js';

/** A user with the role they act with in the request's workspace (null: no longer a member). */
export interface UserWithRole {
  user: UserRow;
  role: WorkspaceRole | null;
}

/** A task with what the Workstream shape shows next to it. */
export interface TaskRequestView {
  task: TaskRow;
  status: TaskStatusRow | undefined;
  creator: UserWithRole | undefined;
  assignee: UserWithRole | undefined;
  watcherCount: number;
  project: ProjectRow | undefined;
}

/** Users with their workspace roles, in two queries. */
export async function usersWithRoles(ctx: Ctx, users: readonly UserRow[]): Promise<Map<string, UserWithRole>> {
  const ids = [...new Set(users.map((u) => u.id))];
  if (ids.length === 0) {
    return new Map();
  }
  const rows = await ctx.db
    .selectFrom('account_members as am')
    .leftJoin('workspace_members as wm', (j) => j.onRef('wm.user_id', '=', 'am.user_id').on('wm.workspace_id', '=', scopedWorkspaceId(ctx)))
    .select(['am.user_id', 'am.role as account_role', 'wm.role as member_role'])
    .where('am.account_id', '=', scopedAccountId(ctx))
    .where('am.user_id', 'in', ids)
    .execute();
  const roles = new Map(
    rows.map((r) => [
      r.user_id,
      effectiveWorkspaceRole(isAccountRole(r.account_role) ? r.account_role : null, r.member_role !== null && isWorkspaceRole(r.member_role) ? r.member_role : null),
    ]),
  );
  return new Map(users.map((user) => [user.id, { user, role: roles.get(user.id) ?? null }]));
}

/** Views of task rows in a fixed number of queries. */
export async function viewTaskRequests(ctx: Ctx, rows: readonly TaskRow[]): Promise<TaskRequestView[]> {
  const workspaceId = scopedWorkspaceId(ctx);
  const [statuses, users, counts, projects] = await Promise.all([
    findTaskStatusesByIds(ctx.db, { workspaceId, ids: rows.map((r) => r.status_id) }),
    findUsersByIds(ctx.db, rows.flatMap((r) => [r.creator_id, r.assignee_id]).filter((id): id is string => id !== null)),
    watcherCounts(ctx.db, { workspaceId, taskIds: rows.map((r) => r.id) }),
    findProjectsByIds(ctx.db, { workspaceId, ids: rows.flatMap((r) => (r.project_id === null ? [] : [r.project_id])) }),
  ]);
  const withRoles = await usersWithRoles(ctx, [...users.values()]);
  return rows.map((task) => ({
    task,
    status: statuses.get(task.status_id),
    creator: task.creator_id ? withRoles.get(task.creator_id) : undefined,
    assignee: task.assignee_id ? withRoles.get(task.assignee_id) : undefined,
    watcherCount: counts.get(task.id) ?? 0,
    project: task.project_id ? projects.get(task.project_id) : undefined,
  }));
}

export async function viewTaskRequest(ctx: Ctx, row: TaskRow): Promise<TaskRequestView> {
  const [view] = await viewTaskRequests(ctx, [row]);
  return view as TaskRequestView;
}
