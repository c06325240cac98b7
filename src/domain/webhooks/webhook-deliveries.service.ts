import type { Deps } from '../context.js';
import type { HistoryEventRow, WebhookDeliveryRow, WebhookRow } from '../../db/schema.js';
import { backoffSeconds, type JobCtx } from '../../jobs/define.js';
import { enqueueJob } from '../../jobs/queue.js';
import { isoNow } from '../../lib/clock.js';
import { newId } from '../../lib/ids.js';
import { signWebhook } from './webhook-signing.js';
import { postWebhook } from './webhook-url.js';
import { findDeliveryWithWebhook, insertDelivery, listActiveWebhooks, updateDeliveryRow } from './webhooks.repo.js';

/** Retries of one delivery (job `webhook.deliver`): 8 attempts, 30 s doubling up to 6 h, no jitter (the log shows exact times). */
export const WEBHOOK_RETRY = { maxAttempts: 8, backoff: { baseSeconds: 30, maxSeconds: 6 * 3600, jitter: 0 } } as const;
export const WEBHOOK_TIMEOUT_MS = 10_000;
const MAX_RESPONSE_BYTES = 2048;
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
  await enqueueJob(tx, 'webhook.deliver', { workspace_id: delivery.workspace_id, delivery_id: delivery.id });
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

/**
 * One attempt of a delivery (job `webhook.deliver`): signs and POSTs the stored body, records the outcome on the
 * delivery row, and throws on anything but a 2xx so the queue retries with backoff; the last failure is `dead`.
 */
export async function attemptDelivery(ctx: JobCtx, scope: { workspaceId: string; deliveryId: string }): Promise<void> {
  const found = await findDeliveryWithWebhook(ctx.db, { workspaceId: scope.workspaceId, id: scope.deliveryId });
  if (!found || found.delivery.state === 'succeeded' || found.delivery.state === 'dead') {
    return; // deleted with its webhook, or already settled by an earlier run of this job
  }
  const { delivery, webhook } = found;
  const where = { workspaceId: scope.workspaceId, id: delivery.id };
  const attempt = ctx.job.attempt;
  if (webhook.active !== 1) {
    await updateDeliveryRow(ctx.db, where, { state: 'dead', attempts: attempt, error: 'The webhook is disabled.', next_attempt_at: null });
    return;
  }
  const timestamp = Math.floor(ctx.clock.now().getTime() / 1000);
  const headers = {
    'user-agent': 'Atelier-Webhooks/1',
    'webhook-id': delivery.event_id,
    'webhook-timestamp': String(timestamp),
    'webhook-signature': signWebhook(webhook.secret, delivery.event_id, timestamp, delivery.payload),
  };
  const started = performance.now();
  let status: number | null = null;
  let body: string | null = null;
  let error: string | null = null;
  try {
    const res = await postWebhook({
      url: webhook.url,
      headers,
      body: delivery.payload,
      allowPrivate: ctx.config.webhooks.allowPrivate,
      timeoutMs: WEBHOOK_TIMEOUT_MS,
      maxBodyBytes: MAX_RESPONSE_BYTES,
      signal: AbortSignal.any([ctx.signal, AbortSignal.timeout(WEBHOOK_TIMEOUT_MS)]),
    });
    status = res.status;
    body = res.body;
    if (status < 200 || status >= 300) {
      error = `The endpoint answered ${status}.`;
    }
  } catch (err) {
    error = err instanceof Error ? err.message : String(err);
  }
  const durationMs = Math.round(performance.now() - started);
  const last = attempt >= ctx.job.maxAttempts;
  const now = ctx.clock.now();
  await updateDeliveryRow(ctx.db, where, {
    state: error === null ? 'succeeded' : last ? 'dead' : 'failed',
    attempts: attempt,
    response_status: status,
    response_body: body,
    error,
    duration_ms: durationMs,
    delivered_at: error === null ? now.toISOString() : null,
    next_attempt_at:
      error === null || last ? null : new Date(now.getTime() + backoffSeconds(WEBHOOK_RETRY.backoff, attempt, 0) * 1000).toISOString(),
  });
  if (error !== null) {
    throw new Error(`Webhook delivery ${delivery.id} attempt ${attempt} failed: ${error}`);
  }
}
