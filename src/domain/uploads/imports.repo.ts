import type { Kysely, Updateable } from 'kysely';
import type { DB, ImportRow, ImportsTable } from '../../db/schema.js';

type Db = Kysely<DB>;

/** Inserts an import. */
export async function insertImport(db: Db, row: Omit<ImportRow, 'sequence'>): Promise<ImportRow> {
  return db.insertInto('imports').values(row).returningAll().executeTakeFirstOrThrow();
}

/** The import of `id` in the workspace, or undefined. */
export async function findImport(db: Db, scope: { workspaceId: string; id: string }): Promise<ImportRow | undefined> {
  return db.selectFrom('imports').selectAll().where('workspace_id', '=', scope.workspaceId).where('id', '=', scope.id).executeTakeFirst();
}

/** Updates an import's progress or state. */
export async function updateImport(db: Db, scope: { workspaceId: string; id: string }, set: Updateable<ImportsTable>): Promise<void> {
  await db.updateTable('imports').set(set).where('workspace_id', '=', scope.workspaceId).where('id', '=', scope.id).execute();
}
