import type { ProcessingItemRow, ProcessingTaskRow } from '../../db/schema.js';
import { cancelJob } from '../../jobs/queue.js';
import { isoNow } from '../../lib/clock.js';
import { newId } from '../../lib/ids.js';
import { requirePermission } from '../access.js';
import { inTransaction, scopedAccountId, scopedWorkspaceId, type Ctx } from '../context.js';
import { errors } from '../errors.js';
import { recordHistory } from '../history/history.service.js';
import { findItem } from './catalog.repo.js';
import { queueRun } from './rerun.js';
import { IMPLEMENTED_PRODUCTS, isImplemented, type TaskPriority } from './products.js';
import { findTask, listTasksOfItems } from './tasks.repo.js';

/*
 * Processing tasks (Vionlabs Tasks API, spec §3.3; docs/vionlabs.md "Tasks"): one per (catalog item, product,
 * version). Each run is a `processing.task` job (processing-task.job.ts), so it survives restarts, retries with
 * backoff and shows in the job views; the task row says where it stands: pending → processing → done | failed, or
 * deactivated by the client.
 */

export interface TaskKey {
  itemKey: string;
  product: string;
  version: string;
}

const ACTIVE = new Set(['pending', 'processing']);

async function requireItem(ctx: Ctx, key: string): Promise<ProcessingItemRow> {
  const item = await findItem(ctx.db, { workspaceId: scopedWorkspaceId(ctx), key });
  if (!item || item.deleted_at !== null) {
    throw errors.notFound('catalog_item', key);
  }
  return item;
}

/** A product Atelier does not compute: 422 on the path's `product`, never a task left pending. */
function assertImplemented(product: string): void {
  if (!isImplemented(product)) {
    throw errors.invalid('product_not_available', `Atelier does not compute ${product}; it computes ${IMPLEMENTED_PRODUCTS.join(', ')}.`, [
      { in: 'params', pointer: '/product', message: `${product} is not available here; available: ${IMPLEMENTED_PRODUCTS.join(', ')}` },
    ]);
  }
}

/**
 * POST: requests processing. A new task starts pending; an active one is returned as it is (its priority raised
 * when asked higher); a failed or deactivated one runs again; a done one runs again only when the item's video
 * changed since (otherwise its result stands).
 */
export async function createTask(ctx: Ctx, key: TaskKey, priority: TaskPriority): Promise<ProcessingTaskRow> {
  requirePermission(ctx.actor, 'asset.write');
  assertImplemented(key.product);
  return inTransaction(ctx, async (tx) => {
    const item = await requireItem(tx, key.itemKey);
    const existing = await findTask(tx.db, { workspaceId: item.workspace_id, itemId: item.id, product: key.product, version: key.version });
    if (existing && ACTIVE.has(existing.status)) {
      return existing;
    }
    if (existing && existing.status === 'done' && !(await videoChanged(tx, item, existing))) {
      return existing;
    }
    const now = isoNow(tx.clock);
    const task =
      existing ??
      (await tx.db
        .insertInto('processing_tasks')
        .values({
          id: newId(),
          account_id: scopedAccountId(tx),
          workspace_id: item.workspace_id,
          item_id: item.id,
          product: key.product,
          version: key.version,
          priority,
          status: 'pending',
          created_by_user_id: tx.actor.userId,
          created_at: now,
          updated_at: now,
        })
        .returningAll()
        .executeTakeFirstOrThrow());
    const queued = await queueRun(tx, task, priority);
    await recordHistory(tx, {
      accountId: item.account_id,
      workspaceId: item.workspace_id,
      assetId: item.asset_id,
      userId: tx.actor.userId,
      subjectType: 'processing_task',
      recordId: task.id,
      type: 'processing_task_requested',
      data: { item_id: item.item_key, product: key.product, version: key.version, priority },
    });
    return queued;
  });
}

/** Whether the item's video is another asset version than the one the task's result was computed from. */
async function videoChanged(ctx: Ctx, item: ProcessingItemRow, task: ProcessingTaskRow): Promise<boolean> {
  if (item.asset_id === null) {
    return task.source_version_id !== null;
  }
  const asset = await ctx.db.selectFrom('assets').select('current_version_id').where('id', '=', item.asset_id).where('workspace_id', '=', item.workspace_id).executeTakeFirst();
  return (asset?.current_version_id ?? null) !== task.source_version_id;
}

/** GET: one task; 404 when the item or the task does not exist (an unknown product is a 422 from the route). */
export async function getTask(ctx: Ctx, key: TaskKey): Promise<ProcessingTaskRow> {
  requirePermission(ctx.actor, 'asset.read');
  const item = await requireItem(ctx, key.itemKey);
  const task = await findTask(ctx.db, { workspaceId: item.workspace_id, itemId: item.id, product: key.product, version: key.version });
  if (!task) {
    throw errors.notFound('task');
  }
  return task;
}

/** GET /tasks/catalog-item/{id}: every task of the item. */
export async function listItemTasks(ctx: Ctx, itemKey: string): Promise<ProcessingTaskRow[]> {
  requirePermission(ctx.actor, 'asset.read');
  const item = await requireItem(ctx, itemKey);
  return listTasksOfItems(ctx.db, { workspaceId: item.workspace_id, itemIds: [item.id] });
}

/**
 * DELETE: deactivates the task: its queued or running job is cancelled (a running one's ffmpeg is killed at the
 * worker's next heartbeat) and the task reads `deactivated`; its results are no longer served. POST runs it again.
 */
export async function deactivateTask(ctx: Ctx, key: TaskKey): Promise<ProcessingTaskRow> {
  requirePermission(ctx.actor, 'asset.write');
  return inTransaction(ctx, async (tx) => {
    const task = await getTask(tx, key);
    const [done] = await deactivate(tx, [task]);
    await recordHistory(tx, {
      accountId: task.account_id,
      workspaceId: task.workspace_id,
      userId: tx.actor.userId,
      subjectType: 'processing_task',
      recordId: task.id,
      type: 'processing_task_deactivated',
      data: { item_id: key.itemKey, product: task.product, version: task.version },
    });
    return done!;
  });
}

async function deactivate(ctx: Ctx, tasks: readonly ProcessingTaskRow[]): Promise<ProcessingTaskRow[]> {
  const out: ProcessingTaskRow[] = [];
  const now = isoNow(ctx.clock);
  for (const task of tasks) {
    if (task.job_id !== null && ACTIVE.has(task.status)) {
      await cancelJob(ctx, task.job_id);
    }
    out.push(
      await ctx.db
        .updateTable('processing_tasks')
        .set({ status: 'deactivated', error: null, finished_at: task.finished_at ?? now, updated_at: now })
        .where('id', '=', task.id)
        .where('workspace_id', '=', task.workspace_id)
        .returningAll()
        .executeTakeFirstOrThrow(),
    );
  }
  return out;
}

/** The tasks of deleted catalog items stop (catalog.service's delete, in its transaction). */
export async function deactivateTasksOfItems(ctx: Ctx, itemIds: readonly string[]): Promise<void> {
  const tasks = await listTasksOfItems(ctx.db, { workspaceId: scopedWorkspaceId(ctx), itemIds });
  await deactivate(ctx, tasks.filter((t) => t.status !== 'deactivated'));
}
