import { sql, type ExpressionBuilder, type Kysely } from 'kysely';
import type { AssetRow, DB, ProjectRow, ProjectUpdate } from '../../db/schema.js';

/* Queries of Workstream projects, their linked assets and watchers; every one scoped to the workspace. */

type Scope = { workspaceId: string };

/** Sort keys of `GET /workstream/projects` (spec §1.4.4 P1). */
export const PROJECT_SORTS = [
  'name',
  'created_at',
  'updated_at',
  'owner_id',
  'sponsor',
  'owner',
  'watched',
  'asset_count',
  'completion',
  'launch_date',
  'recently_viewed',
  'status',
] as const;
export type ProjectSort = (typeof PROJECT_SORTS)[number];

export interface ProjectFilters {
  /** Sponsor user ids (any of); an empty list matches nothing. */
  sponsorIds?: readonly string[] | undefined;
  /** Status values (any of). */
  statuses?: readonly number[] | undefined;
  /** true: projects the viewer watches; false: the others. */
  watched?: boolean | undefined;
}

export function findProject(db: Kysely<DB>, scope: Scope & { id: string }): Promise<ProjectRow | undefined> {
  return db.selectFrom('projects').selectAll().where('workspace_id', '=', scope.workspaceId).where('id', '=', scope.id).executeTakeFirst();
}

export async function findProjectsByIds(db: Kysely<DB>, scope: Scope & { ids: readonly string[] }): Promise<Map<string, ProjectRow>> {
  const ids = [...new Set(scope.ids)];
  if (ids.length === 0) {
    return new Map();
  }
  const rows = await db.selectFrom('projects').selectAll().where('workspace_id', '=', scope.workspaceId).where('id', 'in', ids).execute();
  return new Map(rows.map((r) => [r.id, r]));
}

type Eb = ExpressionBuilder<DB & { sp: DB['users']; ow: DB['users'] }, 'projects' | 'sp' | 'ow'>;

const closedTasks = (eb: Eb) =>
  eb
    .selectFrom('tasks as t')
    .innerJoin('task_statuses as ts', 'ts.id', 't.status_id')
    .select((e) => e.fn.countAll<number>().as('n'))
    .whereRef('t.project_id', '=', 'projects.id')
    .where('ts.is_draft', '=', 0)
    .where('ts.is_closed', '=', 1);
const allTasks = (eb: Eb) =>
  eb
    .selectFrom('tasks as t')
    .innerJoin('task_statuses as ts', 'ts.id', 't.status_id')
    .select((e) => e.fn.countAll<number>().as('n'))
    .whereRef('t.project_id', '=', 'projects.id')
    .where('ts.is_draft', '=', 0);

// NULLs sort first on SQLite and last on PostgreSQL, so every nullable key is coalesced to one order in both.
function sortExpression(eb: Eb, sort: ProjectSort, viewerId: string) {
  switch (sort) {
    case 'name':
      return sql<string>`lower(${sql.ref('projects.name')})`;
    case 'owner_id':
      return eb.fn.coalesce('ow.sequence', eb.val(0));
    case 'owner':
      return sql<string>`coalesce(lower(${sql.ref('ow.first_name')} || ' ' || ${sql.ref('ow.last_name')}), '')`;
    case 'sponsor':
      return sql<string>`coalesce(lower(${sql.ref('sp.first_name')} || ' ' || ${sql.ref('sp.last_name')}), '')`;
    case 'watched':
      return eb
        .selectFrom('project_watchers as pw')
        .select((e) => e.fn.countAll<number>().as('n'))
        .whereRef('pw.project_id', '=', 'projects.id')
        .where('pw.user_id', '=', viewerId);
    case 'asset_count':
      return eb
        .selectFrom('project_linked_assets as pa')
        .innerJoin('assets as a', 'a.id', 'pa.asset_id')
        .select((e) => e.fn.countAll<number>().as('n'))
        .whereRef('pa.project_id', '=', 'projects.id')
        .where('a.is_active', '=', 1);
    case 'completion':
      // closed / all, as a ratio; a project without tasks is 0. (Arithmetic on two scalar subqueries: the builder
      // has no expression for a division.)
      return sql<number>`coalesce(cast((${closedTasks(eb)}) as real) / nullif((${allTasks(eb)}), 0), 0)`;
    case 'launch_date':
      return eb.fn.coalesce('projects.launch_date', eb.val('9999-12-31T23:59:59.999Z'));
    case 'recently_viewed':
      // Project views are not recorded: the most recently changed projects stand in for the most recently viewed.
      return eb.ref('projects.updated_at');
    case 'status':
      return eb.ref('projects.status');
    default:
      return eb.ref(`projects.${sort}`);
  }
}

/** A page of the workspace's projects, filtered (AND across filters, OR within one), sorted, by offset. */
export async function listProjectRows(
  db: Kysely<DB>,
  q: Scope & { viewerId: string; filters: ProjectFilters; sort: ProjectSort | undefined; desc: boolean; offset: number; limit: number },
): Promise<ProjectRow[]> {
  const f = q.filters;
  if ((f.sponsorIds !== undefined && f.sponsorIds.length === 0) || (f.statuses !== undefined && f.statuses.length === 0)) {
    return [];
  }
  let query = db
    .selectFrom('projects')
    .leftJoin('users as sp', 'sp.id', 'projects.sponsor_id')
    .leftJoin('users as ow', 'ow.id', 'projects.owner_id')
    .selectAll('projects')
    .where('projects.workspace_id', '=', q.workspaceId);
  if (f.sponsorIds !== undefined) {
    query = query.where('projects.sponsor_id', 'in', [...f.sponsorIds]);
  }
  if (f.statuses !== undefined) {
    query = query.where('projects.status', 'in', [...f.statuses]);
  }
  if (f.watched !== undefined) {
    const watched = (eb: Eb) =>
      eb.exists(eb.selectFrom('project_watchers as pw').select('pw.id').whereRef('pw.project_id', '=', 'projects.id').where('pw.user_id', '=', q.viewerId));
    query = query.where((eb) => (f.watched ? watched(eb) : eb.not(watched(eb))));
  }
  const dir = q.desc ? 'desc' : 'asc';
  const sort = q.sort;
  const sorted = sort === undefined ? query.orderBy('projects.created_at', dir) : query.orderBy((eb) => sortExpression(eb, sort, q.viewerId), dir);
  return sorted.orderBy('projects.sequence', dir).offset(q.offset).limit(q.limit).execute();
}

export function insertProject(db: Kysely<DB>, row: Omit<ProjectRow, 'sequence' | 'description' | 'status'> & { description: string; status: number }): Promise<ProjectRow> {
  return db.insertInto('projects').values(row).returningAll().executeTakeFirstOrThrow();
}

export function updateProjectRow(db: Kysely<DB>, scope: Scope & { id: string }, set: ProjectUpdate): Promise<ProjectRow | undefined> {
  return db.updateTable('projects').set(set).where('workspace_id', '=', scope.workspaceId).where('id', '=', scope.id).returningAll().executeTakeFirst();
}

/** Deletes the project (its links and watchers go with it); its tasks stay and lose their project. */
export async function deleteProjectRow(db: Kysely<DB>, scope: Scope & { id: string }): Promise<void> {
  await db.updateTable('tasks').set({ project_id: null }).where('workspace_id', '=', scope.workspaceId).where('project_id', '=', scope.id).execute();
  await db.deleteFrom('projects').where('workspace_id', '=', scope.workspaceId).where('id', '=', scope.id).execute();
}

/** The tasks of these projects (drafts left out), with what the counts need. */
export function projectTaskFacts(db: Kysely<DB>, scope: Scope & { projectIds: readonly string[] }) {
  return db
    .selectFrom('tasks as t')
    .innerJoin('task_statuses as ts', 'ts.id', 't.status_id')
    .select(['t.project_id', 't.due_date', 'ts.is_closed'])
    .where('t.workspace_id', '=', scope.workspaceId)
    .where('t.project_id', 'in', [...new Set(scope.projectIds)])
    .where('ts.is_draft', '=', 0)
    .execute();
}

/** Watchers per project. */
export async function watcherCountsOf(db: Kysely<DB>, scope: Scope & { projectIds: readonly string[] }): Promise<Map<string, number>> {
  const ids = [...new Set(scope.projectIds)];
  if (ids.length === 0) {
    return new Map();
  }
  const rows = await db
    .selectFrom('project_watchers')
    .select(['project_id', (eb) => eb.fn.countAll<number>().as('n')])
    .where('workspace_id', '=', scope.workspaceId)
    .where('project_id', 'in', ids)
    .groupBy('project_id')
    .execute();
  return new Map(rows.map((r) => [r.project_id, Number(r.n)]));
}

/** Live (not trashed) linked assets per project. */
export async function assetCountsOf(db: Kysely<DB>, scope: Scope & { projectIds: readonly string[] }): Promise<Map<string, number>> {
  const ids = [...new Set(scope.projectIds)];
  if (ids.length === 0) {
    return new Map();
  }
  const rows = await db
    .selectFrom('project_linked_assets as pa')
    .innerJoin('assets as a', 'a.id', 'pa.asset_id')
    .select(['pa.project_id', (eb) => eb.fn.countAll<number>().as('n')])
    .where('pa.workspace_id', '=', scope.workspaceId)
    .where('pa.project_id', 'in', ids)
    .where('a.is_active', '=', 1)
    .groupBy('pa.project_id')
    .execute();
  return new Map(rows.map((r) => [r.project_id, Number(r.n)]));
}

/** The live assets linked to a project, in the order they were linked. */
export function listProjectAssetRows(db: Kysely<DB>, scope: Scope & { projectId: string; offset: number; limit: number }): Promise<AssetRow[]> {
  return db
    .selectFrom('project_linked_assets as pa')
    .innerJoin('assets', 'assets.id', 'pa.asset_id')
    .selectAll('assets')
    .where('pa.workspace_id', '=', scope.workspaceId)
    .where('pa.project_id', '=', scope.projectId)
    .where('assets.is_active', '=', 1)
    .orderBy('pa.sequence')
    .offset(scope.offset)
    .limit(scope.limit)
    .execute();
}

/** Whether the asset is linked to the project. */
export async function isProjectAsset(db: Kysely<DB>, scope: Scope & { projectId: string; assetId: string }): Promise<boolean> {
  const row = await db
    .selectFrom('project_linked_assets')
    .select('id')
    .where('workspace_id', '=', scope.workspaceId)
    .where('project_id', '=', scope.projectId)
    .where('asset_id', '=', scope.assetId)
    .executeTakeFirst();
  return row !== undefined;
}

/** The project's watchers (user rows), oldest first. */
export function listProjectWatcherUsers(db: Kysely<DB>, scope: Scope & { projectId: string; offset: number; limit: number }) {
  return db
    .selectFrom('project_watchers as pw')
    .innerJoin('users as u', 'u.id', 'pw.user_id')
    .selectAll('u')
    .where('pw.workspace_id', '=', scope.workspaceId)
    .where('pw.project_id', '=', scope.projectId)
    .orderBy('pw.sequence')
    .offset(scope.offset)
    .limit(scope.limit)
    .execute();
}

/** The ids of the viewer's watched projects among `projectIds`. */
export async function watchedProjectIds(db: Kysely<DB>, scope: Scope & { userId: string; projectIds: readonly string[] }): Promise<Set<string>> {
  const ids = [...new Set(scope.projectIds)];
  if (ids.length === 0) {
    return new Set();
  }
  const rows = await db
    .selectFrom('project_watchers')
    .select('project_id')
    .where('workspace_id', '=', scope.workspaceId)
    .where('user_id', '=', scope.userId)
    .where('project_id', 'in', ids)
    .execute();
  return new Set(rows.map((r) => r.project_id));
}
