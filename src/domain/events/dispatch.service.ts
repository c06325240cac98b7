import type { HistoryEventRow } from '../../db/schema.js';
import { isoNow } from '../../lib/clock.js';
import { inTransaction, type Deps } from '../context.js';
import { rerunTasksOfAsset } from '../processing/rerun.js';
import { notifySubscribers } from '../subscriptions/notify-subscribers.js';
import { queueDeliveriesForEvents } from '../webhooks/webhook-deliveries.service.js';
import { advanceEventCursor, getEventCursor, listEventsAfter } from './event-cursors.repo.js';
import { DISPATCHED_SUBSCRIBER_EVENTS } from './subscriber-events.js';

/*
 * The transactional outbox: every change writes a history event in its own transaction (recordHistory), and this
 * dispatcher reads the events after a stored cursor and fans them out: webhook deliveries (one `webhook.deliver` job
 * per matching endpoint) and subscriber notifications for the asset changes listed in subscriber-events.ts. Claiming
 * a batch (moving the cursor with a compare-and-set) and its effects commit in one transaction, so each event is
 * handled exactly once however many workers run the job.
 */

const CURSOR = 'events.dispatch';
const BATCH = 200;
/** Batches per run; the rest waits for the next run (a new event or the 30 s schedule enqueues one). */
const MAX_BATCHES = 50;

interface BatchResult {
  handled: number;
  /** An event is missing after the handled ones (a writer still in flight, or a rolled-back sequence). */
  gap: boolean;
  /** Another dispatcher moved the cursor first. */
  lost: boolean;
}

/** The events that may be handled now: consecutive sequences, or anything up to `settled` (gaps there are final). */
function handleable(events: readonly HistoryEventRow[], cursor: number, settled: number): HistoryEventRow[] {
  const out: HistoryEventRow[] = [];
  let expected = cursor + 1;
  for (const e of events) {
    if (e.sequence !== expected && e.sequence > settled) {
      break;
    }
    out.push(e);
    expected = e.sequence + 1;
  }
  return out;
}

/** An event recorded for history only (medialoopster addasset's `silent_mode`): no webhooks, no notifications. */
const isSilent = (e: HistoryEventRow): boolean => e.data.includes('"silent":true') && (JSON.parse(e.data) as { silent?: unknown }).silent === true;

async function fanOut(tx: Deps, all: readonly HistoryEventRow[]): Promise<void> {
  const events = all.filter((e) => !isSilent(e));
  await queueDeliveriesForEvents(tx, events);
  for (const e of events) {
    // A new current version of an asset re-runs the processing tasks of the catalog items that show it (docs/vionlabs.md).
    if ((e.type === 'version_created' || e.type === 'version_restored') && e.asset_id && e.workspace_id) {
      await rerunTasksOfAsset(tx, { workspaceId: e.workspace_id, assetId: e.asset_id });
    }
    if (DISPATCHED_SUBSCRIBER_EVENTS.has(e.type) && e.asset_id && e.workspace_id && e.account_id && e.user_id) {
      const data = JSON.parse(e.data) as Record<string, unknown>;
      await notifySubscribers(tx, {
        workspaceId: e.workspace_id,
        accountId: e.account_id,
        assetId: e.asset_id,
        actorUserId: e.user_id,
        type: e.type,
        data: { ...data, history_event_id: e.id },
        occurredAt: e.created_at,
      });
    }
  }
}

async function dispatchBatch(deps: Deps, settled: number): Promise<BatchResult> {
  return inTransaction(deps, async (tx) => {
    const now = isoNow(tx.clock);
    const cursor = await getEventCursor(tx.db, CURSOR, now);
    const events = await listEventsAfter(tx.db, { after: cursor, limit: BATCH });
    const batch = handleable(events, cursor, settled);
    const last = batch[batch.length - 1];
    if (!last) {
      return { handled: 0, gap: events.length > 0, lost: false };
    }
    if (!(await advanceEventCursor(tx.db, { name: CURSOR, from: cursor, to: last.sequence, now }))) {
      return { handled: 0, gap: false, lost: true };
    }
    await fanOut(tx, batch);
    return { handled: batch.length, gap: batch.length < events.length, lost: false };
  });
}

/** Handles every event recorded so far (job `events.dispatch`); returns how many were handled. */
export async function dispatchEvents(deps: Deps): Promise<number> {
  let settled = 0;
  let total = 0;
  for (let i = 0; i < MAX_BATCHES; i++) {
    const r = await dispatchBatch(deps, settled);
    total += r.handled;
    if (r.lost || r.handled > 0) {
      continue;
    }
    if (!r.gap) {
      break;
    }
    const nowSettled = await deps.dialect.settledHistorySequence(deps.db);
    if (nowSettled <= settled) {
      break; // the gap is above what has settled: its writer is still running and will enqueue a run itself
    }
    settled = nowSettled;
  }
  return total;
}
