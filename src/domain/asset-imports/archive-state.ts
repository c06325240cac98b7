import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.js';

/*
 * Whether a media asset is archived and whether it is in production (medialoopster `is_archive`, `is_production`),
 * read from where its bytes are: an asset whose folder lies on an archive device of its production (a device with
 * `is_archive`) is archived and not in production; any other live asset is in production and not archived. An
 * archive or restore moves the asset in one transaction when its job has verified the bytes, so the two flags
 * change together and never claim a state the bytes are not in (spec §2.3.7; docs/medialoopster-bundles.md).
 */

export interface ArchiveFlags {
  isArchive: boolean;
  isProduction: boolean;
}

/** The flags of each asset, by asset id. */
export async function archiveFlagsOf(
  db: Kysely<DB>,
  assets: ReadonlyArray<{ id: string; workspace_id: string; file_location: string; is_active: number }>,
): Promise<Map<string, ArchiveFlags>> {
  const wsIds = [...new Set(assets.map((a) => a.workspace_id))];
  const archives =
    wsIds.length === 0 ? [] : await db.selectFrom('devices').select(['workspace_id', 'path']).where('workspace_id', 'in', wsIds).where('is_archive', '=', 1).execute();
  const out = new Map<string, ArchiveFlags>();
  for (const a of assets) {
    const archived = archives.some((d) => d.workspace_id === a.workspace_id && a.file_location.startsWith(d.path));
    out.set(a.id, { isArchive: archived, isProduction: !archived && a.is_active === 1 });
  }
  return out;
}
