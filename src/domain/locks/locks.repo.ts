import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.js';

type Scope = { workspaceId: string; id: string };

/**
 * Takes the lock only if nobody holds it: a conditional UPDATE, so of concurrent attempts exactly one changes the
 * row (PostgreSQL re-checks the WHERE after the winner commits; SQLite has one writer). Returns rows changed (0 or 1).
 */
export async function lockIfFree(db: Kysely<DB>, scope: Scope & { userId: string; now: string }): Promise<number> {
  const r = await db
    .updateTable('assets')
    .set({ locked_by_user_id: scope.userId, locked_at: scope.now, updated_at: scope.now })
    .where('id', '=', scope.id)
    .where('workspace_id', '=', scope.workspaceId)
    .where('locked_by_user_id', 'is', null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows);
}

/** Clears the lock if `holderId` still holds it (the same compare-and-set as lockIfFree). Returns rows changed. */
export async function unlockIfHeldBy(db: Kysely<DB>, scope: Scope & { holderId: string; now: string }): Promise<number> {
  const r = await db
    .updateTable('assets')
    .set({ locked_by_user_id: null, locked_at: null, updated_at: scope.now })
    .where('id', '=', scope.id)
    .where('workspace_id', '=', scope.workspaceId)
    .where('locked_by_user_id', '=', scope.holderId)
    .executeTakeFirst();
  return Number(r.numUpdatedRows);
}
