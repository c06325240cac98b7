import type { Kysely } from 'kysely';
import type { DB, HistoryEventRow } from '../../db/schema.js';
import { newId } from '../../lib/ids.js';
import { isoNow, type Clock } from '../../lib/clock.js';
import type { Jobs } from '../../jobs/queue.js';
import { requestEventDispatch } from '../events/request-dispatch.js';
import { othersDraftTask } from './draft-visibility.js';

export interface HistoryEntry {
  accountId: string | null;
  workspaceId?: string | null;
  assetId?: string | null;
  userId: string | null;
  subjectType: string;
  recordId: string | null;
  type: string;
  /** Before/after or whatever explains the change; never secrets. */
  data?: Record<string, unknown>;
}

/**
 * Appends one history event in the caller's transaction. History is never updated or deleted. It is also the outbox:
 * with `jobs` (any Ctx/Deps has them) an `events.dispatch` run is requested in the same transaction, which fans the
 * event out to webhooks and subscribers (src/domain/events/dispatch.service.ts).
 */
export async function recordHistory(ctx: { db: Kysely<DB>; clock: Clock; jobs?: Jobs }, entry: HistoryEntry): Promise<void> {
  await ctx.db
    .insertInto('history_events')
    .values({
      id: newId(),
      account_id: entry.accountId,
      workspace_id: entry.workspaceId ?? null,
      asset_id: entry.assetId ?? null,
      user_id: entry.userId,
      subject_type: entry.subjectType,
      record_id: entry.recordId,
      type: entry.type,
      data: JSON.stringify(entry.data ?? {}),
      created_at: isoNow(ctx.clock),
    })
    .execute();
  if (ctx.jobs) {
    await requestEventDispatch({ db: ctx.db, clock: ctx.clock, jobs: ctx.jobs });
  }
}

export type HistoryScope =
  | { accountId: string }
  | { workspaceId: string; viewerId: string }
  | { assetId: string; workspaceId: string; viewerId: string }
  | UserHistoryScope;

/**
 * A user's own events as seen from one account (GET /users/history): events about the user (`subject_type` 'user')
 * that belong to no account or to this one, and the user's other events in this account that they may still read
 * there: account-level ones only with `accountEvents`, workspace ones only in `workspaceIds` ('all': every workspace).
 */
export interface UserHistoryScope {
  userId: string;
  accountId: string;
  accountEvents: boolean;
  workspaceIds: readonly string[] | 'all';
}

export interface HistoryPage {
  items: HistoryEventRow[];
  nextCursor: number | null;
}

/** Newest first, keyset-paginated on `sequence`. */
export async function listHistory(
  db: Kysely<DB>,
  scope: HistoryScope,
  page: { limit: number; before?: number | undefined },
): Promise<HistoryPage> {
  let q = db.selectFrom('history_events').selectAll();
  if ('assetId' in scope) {
    q = q.where('asset_id', '=', scope.assetId).where('workspace_id', '=', scope.workspaceId).where((eb) => eb.not(othersDraftTask(eb, scope.viewerId)));
  } else if ('workspaceId' in scope) {
    q = q.where('workspace_id', '=', scope.workspaceId).where((eb) => eb.not(othersDraftTask(eb, scope.viewerId)));
  } else if ('userId' in scope) {
    const { accountId, accountEvents, workspaceIds } = scope;
    q = q.where('user_id', '=', scope.userId).where((eb) => {
      const inAccount = eb('account_id', '=', accountId);
      const visible = [eb.and([eb('subject_type', '=', 'user'), eb.or([eb('account_id', 'is', null), inAccount])])];
      if (accountEvents) {
        visible.push(eb.and([inAccount, eb('workspace_id', 'is', null)]));
      }
      if (workspaceIds === 'all') {
        visible.push(eb.and([inAccount, eb('workspace_id', 'is not', null)]));
      } else if (workspaceIds.length > 0) {
        visible.push(eb.and([inAccount, eb('workspace_id', 'in', [...workspaceIds])]));
      }
      return eb.or(visible);
    });
  } else {
    q = q.where('account_id', '=', scope.accountId);
  }
  if (page.before !== undefined) {
    q = q.where('sequence', '<', page.before);
  }
  const rows = await q.orderBy('sequence', 'desc').limit(page.limit + 1).execute();
  const items = rows.slice(0, page.limit);
  const last = items[items.length - 1];
  return { items, nextCursor: rows.length > page.limit && last ? last.sequence : null };
}
