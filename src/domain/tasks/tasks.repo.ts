import { sql, type ExpressionBuilder, type Kysely } from 'kysely';
import type { DB, NewTaskRow, TaskRow, TaskUpdate } from '../../db/schema.js';
import { encodeTaskCursor, NO_DUE_DATE, type TaskCursor, type TaskSort } from './tasks.rules.js';

type Scope = { workspaceId: string };

/**
 * One task of the workspace; another workspace's task reads as absent, and so does another user's draft (a
 * Workstream form not yet submitted is seen only by its creator, on every surface).
 */
export function findTask(db: Kysely<DB>, scope: Scope & { id: string; viewerId: string }): Promise<TaskRow | undefined> {
  return db
    .selectFrom('tasks')
    .innerJoin('task_statuses as s', 's.id', 'tasks.status_id')
    .selectAll('tasks')
    .where('tasks.workspace_id', '=', scope.workspaceId)
    .where('tasks.id', '=', scope.id)
    .where((eb) => eb.or([eb('s.is_draft', '=', 0), eb('tasks.creator_id', '=', scope.viewerId)]))
    .executeTakeFirst();
}

export function insertTask(db: Kysely<DB>, row: NewTaskRow): Promise<TaskRow> {
  return db.insertInto('tasks').values(row).returningAll().executeTakeFirstOrThrow();
}

/** Updates one task of the workspace; undefined when it is not there. */
export function updateTaskRow(db: Kysely<DB>, scope: Scope & { id: string }, patch: TaskUpdate): Promise<TaskRow | undefined> {
  return db.updateTable('tasks').set(patch).where('workspace_id', '=', scope.workspaceId).where('id', '=', scope.id).returningAll().executeTakeFirst();
}

export async function deleteTaskRow(db: Kysely<DB>, scope: Scope & { id: string }): Promise<void> {
  await db.deleteFrom('tasks').where('workspace_id', '=', scope.workspaceId).where('id', '=', scope.id).execute();
}

/**
 * Whether the user can act in the workspace (so can be assigned a task): a member of the workspace and of its
 * account, or an owner/admin of the account (who act as admins everywhere in it). Other tenants' users are not.
 */
export async function isWorkspaceUser(db: Kysely<DB>, scope: Scope & { accountId: string; userId: string }): Promise<boolean> {
  const row = await db
    .selectFrom('account_members as am')
    .leftJoin('workspace_members as wm', (j) => j.onRef('wm.user_id', '=', 'am.user_id').on('wm.workspace_id', '=', scope.workspaceId))
    .select('am.user_id')
    .where('am.account_id', '=', scope.accountId)
    .where('am.user_id', '=', scope.userId)
    .where((eb) => eb.or([eb('am.role', 'in', ['owner', 'admin']), eb('wm.id', 'is not', null)]))
    .executeTakeFirst();
  return row !== undefined;
}

export interface TaskFilters {
  /** Lower-cased status names (any of). */
  statusKeys?: readonly string[] | undefined;
  statusId?: string | undefined;
  assigneeId?: string | undefined;
  creatorId?: string | undefined;
  assetId?: string | undefined;
  /** Tasks of this project (the web app's project page). */
  projectId?: string | undefined;
  /** Stored priority values (any of). */
  priorities?: readonly number[] | undefined;
  /** Due strictly before / on or after (text comparison of stored due dates); undated tasks never match. */
  dueBefore?: string | undefined;
  dueAfter?: string | undefined;
  /** true: status not closed; false: status closed. */
  open?: boolean | undefined;
  /** Title contains, case-insensitively. */
  q?: string | undefined;
}

export interface TaskRowsPage {
  items: TaskRow[];
  nextCursor: string | null;
}

type TaskEb = ExpressionBuilder<DB & { s: DB['task_statuses'] }, 'tasks' | 's'>;

function sortExpression(eb: TaskEb, sort: TaskSort) {
  switch (sort.key) {
    case 'due_date':
      return eb.fn.coalesce('tasks.due_date', eb.val(NO_DUE_DATE));
    case 'priority':
      return eb.ref('tasks.priority');
    case 'updated_at':
      return eb.ref('tasks.updated_at');
    default:
      return eb.ref('tasks.created_at');
  }
}

const sortValue = (row: TaskRow, sort: TaskSort): string | number =>
  sort.key === 'due_date' ? (row.due_date ?? NO_DUE_DATE) : sort.key === 'priority' ? row.priority : row[sort.key];

/** Tasks of the workspace matching `filters`, in `sort` order with `sequence` as tie-break, keyset-paginated. */
export async function listTaskRows(
  db: Kysely<DB>,
  scope: Scope & { viewerId: string; filters: TaskFilters; sort: TaskSort; limit: number; after?: TaskCursor | undefined },
): Promise<TaskRowsPage> {
  const f = scope.filters;
  let q = db
    .selectFrom('tasks')
    .innerJoin('task_statuses as s', 's.id', 'tasks.status_id')
    .selectAll('tasks')
    .where('tasks.workspace_id', '=', scope.workspaceId)
    // Other users' drafts are not listed (see findTask).
    .where((eb) => eb.or([eb('s.is_draft', '=', 0), eb('tasks.creator_id', '=', scope.viewerId)]));
  if (f.statusKeys !== undefined) {
    q = f.statusKeys.length === 0 ? q.where(sql<boolean>`1 = 0`) : q.where('s.name_key', 'in', [...f.statusKeys]);
  }
  if (f.statusId !== undefined) {
    q = q.where('tasks.status_id', '=', f.statusId);
  }
  if (f.assigneeId !== undefined) {
    q = q.where('tasks.assignee_id', '=', f.assigneeId);
  }
  if (f.creatorId !== undefined) {
    q = q.where('tasks.creator_id', '=', f.creatorId);
  }
  if (f.assetId !== undefined) {
    q = q.where('tasks.asset_id', '=', f.assetId);
  }
  if (f.projectId !== undefined) {
    q = q.where('tasks.project_id', '=', f.projectId);
  }
  if (f.priorities !== undefined && f.priorities.length > 0) {
    q = q.where('tasks.priority', 'in', [...f.priorities]);
  }
  if (f.dueBefore !== undefined) {
    q = q.where('tasks.due_date', '<', f.dueBefore);
  }
  if (f.dueAfter !== undefined) {
    q = q.where('tasks.due_date', '>=', f.dueAfter);
  }
  if (f.open !== undefined) {
    q = q.where('s.is_closed', '=', f.open ? 0 : 1);
  }
  if (f.q !== undefined && f.q !== '') {
    const pattern = `%${f.q.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    // Raw because the builder has no LIKE ... ESCAPE; both dialects accept this form. PostgreSQL's LIKE is
    // case-sensitive, so both sides are lower-cased.
    q = q.where(sql<boolean>`lower(${sql.ref('tasks.title')}) like ${pattern} escape '\\'`);
  }
  const after = scope.after;
  if (after) {
    const op = scope.sort.desc ? '<' : '>';
    q = q.where((eb) => {
      const key = sortExpression(eb, scope.sort);
      return eb.or([eb(key, op, after.value), eb.and([eb(key, '=', after.value), eb('tasks.sequence', op, after.sequence)])]);
    });
  }
  const dir = scope.sort.desc ? 'desc' : 'asc';
  const rows = await q
    .orderBy((eb) => sortExpression(eb, scope.sort), dir)
    .orderBy('tasks.sequence', dir)
    .limit(scope.limit + 1)
    .execute();
  const items = rows.slice(0, scope.limit);
  const last = items[items.length - 1];
  const nextCursor = rows.length > scope.limit && last ? encodeTaskCursor({ value: sortValue(last, scope.sort), sequence: last.sequence }) : null;
  return { items, nextCursor };
}

/**
 * Open tasks with an assignee whose due date is in [`from`, `cutoff`] and whose assignee has not been told yet
 * (tasks.remind_due), soonest first, across workspaces: each row carries its tenant. The window keeps the scan of
 * the due-date index to recent dates, however many old tasks a workspace has.
 */
export function tasksDueForReminder(db: Kysely<DB>, q: { from: string; cutoff: string; limit: number }): Promise<TaskRow[]> {
  return db
    .selectFrom('tasks')
    .innerJoin('task_statuses as s', 's.id', 'tasks.status_id')
    .selectAll('tasks')
    .where('tasks.due_date', '>=', q.from)
    .where('tasks.due_date', '<=', q.cutoff)
    .where('tasks.due_reminded_at', 'is', null)
    .where('tasks.assignee_id', 'is not', null)
    .where('s.is_closed', '=', 0)
    .where('s.is_draft', '=', 0)
    .orderBy('tasks.due_date')
    .orderBy('tasks.sequence')
    .limit(q.limit)
    .execute();
}

/** Marks the task's reminder sent, unless another run did first; whether this call did. */
export async function claimDueReminder(db: Kysely<DB>, q: { workspaceId: string; id: string; dueDate: string; assigneeId: string; now: string }): Promise<boolean> {
  const r = await db
    .updateTable('tasks')
    .set({ due_reminded_at: q.now })
    .where('workspace_id', '=', q.workspaceId)
    .where('id', '=', q.id)
    .where('due_reminded_at', 'is', null)
    // Still the due date and assignee the sweep read: a change since then is the next run's to judge.
    .where('due_date', '=', q.dueDate)
    .where('assignee_id', '=', q.assigneeId)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}
