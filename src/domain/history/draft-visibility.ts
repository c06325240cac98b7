import type { ExpressionBuilder, Kysely } from 'kysely';
import type { DB } from '../../db/schema.js';

/**
 * Whether a history event is about a task that is a draft of someone other than `viewerId`. A draft is its creator's
 * alone (docs/workstream.md), and a task's events carry its title and fields, so a workspace's or an asset's history
 * leaves them out for everyone else, as the task lists do (the account history, for account admins, keeps them).
 */
export function othersDraftTask(eb: ExpressionBuilder<DB, 'history_events'>, viewerId: string) {
  return eb.exists(
    eb
      .selectFrom('tasks')
      .innerJoin('task_statuses', 'task_statuses.id', 'tasks.status_id')
      .select('tasks.id')
      .whereRef('tasks.id', '=', 'history_events.record_id')
      .where('history_events.subject_type', '=', 'task')
      .where('task_statuses.is_draft', '=', 1)
      .where((e) => e.or([e('tasks.creator_id', '!=', viewerId), e('tasks.creator_id', 'is', null)])),
  );
}

/** Of these task ids, the ones now in a draft status, with their creators (the live stream's filter). */
export async function draftTaskCreators(db: Kysely<DB>, taskIds: readonly string[]): Promise<Map<string, string | null>> {
  if (taskIds.length === 0) {
    return new Map();
  }
  const rows = await db
    .selectFrom('tasks')
    .innerJoin('task_statuses', 'task_statuses.id', 'tasks.status_id')
    .select(['tasks.id', 'tasks.creator_id'])
    .where('tasks.id', 'in', [...new Set(taskIds)])
    .where('task_statuses.is_draft', '=', 1)
    .execute();
  return new Map(rows.map((r) => [r.id, r.creator_id]));
}
