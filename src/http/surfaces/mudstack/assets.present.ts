import { assetTypeById, type AssetType } from '../../../domain/assets/asset-types.js';
import type { AssetView } from '../../../domain/assets/assets.service.js';
import type { AssetJson } from './assets.schemas.js';
import { presentLibrary } from './libraries.present.js';
import { presentReviewRequest } from './review-requests.present.js';
import { presentAssetStatus } from './statuses.present.js';
import { presentTag } from './tags.present.js';
import { presentUser } from './users.present.js';
import { presentVersion } from './versions.present.js';

export function presentAssetType(t: AssetType): AssetJson['assetType'] {
  return { id: t.id, name: t.name, displayType: t.displayType, color: t.color, generic: t.generic, knownExtensions: [...t.knownExtensions] };
}

/**
 * The full Mudstack Asset (seed 001), seed 000's `status`, plus Atelier's description, deleted_at, created_at and updated_at.
 * Related lists come from loadAssetRelations (domain/assets/asset-relations.ts): a new feature fills its list there.
 */
export function presentAsset(view: AssetView): AssetJson {
  const a = view.asset;
  const versions = view.related.versions.map(presentVersion);
  const current = versions.find((v) => v.id === a.current_version_id) ?? null;
  return {
    id: a.id,
    workspace_id: a.workspace_id,
    name: a.name,
    asset_type_id: a.asset_type_id,
    status_id: a.status_id,
    isActive: a.is_active === 1,
    created_by_user_id: a.created_by_user_id,
    locked_by_user_id: a.locked_by_user_id,
    locked_at: a.locked_at,
    file_name: a.file_name,
    file_location: a.file_location,
    current_version_id: a.current_version_id,
    sequence: a.sequence,
    currentVersion: current,
    version: current,
    versions,
    collaborators: view.related.collaborators.map(presentUser),
    favorited: view.related.favorited,
    tags: view.related.tags.map(presentTag),
    libraries: view.related.libraries.map(presentLibrary),
    reviewRequests: view.related.reviewRequests.map(presentReviewRequest),
    assetType: presentAssetType(assetTypeById(a.asset_type_id)),
    assetStatus: view.related.assetStatus ? presentAssetStatus(view.related.assetStatus) : null,
    // Seed 000 reads `asset.status` as a string; the workspace status the asset is in is the only thing it can be.
    status: view.related.assetStatus?.name ?? null,
    description: a.description,
    deleted_at: a.deleted_at,
    created_at: a.created_at,
    updated_at: a.updated_at,
  };
}
