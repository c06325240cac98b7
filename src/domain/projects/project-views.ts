import type { ProjectRow, UserRow } from '../../db/schema.js';
import { scopedWorkspaceId, type Ctx } from '../context.js';
import { usersWithRoles, type UserWithRole } from '../tasks/task-request-views.js';
import { findUsersByIds } from '../users/users.repo.js';
import { assetCountsOf, projectTaskFacts, watcherCountsOf } from './projects.repo.js';
import { addTask, NO_TASKS, type ProjectTaskStats } from './projects.rules.js';

/** A project with what its Workstream shape shows next to it. */
export interface ProjectView {
  project: ProjectRow;
  sponsor: UserWithRole | undefined;
  owner: UserRow | undefined;
  tasks: ProjectTaskStats;
  watcherCount: number;
  assetCount: number;
}

/** Views of project rows in a fixed number of queries. */
export async function viewProjects(ctx: Ctx, rows: readonly ProjectRow[]): Promise<ProjectView[]> {
  const workspaceId = scopedWorkspaceId(ctx);
  const projectIds = rows.map((r) => r.id);
  if (projectIds.length === 0) {
    return [];
  }
  const [users, facts, watchers, assets] = await Promise.all([
    findUsersByIds(ctx.db, rows.flatMap((r) => [r.sponsor_id, r.owner_id]).filter((id): id is string => id !== null)),
    projectTaskFacts(ctx.db, { workspaceId, projectIds }),
    watcherCountsOf(ctx.db, { workspaceId, projectIds }),
    assetCountsOf(ctx.db, { workspaceId, projectIds }),
  ]);
  const withRoles = await usersWithRoles(ctx, [...users.values()]);
  const now = ctx.clock.now();
  const stats = new Map<string, ProjectTaskStats>();
  for (const f of facts) {
    if (f.project_id !== null) {
      stats.set(f.project_id, addTask(stats.get(f.project_id) ?? NO_TASKS, { closed: f.is_closed === 1, dueDate: f.due_date }, now));
    }
  }
  return rows.map((project) => ({
    project,
    sponsor: project.sponsor_id ? withRoles.get(project.sponsor_id) : undefined,
    owner: project.owner_id ? users.get(project.owner_id) : undefined,
    tasks: stats.get(project.id) ?? NO_TASKS,
    watcherCount: watchers.get(project.id) ?? 0,
    assetCount: assets.get(project.id) ?? 0,
  }));
}

export async function viewProject(ctx: Ctx, row: ProjectRow): Promise<ProjectView> {
  const [view] = await viewProjects(ctx, [row]);
  return view as ProjectView;
}
