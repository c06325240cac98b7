import type { ProjectRow, ProjectUpdate } from '../../db/schema.js';
import { isoNow } from '../../lib/clock.js';
import { newId } from '../../lib/ids.js';
import { requirePermission } from '../access.js';
import { inTransaction, scopedAccountId, scopedWorkspaceId, type Ctx } from '../context.js';
import { errors } from '../errors.js';
import { recordHistory } from '../history/history.service.js';
import { isWorkspaceUser } from '../tasks/tasks.repo.js';
import { deleteProjectRow, findProject, insertProject, listProjectRows, updateProjectRow, type ProjectFilters, type ProjectSort } from './projects.repo.js';
import { cleanLaunchDate, cleanProjectDescription, cleanProjectName, PROJECT_STATUSES, type ProjectStatusName } from './projects.rules.js';
import { notifyProjectWatchers } from './project-watcher-notify.js';

/*
 * Workstream projects (spec §1.3.10, §1.4.4; docs/workstream.md "Projects"). Every workspace member sees every
 * project of the workspace; workspace admins create, change and delete them (core API: /workspaces/projects).
 */

/** The project in the request's workspace, or `project_not_found` (404). */
export async function requireProject(ctx: Ctx, id: string): Promise<ProjectRow> {
  requirePermission(ctx.actor, 'asset.read');
  const project = await findProject(ctx.db, { workspaceId: scopedWorkspaceId(ctx), id });
  if (!project) {
    throw errors.notFound('project', id);
  }
  return project;
}

export interface ProjectListInput {
  sort: ProjectSort | undefined;
  desc: boolean;
  offset: number;
  limit: number;
  filters: ProjectFilters;
}

/** P1 and GET /workspaces/projects: the workspace's projects. */
export async function listProjects(ctx: Ctx, input: ProjectListInput): Promise<ProjectRow[]> {
  requirePermission(ctx.actor, 'asset.read');
  return listProjectRows(ctx.db, { workspaceId: scopedWorkspaceId(ctx), viewerId: ctx.actor.userId, ...input });
}

export interface ProjectInput {
  name?: string | undefined;
  description?: string | undefined;
  /** User ids (UUIDs) of the workspace; null clears. */
  sponsorId?: string | null | undefined;
  ownerId?: string | null | undefined;
  status?: ProjectStatusName | undefined;
  /** `YYYY-MM-DD` or ISO date-time; null clears. */
  launchDate?: string | null | undefined;
}

const snapshot = (p: ProjectRow): Record<string, unknown> => ({
  name: p.name,
  description: p.description,
  sponsor_id: p.sponsor_id,
  owner_id: p.owner_id,
  status: p.status,
  launch_date: p.launch_date,
});

async function resolveUser(ctx: Ctx, userId: string | null | undefined, field: string): Promise<string | null | undefined> {
  if (userId === undefined || userId === null) {
    return userId;
  }
  if (!(await isWorkspaceUser(ctx.db, { accountId: scopedAccountId(ctx), workspaceId: scopedWorkspaceId(ctx), userId }))) {
    throw errors.invalidField('body', field, 'must be the id of a user of this workspace');
  }
  return userId;
}

/** The checked values of a create or update (fields not sent stay undefined). */
async function cleanInput(ctx: Ctx, input: ProjectInput): Promise<ProjectUpdate> {
  const set: ProjectUpdate = {};
  if (input.name !== undefined) {
    set.name = cleanProjectName(input.name);
  }
  if (input.description !== undefined) {
    set.description = cleanProjectDescription(input.description);
  }
  if (input.status !== undefined) {
    set.status = PROJECT_STATUSES[input.status];
  }
  if (input.launchDate !== undefined) {
    set.launch_date = input.launchDate === null ? null : cleanLaunchDate(input.launchDate);
  }
  const sponsor = await resolveUser(ctx, input.sponsorId, 'sponsor_id');
  if (sponsor !== undefined) {
    set.sponsor_id = sponsor;
  }
  const owner = await resolveUser(ctx, input.ownerId, 'owner_id');
  if (owner !== undefined) {
    set.owner_id = owner;
  }
  return set;
}

async function recordProjectChange(ctx: Ctx, projectId: string, type: string, data: Record<string, unknown>): Promise<void> {
  await recordHistory(ctx, {
    accountId: scopedAccountId(ctx),
    workspaceId: scopedWorkspaceId(ctx),
    userId: ctx.actor.userId,
    subjectType: 'project',
    recordId: projectId,
    type,
    data,
  });
}

/** POST /workspaces/projects (workspace admins). The sponsor defaults to the caller, the owner to the sponsor. */
export async function createProject(ctx: Ctx, input: ProjectInput): Promise<ProjectRow> {
  requirePermission(ctx.actor, 'projects.manage');
  if (input.name === undefined) {
    throw errors.invalidField('body', 'name', 'is required');
  }
  return inTransaction(ctx, async (tx) => {
    const set = await cleanInput(tx, input);
    const now = isoNow(tx.clock);
    const sponsor = set.sponsor_id === undefined ? tx.actor.userId : set.sponsor_id;
    const row = await insertProject(tx.db, {
      id: newId(),
      account_id: scopedAccountId(tx),
      workspace_id: scopedWorkspaceId(tx),
      name: set.name ?? '',
      description: set.description ?? '',
      sponsor_id: sponsor,
      owner_id: set.owner_id === undefined ? sponsor : set.owner_id,
      status: set.status ?? PROJECT_STATUSES.active,
      launch_date: set.launch_date ?? null,
      created_by_user_id: tx.actor.userId,
      created_at: now,
      updated_at: now,
    });
    await recordProjectChange(tx, row.id, 'project_created', { before: null, after: snapshot(row) });
    return row;
  });
}

/** PUT/PATCH /workspaces/projects/{id} (workspace admins): only the fields sent change. */
export async function updateProject(ctx: Ctx, id: string, input: ProjectInput): Promise<ProjectRow> {
  requirePermission(ctx.actor, 'projects.manage');
  return inTransaction(ctx, async (tx) => {
    const before = await requireProject(tx, id);
    const set = await cleanInput(tx, input);
    const changed = (Object.keys(set) as Array<keyof ProjectUpdate>).filter((k) => before[k as keyof ProjectRow] !== set[k]);
    if (changed.length === 0) {
      return before;
    }
    const after = await updateProjectRow(tx.db, { workspaceId: scopedWorkspaceId(tx), id }, { ...set, updated_at: isoNow(tx.clock) });
    if (!after) {
      throw errors.notFound('project', id);
    }
    const pick = (s: Record<string, unknown>) => Object.fromEntries(Object.entries(s).filter(([k]) => changed.includes(k as keyof ProjectUpdate)));
    await recordProjectChange(tx, id, 'project_updated', { before: pick(snapshot(before)), after: pick(snapshot(after)) });
    await notifyProjectWatchers(tx, after, changed);
    return after;
  });
}

/** DELETE /workspaces/projects/{id} (workspace admins): links and watchers go; assets and tasks stay. */
export async function deleteProject(ctx: Ctx, id: string): Promise<void> {
  requirePermission(ctx.actor, 'projects.manage');
  await inTransaction(ctx, async (tx) => {
    const before = await requireProject(tx, id);
    await deleteProjectRow(tx.db, { workspaceId: scopedWorkspaceId(tx), id });
    await recordProjectChange(tx, id, 'project_deleted', { before: snapshot(before), after: null });
  });
}

/** Marks the project changed (a link or watcher change), so `updated_at` sorts it as recently changed. */
export async function touchProject(ctx: Ctx, id: string): Promise<void> {
  await updateProjectRow(ctx.db, { workspaceId: scopedWorkspaceId(ctx), id }, { updated_at: isoNow(ctx.clock) });
}
