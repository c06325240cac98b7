import type { Kysely } from 'kysely';
import type { DB, NotificationRow } from '../../db/schema.js';
import type { Config } from '../../config/config.js';
import { isoNow, type Clock } from '../../lib/clock.js';
import type { Jobs } from '../../jobs/queue.js';
import { requestNotificationEmails } from '../email/request-email.js';
import { newId } from '../../lib/ids.js';
import { requirePermission } from '../access.js';
import { scopedAccountId, type Ctx } from '../context.js';
import { errors } from '../errors.js';

export interface NewNotification {
  accountId: string;
  workspaceId?: string | null;
  /** Recipients; duplicates are sent once. */
  userIds: readonly string[];
  type: string;
  data?: Record<string, unknown>;
}

/**
 * Stores one notification per recipient, in the caller's transaction (call it inside the change that caused it).
 * Other features (subscriptions, watchers, mentions, reminders) call this; e-mail follows when SMTP is configured.
 */
export async function notify(
  deps: { db: Kysely<DB>; clock: Clock; config?: Config; jobs?: Jobs },
  input: NewNotification,
): Promise<NotificationRow[]> {
  const userIds = [...new Set(input.userIds)];
  if (userIds.length === 0) {
    return [];
  }
  const now = isoNow(deps.clock);
  const rows = await deps.db
    .insertInto('notifications')
    .values(
      userIds.map((userId) => ({
        id: newId(),
        account_id: input.accountId,
        workspace_id: input.workspaceId ?? null,
        user_id: userId,
        type: input.type,
        data: JSON.stringify(input.data ?? {}),
        read_at: null,
        created_at: now,
      })),
    )
    .returningAll()
    .execute();
  // With SMTP configured (SMTP_URL), each one is also e-mailed by an `email.send` job queued in this transaction.
  await requestNotificationEmails(deps, rows);
  return rows;
}

export interface NotificationPage {
  items: NotificationRow[];
  nextCursor: number | null;
}

/** GET /accounts/notifications: the caller's own, in the scoped account, newest first (keyset on sequence). */
export async function listMyNotifications(
  ctx: Ctx,
  page: { limit: number; before?: number | undefined; unreadOnly: boolean },
): Promise<NotificationPage> {
  requirePermission(ctx.actor, 'account.read');
  let q = ctx.db
    .selectFrom('notifications')
    .selectAll()
    .where('account_id', '=', scopedAccountId(ctx))
    .where('user_id', '=', ctx.actor.userId);
  if (page.unreadOnly) {
    q = q.where('read_at', 'is', null);
  }
  if (page.before !== undefined) {
    q = q.where('sequence', '<', page.before);
  }
  const rows = await q.orderBy('sequence', 'desc').limit(page.limit + 1).execute();
  const items = rows.slice(0, page.limit);
  const last = items[items.length - 1];
  return { items, nextCursor: rows.length > page.limit && last ? last.sequence : null };
}

/** Marks one of the caller's notifications read (idempotent); someone else's reads as absent. */
export async function markNotificationRead(ctx: Ctx, id: string): Promise<NotificationRow> {
  requirePermission(ctx.actor, 'account.read');
  const scope = { accountId: scopedAccountId(ctx), userId: ctx.actor.userId };
  const row = await ctx.db
    .selectFrom('notifications')
    .selectAll()
    .where('id', '=', id)
    .where('account_id', '=', scope.accountId)
    .where('user_id', '=', scope.userId)
    .executeTakeFirst();
  if (!row) {
    throw errors.notFound('notification', id);
  }
  if (row.read_at !== null) {
    return row;
  }
  const readAt = isoNow(ctx.clock);
  await ctx.db.updateTable('notifications').set({ read_at: readAt }).where('id', '=', row.id).execute();
  return { ...row, read_at: readAt };
}

/** Marks every unread notification of the caller in the account read; returns how many changed. */
export async function markAllNotificationsRead(ctx: Ctx): Promise<number> {
  requirePermission(ctx.actor, 'account.read');
  const result = await ctx.db
    .updateTable('notifications')
    .set({ read_at: isoNow(ctx.clock) })
    .where('account_id', '=', scopedAccountId(ctx))
    .where('user_id', '=', ctx.actor.userId)
    .where('read_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}
