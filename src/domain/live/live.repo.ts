import type { Kysely } from 'kysely';
import type { DB, HistoryEventRow, NotificationRow } from '../../db/schema.js';

/*
 * The reads of the live event stream (docs/live-updates.md). The tailer reads every tenant's new rows (it is a system
 * process, like the events dispatcher) and filters them per subscriber in memory; a reconnecting subscriber's replay
 * reads only its own workspace's history and its own notifications.
 */

export interface LivePosition {
  /** Highest history_events.sequence handed out so far. */
  history: number;
  /** Highest notifications.sequence handed out so far. */
  notifications: number;
}

export async function currentLivePosition(db: Kysely<DB>): Promise<LivePosition> {
  const [h, n] = await Promise.all([
    db.selectFrom('history_events').select((eb) => eb.fn.max('sequence').as('m')).executeTakeFirst(),
    db.selectFrom('notifications').select((eb) => eb.fn.max('sequence').as('m')).executeTakeFirst(),
  ]);
  return { history: Number(h?.m ?? 0), notifications: Number(n?.m ?? 0) };
}

/** History events after a sequence, every tenant, in sequence order. */
export function historyAfter(db: Kysely<DB>, after: number, limit: number): Promise<HistoryEventRow[]> {
  return db.selectFrom('history_events').selectAll().where('sequence', '>', after).orderBy('sequence').limit(limit).execute();
}

/** Notifications after a sequence, every tenant, in sequence order. */
export function notificationsAfter(db: Kysely<DB>, after: number, limit: number): Promise<NotificationRow[]> {
  return db.selectFrom('notifications').selectAll().where('sequence', '>', after).orderBy('sequence').limit(limit).execute();
}

/** One workspace's history events in (after, upTo], oldest first. */
export function workspaceHistoryBetween(
  db: Kysely<DB>,
  p: { workspaceId: string; after: number; upTo: number; limit: number },
): Promise<HistoryEventRow[]> {
  return db
    .selectFrom('history_events')
    .selectAll()
    .where('workspace_id', '=', p.workspaceId)
    .where('sequence', '>', p.after)
    .where('sequence', '<=', p.upTo)
    .orderBy('sequence')
    .limit(p.limit)
    .execute();
}

/** One user's notifications in one account in (after, upTo], oldest first. */
export function userNotificationsBetween(
  db: Kysely<DB>,
  p: { accountId: string; userId: string; after: number; upTo: number; limit: number },
): Promise<NotificationRow[]> {
  return db
    .selectFrom('notifications')
    .selectAll()
    .where('account_id', '=', p.accountId)
    .where('user_id', '=', p.userId)
    .where('sequence', '>', p.after)
    .where('sequence', '<=', p.upTo)
    .orderBy('sequence')
    .limit(p.limit)
    .execute();
}
