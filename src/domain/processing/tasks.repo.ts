import type { Kysely } from 'kysely';
import type { DB, ProcessingFileRow, ProcessingTaskRow } from '../../db/schema.js';

/* Queries of processing tasks and their files; every one is scoped by workspace. */

export function findTask(db: Kysely<DB>, p: { workspaceId: string; itemId: string; product: string; version: string }): Promise<ProcessingTaskRow | undefined> {
  return db
    .selectFrom('processing_tasks')
    .selectAll()
    .where('workspace_id', '=', p.workspaceId)
    .where('item_id', '=', p.itemId)
    .where('product', '=', p.product)
    .where('version', '=', p.version)
    .executeTakeFirst();
}

export function findTaskById(db: Kysely<DB>, p: { workspaceId: string; id: string }): Promise<ProcessingTaskRow | undefined> {
  return db.selectFrom('processing_tasks').selectAll().where('workspace_id', '=', p.workspaceId).where('id', '=', p.id).executeTakeFirst();
}

export function listTasksOfItems(db: Kysely<DB>, p: { workspaceId: string; itemIds: readonly string[] }): Promise<ProcessingTaskRow[]> {
  if (p.itemIds.length === 0) {
    return Promise.resolve([]);
  }
  return db
    .selectFrom('processing_tasks')
    .selectAll()
    .where('workspace_id', '=', p.workspaceId)
    .where('item_id', 'in', [...p.itemIds])
    .orderBy('sequence')
    .execute();
}

/** The done task of an item and product: of `version` when given, else the most recently finished. */
export function findDoneTask(db: Kysely<DB>, p: { workspaceId: string; itemId: string; product: string; version: string | undefined }): Promise<ProcessingTaskRow | undefined> {
  let q = db
    .selectFrom('processing_tasks')
    .selectAll()
    .where('workspace_id', '=', p.workspaceId)
    .where('item_id', '=', p.itemId)
    .where('product', '=', p.product)
    .where('status', '=', 'done');
  if (p.version !== undefined) {
    q = q.where('version', '=', p.version);
  }
  return q.orderBy('finished_at', 'desc').orderBy('sequence', 'desc').limit(1).executeTakeFirst();
}

export function listFiles(db: Kysely<DB>, p: { workspaceId: string; taskId: string }): Promise<ProcessingFileRow[]> {
  return db.selectFrom('processing_files').selectAll().where('workspace_id', '=', p.workspaceId).where('task_id', '=', p.taskId).orderBy('position').execute();
}
