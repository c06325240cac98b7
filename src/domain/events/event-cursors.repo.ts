import type { Kysely } from 'kysely';
import type { DB, HistoryEventRow } from '../../db/schema.js';
import { newId } from '../../lib/ids.js';

/** The cursor of a history consumer; created at the current end of history when missing (no replay of the past). */
export async function getEventCursor(db: Kysely<DB>, name: string, now: string): Promise<number> {
  const row = await db.selectFrom('event_cursors').select('last_sequence').where('name', '=', name).executeTakeFirst();
  if (row) {
    return row.last_sequence;
  }
  const max = await db.selectFrom('history_events').select((eb) => eb.fn.max('sequence').as('m')).executeTakeFirst();
  await db
    .insertInto('event_cursors')
    .values({ id: newId(), name, last_sequence: Number(max?.m ?? 0), updated_at: now })
    .onConflict((oc) => oc.column('name').doNothing())
    .execute();
  const created = await db.selectFrom('event_cursors').select('last_sequence').where('name', '=', name).executeTakeFirstOrThrow();
  return created.last_sequence;
}

/**
 * Moves the cursor from `from` to `to` only if it is still at `from` (compare-and-set): of several dispatchers that
 * read the same batch, exactly one wins; the others roll back their work and read again.
 */
export async function advanceEventCursor(db: Kysely<DB>, p: { name: string; from: number; to: number; now: string }): Promise<boolean> {
  const r = await db
    .updateTable('event_cursors')
    .set({ last_sequence: p.to, updated_at: p.now })
    .where('name', '=', p.name)
    .where('last_sequence', '=', p.from)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** History events after a sequence, in sequence order (all tenants: the dispatcher is a system process). */
export function listEventsAfter(db: Kysely<DB>, p: { after: number; limit: number }): Promise<HistoryEventRow[]> {
  return db.selectFrom('history_events').selectAll().where('sequence', '>', p.after).orderBy('sequence').limit(p.limit).execute();
}
