import type { Kysely } from 'kysely';
import type { AssetRow, AssetVersionRow, DB } from '../../db/schema.js';

/** Ids per `in (...)` list: far below SQLite's and PostgreSQL's bound-parameter limits. */
const BATCH = 900;

function batches<T>(items: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += BATCH) {
    out.push(items.slice(i, i + BATCH));
  }
  return out;
}

/** The workspace's assets among `ids` (missing and foreign ids are left out), in batches. */
export async function findAssetsIn(db: Kysely<DB>, scope: { workspaceId: string; ids: readonly string[] }): Promise<AssetRow[]> {
  const out: AssetRow[] = [];
  for (const batch of batches([...new Set(scope.ids)])) {
    out.push(...(await db.selectFrom('assets').selectAll().where('workspace_id', '=', scope.workspaceId).where('id', 'in', batch).execute()));
  }
  return out;
}

/** The workspace's live (not soft-deleted) versions among `ids`, in batches. */
export async function findVersionsIn(db: Kysely<DB>, scope: { workspaceId: string; ids: readonly string[] }): Promise<AssetVersionRow[]> {
  const out: AssetVersionRow[] = [];
  for (const batch of batches([...new Set(scope.ids)])) {
    out.push(
      ...(await db
        .selectFrom('asset_versions')
        .selectAll()
        .where('workspace_id', '=', scope.workspaceId)
        .where('id', 'in', batch)
        .where('deleted_at', 'is', null)
        .execute()),
    );
  }
  return out;
}
