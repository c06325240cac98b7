import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.js';

/*
 * Where a shared asset lands in the target production: the folder of the target's device for the asset's type
 * (medialoopster: "copied to the target production's device for that asset type"). Until the devices table of the
 * surface is merged, the folder the asset had in its own production.
 */
export async function shareTargetFolder(_db: Kysely<DB>, p: { workspaceId: string; assetTypeId: string; fallback: string }): Promise<string> {
  return p.fallback;
}
