import type { ProcessingTaskRow } from '../../db/schema.js';
import type { JobCtx } from '../../jobs/define.js';
import { isoNow } from '../../lib/clock.js';
import { newId } from '../../lib/ids.js';
import { BlobInput, putFile, fileSize } from '../../media/files.js';
import { MediaError } from '../../media/tool.js';
import { inTransaction, type Deps } from '../context.js';
import { recordHistory } from '../history/history.service.js';
import { findItemById } from './catalog.repo.js';
import { computeProduct, type Computed } from './compute.js';
import { isImplemented } from './products.js';
import { findTaskById } from './tasks.repo.js';

/*
 * The `processing.task` job's body. Idempotent: a run whose task has moved on (deactivated, or queued again with a
 * newer job) does nothing. Problems of the input (no video, undecodable, unsupported length, no audio to fingerprint)
 * fail the task with that reason and end the job; anything else (blob store, database) is thrown so the queue retries
 * it, and the task fails with the last error when the job goes dead (onDead). Done and failed record history
 * events, which the outbox turns into webhook deliveries and notifications.
 */

interface Payload {
  task_id: string;
  workspace_id: string;
}

const ACTIVE = ['pending', 'processing'] as const;

export async function runProcessingTask(ctx: JobCtx, payload: Payload): Promise<void> {
  const task = await findTaskById(ctx.db, { workspaceId: payload.workspace_id, id: payload.task_id });
  if (!task || task.job_id !== ctx.job.id || !(ACTIVE as readonly string[]).includes(task.status)) {
    ctx.log.debug({ task_id: payload.task_id }, 'processing task moved on; nothing to do');
    return;
  }
  await ctx.db
    .updateTable('processing_tasks')
    .set({ status: 'processing', updated_at: isoNow(ctx.clock) })
    .where('id', '=', task.id)
    .where('job_id', '=', ctx.job.id)
    .where('status', 'in', [...ACTIVE])
    .execute();
  const product = task.product;
  if (!isImplemented(product)) {
    return settle(ctx, task, { status: 'failed', error: `product ${product} is not computed here` });
  }
  const source = await sourceVersion(ctx, task);
  if (typeof source === 'string') {
    return settle(ctx, task, { status: 'failed', error: source });
  }
  const input = new BlobInput(ctx.blobs, source.blob_key, Number(source.size), ctx.signal);
  try {
    let computed: Computed;
    try {
      computed = await computeProduct(product, await input.file(), { timeoutSeconds: Math.max(ctx.config.media.toolTimeoutSeconds, 3600), signal: ctx.signal });
    } catch (err) {
      if (!ctx.signal.aborted && err instanceof MediaError && err.permanent) {
        return settle(ctx, task, { status: 'failed', error: err.message });
      }
      throw err;
    }
    const files = [];
    for (const f of computed.files) {
      const size = await fileSize(f.path);
      const put = await putFile(ctx.blobs, f.path);
      files.push({ key: put.key, size, contentType: f.contentType });
    }
    await settle(ctx, task, { status: 'done', result: computed.result, files, sourceVersionId: source.id });
  } catch (err) {
    const timedOut = ctx.signal.aborted && ctx.signal.reason instanceof Error && ctx.signal.reason.name === 'JobTimeoutError';
    if ((!ctx.signal.aborted || timedOut) && ctx.job.attempt >= ctx.job.maxAttempts) {
      await settle(ctx, task, { status: 'failed', error: `Gave up after ${ctx.job.attempt} attempts: ${err instanceof Error ? err.message : String(err)}` }, false);
    }
    throw err;
  } finally {
    await input.dispose();
  }
}

/** The asset version the item shows now, or why there is none ("asset not found", as the docs name it). */
async function sourceVersion(ctx: Deps, task: ProcessingTaskRow): Promise<{ id: string; blob_key: string; size: number } | string> {
  const item = await findItemById(ctx.db, { workspaceId: task.workspace_id, id: task.item_id });
  if (!item || item.asset_id === null) {
    return 'asset not found: the catalog item has no video (set its video_uri).';
  }
  const version = await ctx.db
    .selectFrom('assets as a')
    .innerJoin('asset_versions as v', 'v.id', 'a.current_version_id')
    .select(['v.id', 'v.blob_key', 'v.size'])
    .where('a.id', '=', item.asset_id)
    .where('a.workspace_id', '=', task.workspace_id)
    .where('a.deleted_at', 'is', null)
    .where('v.deleted_at', 'is', null)
    .executeTakeFirst();
  return version ?? 'asset not found: the item\'s video asset is gone or has no file.';
}

type Outcome =
  | { status: 'failed'; error: string }
  | { status: 'done'; result: Record<string, unknown>; files: Array<{ key: string; size: number; contentType: string }>; sourceVersionId: string };

/** Writes the outcome if the task is still this run's, records the event, and (by default) completes the job with it. */
async function settle(ctx: JobCtx, task: ProcessingTaskRow, outcome: Outcome, completeJob = true): Promise<void> {
  await inTransaction(ctx, async (tx) => {
    const now = isoNow(tx.clock);
    const updated = await tx.db
      .updateTable('processing_tasks')
      .set({
        status: outcome.status,
        error: outcome.status === 'failed' ? outcome.error : null,
        result: outcome.status === 'done' ? JSON.stringify(outcome.result) : null,
        source_version_id: outcome.status === 'done' ? outcome.sourceVersionId : task.source_version_id,
        finished_at: now,
        updated_at: now,
      })
      .where('id', '=', task.id)
      .where('job_id', '=', ctx.job.id)
      .where('status', 'in', [...ACTIVE])
      .executeTakeFirst();
    if (updated.numUpdatedRows > 0n) {
      await tx.db.deleteFrom('processing_files').where('task_id', '=', task.id).where('workspace_id', '=', task.workspace_id).execute();
      if (outcome.status === 'done') {
        for (const [position, f] of outcome.files.entries()) {
          await tx.db
            .insertInto('processing_files')
            .values({ id: newId(), workspace_id: task.workspace_id, task_id: task.id, position, blob_key: f.key, content_type: f.contentType, size: f.size, created_at: now })
            .execute();
        }
      }
      await recordTaskEvent(tx, task, outcome.status, outcome.status === 'failed' ? outcome.error : null);
    }
    if (completeJob) {
      await ctx.completeWithin(tx.db);
    }
  });
}

async function recordTaskEvent(ctx: Deps, task: ProcessingTaskRow, status: 'done' | 'failed', error: string | null): Promise<void> {
  const item = await findItemById(ctx.db, { workspaceId: task.workspace_id, id: task.item_id });
  await recordHistory(ctx, {
    accountId: task.account_id,
    workspaceId: task.workspace_id,
    assetId: item?.asset_id ?? null,
    userId: task.created_by_user_id,
    subjectType: 'processing_task',
    recordId: task.id,
    type: status === 'done' ? 'processing_task_done' : 'processing_task_failed',
    data: { item_id: item?.item_key ?? null, product: task.product, version: task.version, status, error },
  });
}

/** onDead: a task still active when its job goes dead fails with the job's last error. */
export async function failDeadTask(ctx: Deps, payload: Payload, error: string): Promise<void> {
  await inTransaction(ctx, async (tx) => {
    const task = await findTaskById(tx.db, { workspaceId: payload.workspace_id, id: payload.task_id });
    if (!task || !(ACTIVE as readonly string[]).includes(task.status)) {
      return;
    }
    const now = isoNow(tx.clock);
    await tx.db
      .updateTable('processing_tasks')
      .set({ status: 'failed', error: `Gave up: ${error}`, finished_at: now, updated_at: now })
      .where('id', '=', task.id)
      .where('workspace_id', '=', task.workspace_id)
      .execute();
    await recordTaskEvent(tx, task, 'failed', `Gave up: ${error}`);
  });
}
