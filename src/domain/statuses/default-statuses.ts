import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.js';
import { isoNow, type Clock } from '../../lib/clock.js';
import { newId } from '../../lib/ids.js';
import { nameKey } from '../tags/tags.rules.js';
import { DEFAULT_STATUSES, formatRank, RANK_STEP } from './statuses.rules.js';

/** Inserts the default statuses of a new workspace (called where workspaces are created, in that transaction). */
export async function insertDefaultStatuses(
  deps: { db: Kysely<DB>; clock: Clock },
  input: { workspaceId: string; createdByUserId: string | null },
): Promise<void> {
  const now = isoNow(deps.clock);
  await deps.db
    .insertInto('asset_statuses')
    .values(
      DEFAULT_STATUSES.map((s, i) => ({
        id: newId(),
        workspace_id: input.workspaceId,
        name: s.name,
        name_key: nameKey(s.name),
        color: s.color,
        rank: formatRank((i + 1) * RANK_STEP),
        created_by_user_id: input.createdByUserId,
        created_at: now,
        updated_at: now,
      })),
    )
    .execute();
}

