import type { WebhookDeliveryRow, WebhookRow } from '../../../db/schema.js';
import { maskWebhookSecret } from '../../../domain/webhooks/webhook-signing.js';
import type { WebhookDeliveryJson, WebhookJson } from './webhooks.schemas.js';

/** A webhook; the secret in full only when `revealSecret` (the answer to its creation). */
export function presentWebhook(row: WebhookRow, options: { revealSecret?: boolean } = {}): WebhookJson {
  return {
    id: row.id,
    sequence: row.sequence,
    workspace_id: row.workspace_id,
    url: row.url,
    event_types: JSON.parse(row.event_types) as string[],
    active: row.active === 1,
    description: row.description,
    secret: options.revealSecret ? row.secret : maskWebhookSecret(row.secret),
    created_by_user_id: row.created_by_user_id,
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
}

/** A delivery log entry. */
export function presentDelivery(row: WebhookDeliveryRow): WebhookDeliveryJson {
  return {
    id: row.id,
    sequence: row.sequence,
    webhook_id: row.webhook_id,
    event_id: row.event_id,
    event_type: row.event_type,
    payload: JSON.parse(row.payload) as Record<string, unknown>,
    state: row.state,
    attempts: row.attempts,
    response_status: row.response_status,
    response_body: row.response_body,
    error: row.error,
    duration_ms: row.duration_ms,
    created_at: row.created_at,
    delivered_at: row.delivered_at,
    next_attempt_at: row.next_attempt_at,
  };
}
