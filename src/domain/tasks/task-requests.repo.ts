import { sql, type ExpressionBuilder, type Kysely } from 'kysely';
import type { DB, TaskRow } from '../../db/schema.js';
import { NO_DUE_DATE } from './tasks.rules.js';

/*
 * The Workstream view of tasks ("requests"): who sees which, in the surface's sort orders, by offset. The rows are the
 * core `tasks` rows (DESIGN: a Workstream task is a core task).
 */

type Scope = { workspaceId: string };

/** Who is looking: admins see every task but other people's drafts; everyone else sees the tasks they created. */
export interface RequestViewer {
  userId: string;
  isAdmin: boolean;
}

/** Sort keys of `GET /workstream/tasks` (spec §1.4.7 T1) that have data behind them today. */
export const REQUEST_SORTS = [
  'public_id',
  'name',
  'status_name',
  'owner_id',
  'owner',
  'created_at',
  'updated_at',
  'assignee_id',
  'assignee',
  'due_date',
  'description',
  'watched',
  'incomplete_checklist_count',
  'project_id',
  'project_title',
  'asset_count',
  'form_name',
  'keyword_count',
] as const;
export type RequestSort = (typeof REQUEST_SORTS)[number];

export interface RequestFilters {
  /** Status ids (any of); an empty list matches nothing. */
  statusIds?: readonly string[] | undefined;
  /** Assignee user ids (any of). */
  assigneeIds?: readonly string[] | undefined;
  /** true: only tasks the viewer watches; false: only those they do not. */
  watching?: boolean | undefined;
  /** Project ids (any of); an empty list matches nothing. */
  projectIds?: readonly string[] | undefined;
  /** A filter no row can match. */
  matchNothing?: boolean | undefined;
}

type Eb = ExpressionBuilder<DB & { s: DB['task_statuses']; o: DB['users']; a: DB['users']; p: DB['projects'] }, 'tasks' | 's' | 'o' | 'a' | 'p'>;

/** The visibility rule (spec §1.5 item 1) as a WHERE clause. */
export function visibleTo(eb: ExpressionBuilder<DB & { s: DB['task_statuses'] }, 'tasks' | 's'>, viewer: RequestViewer) {
  const mine = eb('tasks.creator_id', '=', viewer.userId);
  return viewer.isAdmin ? eb.or([eb('s.is_draft', '=', 0), mine]) : mine;
}

// NULLs sort first on SQLite and last on PostgreSQL, so every nullable key is coalesced to one order in both.
function sortExpression(eb: Eb, sort: RequestSort, viewer: RequestViewer) {
  switch (sort) {
    case 'public_id':
      return eb.ref('tasks.sequence');
    case 'name':
      return sql<string>`lower(${sql.ref('tasks.title')})`;
    case 'status_name':
      return eb.ref('s.name_key');
    case 'owner_id':
      return eb.fn.coalesce('o.sequence', eb.val(0));
    case 'owner':
      return sql<string>`coalesce(lower(${sql.ref('o.first_name')} || ' ' || ${sql.ref('o.last_name')}), '')`;
    case 'assignee_id':
      return eb.fn.coalesce('a.sequence', eb.val(0));
    case 'assignee':
      return sql<string>`coalesce(lower(${sql.ref('a.first_name')} || ' ' || ${sql.ref('a.last_name')}), '')`;
    case 'due_date':
      return eb.fn.coalesce('tasks.due_date', eb.val(NO_DUE_DATE));
    case 'description':
      return eb.ref('tasks.description');
    case 'watched':
      return eb
        .selectFrom('task_watchers as tw')
        .select((e) => e.fn.countAll<number>().as('n'))
        .whereRef('tw.task_id', '=', 'tasks.id')
        .where('tw.user_id', '=', viewer.userId);
    case 'project_id':
      return eb.fn.coalesce('p.sequence', eb.val(0));
    case 'project_title':
      return sql<string>`coalesce(lower(${sql.ref('p.name')}), '')`;
    case 'incomplete_checklist_count':
      return eb
        .selectFrom('task_checklist_items as ci')
        .select((e) => e.fn.countAll<number>().as('n'))
        .whereRef('ci.task_id', '=', 'tasks.id')
        .where('ci.status', '=', 0);
    case 'asset_count':
      return eb
        .selectFrom('task_assets as ta')
        .select((e) => e.fn.countAll<number>().as('n'))
        .whereRef('ta.task_id', '=', 'tasks.id');
    case 'keyword_count':
      // Written with the task (form-submissions.service.ts): the keywords are one string inside the form_fields JSON.
      return eb.ref('tasks.keyword_count');
    case 'form_name':
      // Tasks not made from a form sort as an empty name (NULLs order differently in the two dialects).
      return eb.fn.coalesce(
        eb.selectFrom('forms as f').select(sql<string>`lower(${sql.ref('f.name')})`.as('n')).whereRef('f.id', '=', 'tasks.form_id'),
        eb.val(''),
      );
    default:
      return eb.ref(`tasks.${sort}`);
  }
}

/** A page of the tasks the viewer may see, filtered (AND across filters, OR within one), sorted, by offset. */
export async function listRequestRows(
  db: Kysely<DB>,
  q: Scope & { viewer: RequestViewer; filters: RequestFilters; sort: RequestSort; desc: boolean; offset: number; limit: number },
): Promise<TaskRow[]> {
  const f = q.filters;
  if (f.matchNothing || (f.statusIds !== undefined && f.statusIds.length === 0) || (f.assigneeIds !== undefined && f.assigneeIds.length === 0) || (f.projectIds !== undefined && f.projectIds.length === 0)) {
    return [];
  }
  let query = db
    .selectFrom('tasks')
    .innerJoin('task_statuses as s', 's.id', 'tasks.status_id')
    .leftJoin('users as o', 'o.id', 'tasks.creator_id')
    .leftJoin('users as a', 'a.id', 'tasks.assignee_id')
    .leftJoin('projects as p', 'p.id', 'tasks.project_id')
    .selectAll('tasks')
    .where('tasks.workspace_id', '=', q.workspaceId)
    .where((eb) => visibleTo(eb, q.viewer));
  if (f.statusIds !== undefined) {
    query = query.where('tasks.status_id', 'in', [...f.statusIds]);
  }
  if (f.assigneeIds !== undefined) {
    query = query.where('tasks.assignee_id', 'in', [...f.assigneeIds]);
  }
  if (f.projectIds !== undefined) {
    query = query.where('tasks.project_id', 'in', [...f.projectIds]);
  }
  if (f.watching !== undefined) {
    const watched = (eb: Eb) =>
      eb.exists(eb.selectFrom('task_watchers as tw').select('tw.id').whereRef('tw.task_id', '=', 'tasks.id').where('tw.user_id', '=', q.viewer.userId));
    query = query.where((eb) => (f.watching ? watched(eb) : eb.not(watched(eb))));
  }
  const dir = q.desc ? 'desc' : 'asc';
  return query
    .orderBy((eb) => sortExpression(eb, q.sort, q.viewer), dir)
    .orderBy('tasks.sequence', dir)
    .offset(q.offset)
    .limit(q.limit)
    .execute();
}

/** One task the viewer may see; another workspace's, or one they may not see, reads as absent. */
export function findVisibleRequest(db: Kysely<DB>, q: Scope & { id: string; viewer: RequestViewer }): Promise<TaskRow | undefined> {
  return db
    .selectFrom('tasks')
    .innerJoin('task_statuses as s', 's.id', 'tasks.status_id')
    .selectAll('tasks')
    .where('tasks.workspace_id', '=', q.workspaceId)
    .where('tasks.id', '=', q.id)
    .where((eb) => visibleTo(eb, q.viewer))
    .executeTakeFirst();
}

/** Watcher counts per task. */
export async function watcherCounts(db: Kysely<DB>, scope: Scope & { taskIds: readonly string[] }): Promise<Map<string, number>> {
  if (scope.taskIds.length === 0) {
    return new Map();
  }
  const rows = await db
    .selectFrom('task_watchers')
    .select(['task_id', (eb) => eb.fn.countAll<number>().as('n')])
    .where('workspace_id', '=', scope.workspaceId)
    .where('task_id', 'in', [...new Set(scope.taskIds)])
    .groupBy('task_id')
    .execute();
  return new Map(rows.map((r) => [r.task_id, Number(r.n)]));
}
