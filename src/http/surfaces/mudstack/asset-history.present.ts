import type { AssetHistoryPage } from '../../../domain/history/asset-history.service.js';
import { presentAsset } from './assets.present.js';
import type { AssetHistoryJson } from './asset-history.schemas.js';
import { presentUser } from './users.present.js';
import { historyData } from './workspaces.present.js';

/** Mudstack AssetHistory records of one page; the asset is presented once and shared by every record. */
export function presentAssetHistory(page: AssetHistoryPage): AssetHistoryJson[] {
  const asset = page.asset ? presentAsset(page.asset) : null;
  return page.items.map((e) => {
    const user = e.user_id ? page.users.get(e.user_id) : undefined;
    return {
      id: e.id,
      workspace_id: e.workspace_id ?? '',
      asset_id: e.asset_id ?? '',
      user_id: e.user_id,
      type: e.type,
      record_id: e.record_id,
      data: historyData(e.data),
      created_at: e.created_at,
      user: user ? presentUser(user) : null,
      asset,
    };
  });
}
