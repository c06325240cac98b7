import type { Kysely, Selectable, Updateable } from 'kysely';
import type { DB } from '../../db/schema.js';
import { isoNow } from '../../lib/clock.js';
import type { Ctx } from '../context.js';
import { recordHistory } from './history.service.js';

/** Workspace-owned rows edited in place whose every edit is one `<subject>_updated` history event. */
type EditableTable = 'asset_statuses' | 'task_statuses' | 'libraries';

export interface RowUpdate<T extends EditableTable> {
  table: T;
  workspaceId: string;
  before: Selectable<DB[T]>;
  /** Only the columns that change; an empty patch writes nothing and returns `before`. */
  patch: Updateable<DB[T]>;
  subjectType: string;
  eventType: string;
  /** What history keeps of a row (never secrets). */
  snapshot: (row: Selectable<DB[T]>) => Record<string, unknown>;
}

/**
 * Applies `patch` to one row of the caller's workspace and records before/after, in the caller's transaction `tx`.
 * Statuses, task statuses and libraries share this so their update history cannot drift apart.
 */
export async function updateRowWithHistory<T extends EditableTable>(tx: Ctx, update: RowUpdate<T>): Promise<Selectable<DB[T]>> {
  const { before, workspaceId } = update;
  if (Object.keys(update.patch).length === 0) {
    return before;
  }
  const id = (before as { id: string }).id;
  // Kysely cannot type a query over a table chosen by a type parameter; the three tables share id, workspace_id and
  // updated_at, and RowUpdate types the patch per table, so the query runs on a view that only knows those columns.
  const db = tx.db as unknown as Kysely<Record<EditableTable, { id: string; workspace_id: string; updated_at: string }>>;
  const after = (await db
    .updateTable(update.table as EditableTable)
    .set({ ...(update.patch as object), updated_at: isoNow(tx.clock) })
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow()) as unknown as Selectable<DB[T]>;
  await recordHistory(tx, {
    accountId: tx.actor.accountId,
    workspaceId,
    userId: tx.actor.userId,
    subjectType: update.subjectType,
    recordId: id,
    type: update.eventType,
    data: { before: update.snapshot(before), after: update.snapshot(after) },
  });
  return after;
}
