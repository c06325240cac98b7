import type { AssetStatusRow } from '../../../db/schema.js';
import type { AssetStatusJson } from './statuses.schemas.js';

/** Mudstack AssetStatus (Asset.assetStatus in seed 001); `rank` is the stored zero-padded string. */
export function presentAssetStatus(s: AssetStatusRow): AssetStatusJson {
  return { id: s.id, workspace_id: s.workspace_id, name: s.name, color: s.color, rank: s.rank, created_by_user_id: s.created_by_user_id };
}
