import type { Kysely } from 'kysely';
import type { DB, TaskStatusRow } from '../../db/schema.js';
import { isoNow, type Clock } from '../../lib/clock.js';
import { newId } from '../../lib/ids.js';
import { nameKey } from '../tags/tags.rules.js';
import { DEFAULT_TASK_STATUSES, TASK_RANK_STEP } from './task-statuses.rules.js';

type Scope = { workspaceId: string };

/** One task status of the workspace; another workspace's status reads as absent. */
export function findTaskStatus(db: Kysely<DB>, scope: Scope & { id: string }): Promise<TaskStatusRow | undefined> {
  return db.selectFrom('task_statuses').selectAll().where('workspace_id', '=', scope.workspaceId).where('id', '=', scope.id).executeTakeFirst();
}

/** The workspace's task status with this lower-cased name. */
export function findTaskStatusByKey(db: Kysely<DB>, scope: Scope & { key: string }): Promise<TaskStatusRow | undefined> {
  return db
    .selectFrom('task_statuses')
    .selectAll()
    .where('workspace_id', '=', scope.workspaceId)
    .where('name_key', '=', scope.key)
    .executeTakeFirst();
}

/** All task statuses of the workspace in rank order. */
export function listTaskStatusRows(db: Kysely<DB>, scope: Scope): Promise<TaskStatusRow[]> {
  return db.selectFrom('task_statuses').selectAll().where('workspace_id', '=', scope.workspaceId).orderBy('rank').orderBy('sequence').execute();
}

/** Task statuses by id (any of the workspace's), as a map. */
export async function findTaskStatusesByIds(db: Kysely<DB>, scope: Scope & { ids: readonly string[] }): Promise<Map<string, TaskStatusRow>> {
  const ids = [...new Set(scope.ids)];
  if (ids.length === 0) {
    return new Map();
  }
  const rows = await db.selectFrom('task_statuses').selectAll().where('workspace_id', '=', scope.workspaceId).where('id', 'in', ids).execute();
  return new Map(rows.map((r) => [r.id, r]));
}

/** How many tasks use the status. */
export async function countTasksWithStatus(db: Kysely<DB>, scope: Scope & { statusId: string }): Promise<number> {
  const row = await db
    .selectFrom('tasks')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('workspace_id', '=', scope.workspaceId)
    .where('status_id', '=', scope.statusId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/**
 * Seeds the default task statuses of a workspace that has none (workspaces made before tasks existed included), in
 * the caller's transaction. Two first uses at once cannot both insert: the unique name key makes the second a no-op.
 */
export async function ensureTaskStatuses(
  deps: { db: Kysely<DB>; clock: Clock },
  scope: Scope & { userId: string | null },
): Promise<TaskStatusRow[]> {
  const existing = await listTaskStatusRows(deps.db, scope);
  if (existing.length > 0) {
    return existing;
  }
  const now = isoNow(deps.clock);
  await deps.db
    .insertInto('task_statuses')
    .values(
      DEFAULT_TASK_STATUSES.map((s, i) => ({
        id: newId(),
        workspace_id: scope.workspaceId,
        name: s.name,
        name_key: nameKey(s.name),
        color: s.color,
        rank: (i + 1) * TASK_RANK_STEP,
        is_closed: s.isClosed ? 1 : 0,
        created_by_user_id: scope.userId,
        created_at: now,
        updated_at: now,
      })),
    )
    .onConflict((oc) => oc.columns(['workspace_id', 'name_key']).doNothing())
    .execute();
  return listTaskStatusRows(deps.db, scope);
}
