import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.js';

export interface WorkspaceUsage {
  members: number;
  /** Bytes of every stored version of every asset, trash included, counted once per version. */
  storage: number;
  assets: number;
}

/** Usage counters of one workspace. TODO(#3): storage and assets once assets exist. */
export async function workspaceUsage(db: Kysely<DB>, workspaceId: string): Promise<WorkspaceUsage> {
  const members = await db
    .selectFrom('workspace_members')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('workspace_id', '=', workspaceId)
    .executeTakeFirstOrThrow();
  return { members: Number(members.n), storage: 0, assets: 0 };
}
