import type { Insertable, Kysely, Updateable } from 'kysely';
import type { DB, ImportLogRow } from '../../db/schema.js';
import type { ImportLogsTable } from '../../db/tables/project-assets.js';

/* ImportLogs (spec §2.3.7), always scoped by workspace or by the productions a caller can read. */

export function insertImportLog(db: Kysely<DB>, row: Insertable<ImportLogsTable>): Promise<ImportLogRow> {
  return db.insertInto('import_logs').values(row).returningAll().executeTakeFirstOrThrow();
}

export function findImportLog(db: Kysely<DB>, scope: { workspaceId: string; id: string }): Promise<ImportLogRow | undefined> {
  return db.selectFrom('import_logs').selectAll().where('workspace_id', '=', scope.workspaceId).where('id', '=', scope.id).executeTakeFirst();
}

/** One log by its integer id among the given workspaces. */
export function findImportLogBySequence(db: Kysely<DB>, scope: { workspaceIds: readonly string[]; sequence: number }): Promise<ImportLogRow | undefined> {
  if (scope.workspaceIds.length === 0) {
    return Promise.resolve(undefined);
  }
  return db.selectFrom('import_logs').selectAll().where('workspace_id', 'in', [...scope.workspaceIds]).where('sequence', '=', scope.sequence).executeTakeFirst();
}

export async function listImportLogs(db: Kysely<DB>, f: { workspaceIds: readonly string[]; limit: number; offset: number }): Promise<{ rows: ImportLogRow[]; total: number }> {
  if (f.workspaceIds.length === 0) {
    return { rows: [], total: 0 };
  }
  const q = db.selectFrom('import_logs').where('workspace_id', 'in', [...f.workspaceIds]);
  const total = await q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  const rows = await q.selectAll().orderBy('sequence').limit(f.limit).offset(f.offset).execute();
  return { rows, total: Number(total.n) };
}

export function updateImportLog(db: Kysely<DB>, scope: { workspaceId: string; id: string }, patch: Updateable<ImportLogsTable>): Promise<ImportLogRow | undefined> {
  return db.updateTable('import_logs').set(patch).where('workspace_id', '=', scope.workspaceId).where('id', '=', scope.id).returningAll().executeTakeFirst();
}
