import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.js';
import { newId } from '../../lib/ids.js';

/* The `task_assets` link table (task-assets.service.ts); also used by core task creation and update. */

type Scope = { workspaceId: string; taskId: string };

/** Inserts the links that are missing (in the caller's transaction); returns the asset ids newly linked. */
export async function insertTaskAssetLinks(db: Kysely<DB>, scope: Scope & { assetIds: readonly string[]; userId: string | null; now: string }): Promise<string[]> {
  const wanted = [...new Set(scope.assetIds)];
  if (wanted.length === 0) {
    return [];
  }
  const existing = new Set(
    (await db.selectFrom('task_assets').select('asset_id').where('workspace_id', '=', scope.workspaceId).where('task_id', '=', scope.taskId).where('asset_id', 'in', wanted).execute()).map(
      (r) => r.asset_id,
    ),
  );
  const added = wanted.filter((a) => !existing.has(a));
  if (added.length > 0) {
    await db
      .insertInto('task_assets')
      .values(added.map((assetId) => ({ id: newId(), workspace_id: scope.workspaceId, task_id: scope.taskId, asset_id: assetId, added_by_user_id: scope.userId, created_at: scope.now })))
      .execute();
  }
  return added;
}

