import type { Kysely, Updateable } from 'kysely';
import type { DB, WebhookDeliveriesTable, WebhookDeliveryRow, WebhookRow, WebhooksTable } from '../../db/schema.js';

type Scope = { workspaceId: string };

/** One webhook of the workspace; another workspace's reads as absent. */
export function findWebhook(db: Kysely<DB>, scope: Scope & { id: string }): Promise<WebhookRow | undefined> {
  return db.selectFrom('webhooks').selectAll().where('workspace_id', '=', scope.workspaceId).where('id', '=', scope.id).executeTakeFirst();
}

/** The workspace's webhooks, oldest first. */
export function listWebhookRows(db: Kysely<DB>, scope: Scope): Promise<WebhookRow[]> {
  return db.selectFrom('webhooks').selectAll().where('workspace_id', '=', scope.workspaceId).orderBy('sequence').execute();
}

/** Active webhooks of any of these workspaces (the dispatcher loads a batch's endpoints in one query). */
export async function listActiveWebhooks(db: Kysely<DB>, scope: { workspaceIds: readonly string[] }): Promise<WebhookRow[]> {
  if (scope.workspaceIds.length === 0) {
    return [];
  }
  return db
    .selectFrom('webhooks')
    .selectAll()
    .where('workspace_id', 'in', [...new Set(scope.workspaceIds)])
    .where('active', '=', 1)
    .orderBy('sequence')
    .execute();
}

/** Inserts a webhook. */
export function insertWebhook(db: Kysely<DB>, row: Omit<WebhookRow, 'sequence'>): Promise<WebhookRow> {
  return db.insertInto('webhooks').values(row).returningAll().executeTakeFirstOrThrow();
}

/** Updates a webhook of the workspace; undefined when it is not there. */
export function updateWebhookRow(db: Kysely<DB>, scope: Scope & { id: string }, set: Updateable<WebhooksTable>): Promise<WebhookRow | undefined> {
  return db
    .updateTable('webhooks')
    .set(set)
    .where('workspace_id', '=', scope.workspaceId)
    .where('id', '=', scope.id)
    .returningAll()
    .executeTakeFirst();
}

/** Deletes a webhook (its deliveries go with it); false when it was not there. */
export async function deleteWebhookRow(db: Kysely<DB>, scope: Scope & { id: string }): Promise<boolean> {
  const r = await db.deleteFrom('webhooks').where('workspace_id', '=', scope.workspaceId).where('id', '=', scope.id).executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}

/** Inserts a delivery row. */
export function insertDelivery(db: Kysely<DB>, row: Omit<WebhookDeliveryRow, 'sequence'>): Promise<WebhookDeliveryRow> {
  return db.insertInto('webhook_deliveries').values(row).returningAll().executeTakeFirstOrThrow();
}

/** One delivery of a webhook of the workspace. */
export function findDelivery(db: Kysely<DB>, scope: Scope & { webhookId: string; id: string }): Promise<WebhookDeliveryRow | undefined> {
  return db
    .selectFrom('webhook_deliveries')
    .selectAll()
    .where('workspace_id', '=', scope.workspaceId)
    .where('webhook_id', '=', scope.webhookId)
    .where('id', '=', scope.id)
    .executeTakeFirst();
}

/** A delivery with its endpoint, for the delivery job (which carries only the delivery id). */
export async function findDeliveryWithWebhook(
  db: Kysely<DB>,
  scope: Scope & { id: string },
): Promise<{ delivery: WebhookDeliveryRow; webhook: WebhookRow } | undefined> {
  const delivery = await db
    .selectFrom('webhook_deliveries')
    .selectAll()
    .where('workspace_id', '=', scope.workspaceId)
    .where('id', '=', scope.id)
    .executeTakeFirst();
  if (!delivery) {
    return undefined;
  }
  const webhook = await findWebhook(db, { workspaceId: scope.workspaceId, id: delivery.webhook_id });
  return webhook ? { delivery, webhook } : undefined;
}

/** The delivery log of a webhook, newest first, keyset-paginated on sequence. */
export async function listDeliveryRows(
  db: Kysely<DB>,
  scope: Scope & { webhookId: string },
  page: { limit: number; before?: number | undefined },
): Promise<{ items: WebhookDeliveryRow[]; nextCursor: number | null }> {
  let q = db
    .selectFrom('webhook_deliveries')
    .selectAll()
    .where('workspace_id', '=', scope.workspaceId)
    .where('webhook_id', '=', scope.webhookId);
  if (page.before !== undefined) {
    q = q.where('sequence', '<', page.before);
  }
  const rows = await q.orderBy('sequence', 'desc').limit(page.limit + 1).execute();
  const items = rows.slice(0, page.limit);
  const last = items[items.length - 1];
  return { items, nextCursor: rows.length > page.limit && last ? last.sequence : null };
}

/** Records the outcome of one attempt. */
export async function updateDeliveryRow(db: Kysely<DB>, scope: Scope & { id: string }, set: Updateable<WebhookDeliveriesTable>): Promise<void> {
  await db.updateTable('webhook_deliveries').set(set).where('workspace_id', '=', scope.workspaceId).where('id', '=', scope.id).execute();
}

/** Deletes finished deliveries (succeeded or dead) created before `before`; answers how many. */
export async function pruneDeliveryRows(db: Kysely<DB>, before: Date): Promise<number> {
  const result = await db
    .deleteFrom('webhook_deliveries')
    .where('state', 'in', ['succeeded', 'dead'])
    .where('created_at', '<', before.toISOString())
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
