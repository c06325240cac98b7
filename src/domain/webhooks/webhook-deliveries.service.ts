import type { Deps } from '../context.js';
import type { HistoryEventRow, WebhookDeliveryRow, WebhookRow } from '../../db/schema.js';
import { enqueue } from '../../jobs/queue.js';
import { webhookDeliverJob } from './webhook-deliver.job.js';
import { isoNow } from '../../lib/clock.js';
import { newId } from '../../lib/ids.js';
import { insertDelivery, listActiveWebhooks } from './webhooks.repo.js';

export const WILDCARD = '*';

/** The JSON body of a message (Standard Webhooks: `type`, `timestamp`, `data`). */
export interface WebhookMessage {
  type: string;
  timestamp: string;
  data: Record<string, unknown>;
}

/** A history event as a webhook message: its data plus where and who. */
export function messageOfEvent(event: HistoryEventRow): WebhookMessage {
  let data: Record<string, unknown> = {};
  try {
    data = JSON.parse(event.data) as Record<string, unknown>;
  } catch {
    // History data is always written as JSON; an unreadable row still produces the envelope.
  }
  return {
    type: event.type,
    timestamp: event.created_at,
    data: {
      ...data,
      event_id: event.id,
      account_id: event.account_id,
      workspace_id: event.workspace_id,
      asset_id: event.asset_id,
      subject_type: event.subject_type,
      record_id: event.record_id,
      user_id: event.user_id,
    },
  };
}

/** Whether an endpoint wants this event type (`*` is every type). */
export function webhookWants(webhook: WebhookRow, type: string): boolean {
  const types = JSON.parse(webhook.event_types) as string[];
  return types.includes(WILDCARD) || types.includes(type);
}

/** Writes a pending delivery and enqueues its job, in the caller's transaction. */
export async function createDelivery(
  tx: Pick<Deps, 'db' | 'clock' | 'jobs'>,
  input: { webhook: WebhookRow; eventId: string; message: WebhookMessage },
): Promise<WebhookDeliveryRow> {
  const delivery = await insertDelivery(tx.db, {
    id: newId(),
    webhook_id: input.webhook.id,
    workspace_id: input.webhook.workspace_id,
    event_id: input.eventId,
    event_type: input.message.type,
    payload: JSON.stringify(input.message),
    state: 'pending',
    attempts: 0,
    response_status: null,
    response_body: null,
    error: null,
    duration_ms: null,
    created_at: isoNow(tx.clock),
    delivered_at: null,
    next_attempt_at: null,
  });
  await enqueue(tx, webhookDeliverJob, { workspace_id: delivery.workspace_id, delivery_id: delivery.id });
  return delivery;
}

/**
 * Fans a batch of history events out to the active endpoints of their workspaces (one query for the endpoints).
 * An endpoint gets only events that happened after it was created, and none about itself (its own creation or
 * changes). Returns how many deliveries were queued.
 */
export async function queueDeliveriesForEvents(tx: Pick<Deps, 'db' | 'clock' | 'jobs'>, events: readonly HistoryEventRow[]): Promise<number> {
  const workspaceIds = events.flatMap((e) => (e.workspace_id ? [e.workspace_id] : []));
  const webhooks = await listActiveWebhooks(tx.db, { workspaceIds });
  let queued = 0;
  for (const event of events) {
    for (const webhook of webhooks) {
      const aboutItself = event.subject_type === 'webhook' && event.record_id === webhook.id;
      if (webhook.workspace_id === event.workspace_id && webhook.created_at <= event.created_at && !aboutItself && webhookWants(webhook, event.type)) {
        await createDelivery(tx, { webhook, eventId: event.id, message: messageOfEvent(event) });
        queued++;
      }
    }
  }
  return queued;
}
