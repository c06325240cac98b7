import type { Kysely } from 'kysely';
import type { DB, TaskRow } from '../../db/schema.js';
import type { FieldProblem } from '../errors.js';
import { isoNow } from '../../lib/clock.js';
import { can } from '../access.js';
import { inTransaction, scopedAccountId, scopedWorkspaceId, type Ctx } from '../context.js';
import { errors } from '../errors.js';
import { recordHistory } from '../history/history.service.js';
import { insertTaskAssetLinks } from './task-assets.repo.js';
import { notifyTaskWatchers } from './task-watcher-notify.js';
import { requireTaskRequest } from './task-requests.service.js';

/*
 * Assets linked to a task (Workstream T3-T5, T9, T10, T14, T15; docs/workstream.md "Task assets"). A task may have
 * many; its core `asset_id` is its **primary** asset and is always one of the links: linking to a task without one
 * makes the first linked asset primary, unlinking the primary makes the oldest remaining link primary (or none).
 * Unlinking never touches the asset itself.
 */

export const TASK_ASSETS_LINKED = 'task_assets_linked';
export const TASK_ASSETS_UNLINKED = 'task_assets_unlinked';

/** The live assets of the workspace among `assetIds` (trashed and unknown ones are left out), in one query. */
async function liveAssetIds(db: Kysely<DB>, workspaceId: string, assetIds: readonly string[]): Promise<Set<string>> {
  if (assetIds.length === 0) {
    return new Set();
  }
  const rows = await db.selectFrom('assets').select('id').where('workspace_id', '=', workspaceId).where('id', 'in', [...new Set(assetIds)]).where('deleted_at', 'is', null).execute();
  return new Set(rows.map((r) => r.id));
}

/** T3: the ids of the task's live linked assets, in link order. */
export async function listTaskAssetIds(ctx: Ctx, taskId: string, page: { offset: number; limit: number }): Promise<string[]> {
  const task = await requireTaskRequest(ctx, taskId);
  const rows = await ctx.db
    .selectFrom('task_assets as ta')
    .innerJoin('assets as a', 'a.id', 'ta.asset_id')
    .select('ta.asset_id')
    .where('ta.workspace_id', '=', scopedWorkspaceId(ctx))
    .where('ta.task_id', '=', task.id)
    .where('a.deleted_at', 'is', null)
    .orderBy('ta.sequence')
    .offset(page.offset)
    .limit(page.limit)
    .execute();
  return rows.map((r) => r.asset_id);
}

/** T4, T5: the asset if it is linked to a task the caller may see and live, else `asset_not_found` (404). */
export async function requireTaskAsset(ctx: Ctx, taskId: string, assetId: string): Promise<TaskRow> {
  const task = await requireTaskRequest(ctx, taskId);
  const link = await ctx.db
    .selectFrom('task_assets as ta')
    .innerJoin('assets as a', 'a.id', 'ta.asset_id')
    .select('ta.id')
    .where('ta.workspace_id', '=', scopedWorkspaceId(ctx))
    .where('ta.task_id', '=', task.id)
    .where('ta.asset_id', '=', assetId)
    .where('a.deleted_at', 'is', null)
    .executeTakeFirst();
  if (!link) {
    throw errors.notFound('asset', assetId);
  }
  return task;
}

/** Editors, the task's creator and its assignee may change which assets a task has. */
function requireLinkRights(ctx: Ctx, task: TaskRow): void {
  if (!can(ctx.actor, 'task.write') && task.creator_id !== ctx.actor.userId && task.assignee_id !== ctx.actor.userId) {
    throw errors.forbidden('permission_denied', 'Only editors, the task\'s creator and its assignee may change its assets.');
  }
}

/**
 * T9, T10: links assets (ids already resolved in the tenant). A trashed asset is a 422 naming its place in the list;
 * nothing is written then. Links that exist are left as they are. Returns the asset ids newly linked.
 */
export async function linkTaskAssets(
  ctx: Ctx,
  taskId: string,
  assetIds: readonly string[],
  at: (i: number) => { part: FieldProblem['in']; field: string },
): Promise<string[]> {
  const workspaceId = scopedWorkspaceId(ctx);
  return inTransaction(ctx, async (tx) => {
    const task = await requireTaskRequest(tx, taskId);
    requireLinkRights(tx, task);
    const live = await liveAssetIds(tx.db, workspaceId, assetIds);
    assetIds.forEach((a, i) => {
      if (!live.has(a)) {
        const where = at(i);
        throw errors.invalidField(where.part, where.field, 'is an asset in the trash');
      }
    });
    const now = isoNow(tx.clock);
    const added = await insertTaskAssetLinks(tx.db, { workspaceId, taskId: task.id, assetIds, userId: tx.actor.userId, now });
    if (added.length === 0) {
      return [];
    }
    if (task.asset_id === null) {
      await tx.db.updateTable('tasks').set({ asset_id: added[0] ?? null, updated_at: now }).where('workspace_id', '=', workspaceId).where('id', '=', task.id).execute();
    }
    await recordLinkChange(tx, task, TASK_ASSETS_LINKED, added);
    await notifyTaskWatchers(tx, task, ['assets']);
    return added;
  });
}

/** T14, T15: unlinks assets from the task (the assets stay); links that do not exist are ignored. */
export async function unlinkTaskAssets(ctx: Ctx, taskId: string, assetIds: readonly string[]): Promise<string[]> {
  const workspaceId = scopedWorkspaceId(ctx);
  return inTransaction(ctx, async (tx) => {
    const task = await requireTaskRequest(tx, taskId);
    requireLinkRights(tx, task);
    const wanted = [...new Set(assetIds)];
    const linked = (
      await tx.db.selectFrom('task_assets').select('asset_id').where('workspace_id', '=', workspaceId).where('task_id', '=', task.id).where('asset_id', 'in', wanted).execute()
    ).map((r) => r.asset_id);
    if (linked.length === 0) {
      return [];
    }
    await tx.db.deleteFrom('task_assets').where('workspace_id', '=', workspaceId).where('task_id', '=', task.id).where('asset_id', 'in', linked).execute();
    if (task.asset_id !== null && linked.includes(task.asset_id)) {
      const next = await tx.db
        .selectFrom('task_assets')
        .select('asset_id')
        .where('workspace_id', '=', workspaceId)
        .where('task_id', '=', task.id)
        .orderBy('sequence')
        .executeTakeFirst();
      await tx.db
        .updateTable('tasks')
        .set({ asset_id: next?.asset_id ?? null, updated_at: isoNow(tx.clock) })
        .where('workspace_id', '=', workspaceId)
        .where('id', '=', task.id)
        .execute();
    }
    await recordLinkChange(tx, task, TASK_ASSETS_UNLINKED, linked);
    await notifyTaskWatchers(tx, task, ['assets']);
    return linked;
  });
}

/** One history event per asset (so each asset's history shows it, and webhooks get it). */
async function recordLinkChange(tx: Ctx, task: TaskRow, type: string, assetIds: readonly string[]): Promise<void> {
  for (const assetId of assetIds) {
    await recordHistory(tx, {
      accountId: scopedAccountId(tx),
      workspaceId: task.workspace_id,
      assetId,
      userId: tx.actor.userId,
      subjectType: 'task',
      recordId: task.id,
      type,
      data: { task_id: task.id, asset_id: assetId },
    });
  }
}
