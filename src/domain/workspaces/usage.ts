import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.js';

export interface WorkspaceUsage {
  members: number;
  /**
   * Bytes stored for the workspace, dedup-aware: the sum of the sizes of the DISTINCT blobs its versions reference,
   * trashed assets included (their bytes are kept until purge). Thumbnails and derivatives are not counted.
   */
  storage: number;
  /** Live assets (not in the trash). */
  assets: number;
}

/** Usage counters of one workspace (GET /workspaces, /workspaces/usage). */
export async function workspaceUsage(db: Kysely<DB>, workspaceId: string): Promise<WorkspaceUsage> {
  const [members, assets, storage] = await Promise.all([
    db
      .selectFrom('workspace_members')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('workspace_id', '=', workspaceId)
      .executeTakeFirstOrThrow(),
    db
      .selectFrom('assets')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('workspace_id', '=', workspaceId)
      .where('is_active', '=', 1)
      .executeTakeFirstOrThrow(),
    db
      .selectFrom((eb) =>
        eb
          .selectFrom('asset_versions')
          .select(['blob_key', 'size'])
          .distinct()
          .where('workspace_id', '=', workspaceId)
          .as('blobs'),
      )
      .select((eb) => eb.fn.sum<number | string | null>('blobs.size').as('bytes'))
      .executeTakeFirstOrThrow(),
  ]);
  return { members: Number(members.n), storage: Number(storage.bytes ?? 0), assets: Number(assets.n) };
}
