import type { WebhookDeliveryRow, WebhookRow } from '../../db/schema.js';
import { isoNow } from '../../lib/clock.js';
import { newId } from '../../lib/ids.js';
import { requirePermission } from '../access.js';
import { inTransaction, scopedAccountId, scopedWorkspaceId, type Ctx } from '../context.js';
import { errors } from '../errors.js';
import { recordHistory } from '../history/history.service.js';
import { createDelivery, WILDCARD, type WebhookMessage } from './webhook-deliveries.service.js';
import { generateWebhookSecret, isValidWebhookSecret } from './webhook-signing.js';
import { checkWebhookUrl } from './webhook-url.js';
import { deleteWebhookRow, findDelivery, findWebhook, insertWebhook, listDeliveryRows, listWebhookRows, updateWebhookRow } from './webhooks.repo.js';

export interface WebhookInput {
  url?: string | undefined;
  eventTypes?: readonly string[] | undefined;
  secret?: string | undefined;
  description?: string | null | undefined;
  active?: boolean | undefined;
}

const EVENT_TYPE_RE = /^[a-z][a-z0-9_.]*$/;

function cleanEventTypes(types: readonly string[]): string[] {
  const unique = [...new Set(types.map((t) => t.trim()))];
  if (unique.length === 0) {
    throw errors.invalidField('body', 'event_types', 'must name at least one event type (or "*")');
  }
  const bad = unique.find((t) => t !== WILDCARD && !EVENT_TYPE_RE.test(t));
  if (bad !== undefined) {
    throw errors.invalidField('body', 'event_types', `${JSON.stringify(bad)} is not an event type (lower-case history event names, or "*")`);
  }
  return unique;
}

function cleanSecret(secret: string): string {
  if (!isValidWebhookSecret(secret)) {
    throw errors.invalidField('body', 'secret', 'must be "whsec_" followed by base64 of 24 to 64 bytes');
  }
  return secret;
}

function cleanDescription(d: string | null | undefined): string | null {
  const t = d?.trim() ?? '';
  return t === '' ? null : t;
}

/** Public view of a row for history: never the secret. */
const snapshot = (w: WebhookRow) => ({ url: w.url, event_types: JSON.parse(w.event_types) as string[], active: w.active === 1, description: w.description });

async function requireWebhook(ctx: Ctx, id: string): Promise<WebhookRow> {
  const row = await findWebhook(ctx.db, { workspaceId: scopedWorkspaceId(ctx), id });
  if (!row) {
    throw errors.notFound('webhook', id);
  }
  return row;
}

/** POST /workspaces/webhooks: a new endpoint; the secret is generated unless given (the caller sees it once). */
export async function createWebhook(ctx: Ctx, input: WebhookInput & { url: string; eventTypes: readonly string[] }): Promise<WebhookRow> {
  requirePermission(ctx.actor, 'webhooks.manage');
  const eventTypes = cleanEventTypes(input.eventTypes);
  const secret = input.secret === undefined ? generateWebhookSecret() : cleanSecret(input.secret);
  const url = await checkWebhookUrl(input.url, ctx.config.webhooks.allowPrivate);
  const workspaceId = scopedWorkspaceId(ctx);
  return inTransaction(ctx, async (tx) => {
    const now = isoNow(tx.clock);
    const row = await insertWebhook(tx.db, {
      id: newId(),
      workspace_id: workspaceId,
      url: url.toString(),
      secret,
      event_types: JSON.stringify(eventTypes),
      active: input.active === false ? 0 : 1,
      description: cleanDescription(input.description),
      created_by_user_id: tx.actor.userId,
      created_at: now,
      updated_at: now,
    });
    await recordHistory(tx, {
      accountId: scopedAccountId(tx), workspaceId, userId: tx.actor.userId, subjectType: 'webhook', recordId: row.id,
      type: 'webhook_created', data: { before: null, after: snapshot(row) },
    });
    return row;
  });
}

/** GET /workspaces/webhooks. */
export async function listWebhooks(ctx: Ctx): Promise<WebhookRow[]> {
  requirePermission(ctx.actor, 'webhooks.manage');
  return listWebhookRows(ctx.db, { workspaceId: scopedWorkspaceId(ctx) });
}

/** GET /workspaces/webhooks/{id}. */
export async function getWebhook(ctx: Ctx, id: string): Promise<WebhookRow> {
  requirePermission(ctx.actor, 'webhooks.manage');
  return requireWebhook(ctx, id);
}

/** PUT/PATCH /workspaces/webhooks/{id}: changes the given fields (a new `secret` rotates it). */
export async function updateWebhook(ctx: Ctx, id: string, input: WebhookInput): Promise<WebhookRow> {
  requirePermission(ctx.actor, 'webhooks.manage');
  const eventTypes = input.eventTypes === undefined ? undefined : cleanEventTypes(input.eventTypes);
  const secret = input.secret === undefined ? undefined : cleanSecret(input.secret);
  const url = input.url === undefined ? undefined : await checkWebhookUrl(input.url, ctx.config.webhooks.allowPrivate);
  const workspaceId = scopedWorkspaceId(ctx);
  return inTransaction(ctx, async (tx) => {
    const before = await requireWebhook(tx, id);
    const after = await updateWebhookRow(tx.db, { workspaceId, id }, {
      ...(url === undefined ? {} : { url: url.toString() }),
      ...(eventTypes === undefined ? {} : { event_types: JSON.stringify(eventTypes) }),
      ...(secret === undefined ? {} : { secret }),
      ...(input.description === undefined ? {} : { description: cleanDescription(input.description) }),
      ...(input.active === undefined ? {} : { active: input.active ? 1 : 0 }),
      updated_at: isoNow(tx.clock),
    });
    if (!after) {
      throw errors.notFound('webhook', id);
    }
    await recordHistory(tx, {
      accountId: scopedAccountId(tx), workspaceId, userId: tx.actor.userId, subjectType: 'webhook', recordId: id,
      type: 'webhook_updated', data: { before: snapshot(before), after: { ...snapshot(after), secret_rotated: secret !== undefined } },
    });
    return after;
  });
}

/** DELETE /workspaces/webhooks/{id}: the endpoint and its delivery log; queued deliveries are dropped. */
export async function deleteWebhook(ctx: Ctx, id: string): Promise<void> {
  requirePermission(ctx.actor, 'webhooks.manage');
  const workspaceId = scopedWorkspaceId(ctx);
  await inTransaction(ctx, async (tx) => {
    const before = await requireWebhook(tx, id);
    await deleteWebhookRow(tx.db, { workspaceId, id });
    await recordHistory(tx, {
      accountId: scopedAccountId(tx), workspaceId, userId: tx.actor.userId, subjectType: 'webhook', recordId: id,
      type: 'webhook_deleted', data: { before: snapshot(before), after: null },
    });
  });
}

/** GET /workspaces/webhooks/{id}/deliveries: the delivery log, newest first. */
export async function listWebhookDeliveries(
  ctx: Ctx,
  id: string,
  page: { limit: number; before?: number | undefined },
): Promise<{ items: WebhookDeliveryRow[]; nextCursor: number | null }> {
  requirePermission(ctx.actor, 'webhooks.manage');
  await requireWebhook(ctx, id);
  return listDeliveryRows(ctx.db, { workspaceId: scopedWorkspaceId(ctx), webhookId: id }, page);
}

function requireActive(webhook: WebhookRow): void {
  if (webhook.active !== 1) {
    throw errors.conflict('webhook_inactive', 'The webhook is disabled; enable it first.');
  }
}

/** POST /workspaces/webhooks/{id}/test: queues a `ping` message to the endpoint. */
export async function pingWebhook(ctx: Ctx, id: string): Promise<WebhookDeliveryRow> {
  requirePermission(ctx.actor, 'webhooks.manage');
  return inTransaction(ctx, async (tx) => {
    const webhook = await requireWebhook(tx, id);
    requireActive(webhook);
    const eventId = newId();
    const message: WebhookMessage = {
      type: 'ping',
      timestamp: isoNow(tx.clock),
      data: { event_id: eventId, webhook_id: webhook.id, workspace_id: webhook.workspace_id, user_id: tx.actor.userId },
    };
    return createDelivery(tx, { webhook, eventId, message });
  });
}

/** POST /workspaces/webhooks/{id}/deliveries/{delivery_id}/redeliver: the same message (same webhook-id) again, as a new delivery. */
export async function redeliverWebhook(ctx: Ctx, id: string, deliveryId: string): Promise<WebhookDeliveryRow> {
  requirePermission(ctx.actor, 'webhooks.manage');
  return inTransaction(ctx, async (tx) => {
    const webhook = await requireWebhook(tx, id);
    const original = await findDelivery(tx.db, { workspaceId: webhook.workspace_id, webhookId: id, id: deliveryId });
    if (!original) {
      throw errors.notFound('webhook_delivery', deliveryId);
    }
    requireActive(webhook);
    return createDelivery(tx, { webhook, eventId: original.event_id, message: JSON.parse(original.payload) as WebhookMessage });
  });
}
