import { backoffSeconds, type JobCtx } from '../../jobs/define.js';
import { signWebhook } from './webhook-signing.js';
import { postWebhook } from './webhook-url.js';
import { findDeliveryWithWebhook, updateDeliveryRow } from './webhooks.repo.js';

/* The work of the `webhook.deliver` job, apart from webhook-deliveries.service.ts, which queues that job. */

/** Retries of one delivery (job `webhook.deliver`): 8 attempts, 30 s doubling up to 6 h, no jitter (the log shows exact times). */
export const WEBHOOK_RETRY = { maxAttempts: 8, backoff: { baseSeconds: 30, maxSeconds: 6 * 3600, jitter: 0 } } as const;
export const WEBHOOK_TIMEOUT_MS = 10_000;
const MAX_RESPONSE_BYTES = 2048;

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
