import type { Kysely } from 'kysely';
import type { AssetStatusRow, AssetVersionRow, DB, DerivativeRow, LibraryRow, TagRow, UserRow } from '../../db/schema.js';
import { listLibrariesOfAssets } from '../libraries/libraries.repo.js';
import { loadReviewRequestsOfAssets, type ReviewRequestView } from '../reviews/review-views.js';
import { listStatusesOfAssets } from '../statuses/statuses.repo.js';
import { markedAssetIds } from '../subscriptions/asset-marks.repo.js';
import { listTagsOfAssets } from '../tags/tags.repo.js';
import { findUsersByIds } from '../users/users.repo.js';
import { listDerivativesOfVersions } from '../versions/derivatives.js';
import { listVersionsOfAssets } from '../versions/versions.repo.js';

/** A version with what every surface shows next to it. */
export interface VersionView {
  version: AssetVersionRow;
  user: UserRow | undefined;
  derivatives: DerivativeRow[];
}

/**
 * Everything shown next to an asset. Later features add a field and fill it in loadAssetRelations with one query
 * for all assets (tags, libraries, favourites, review requests, status), never one query per asset.
 */
export interface AssetRelated {
  /** Newest first. */
  versions: VersionView[];
  /** Distinct creators of the asset's versions, in order of first contribution. */
  collaborators: UserRow[];
  /** Whether the calling user has favourited the asset. */
  favorited: boolean;
  /** In the order they were attached. */
  tags: TagRow[];
  /** In the order the asset was added to them. */
  libraries: LibraryRow[];
  /** Every review request (open, completed, cancelled), oldest first. */
  reviewRequests: ReviewRequestView[];
  assetStatus: AssetStatusRow | null;
}

/** The related data of an asset that has none (also the fallback when presenting). */
export const emptyAssetRelated = (): AssetRelated => ({
  versions: [],
  collaborators: [],
  favorited: false,
  tags: [],
  libraries: [],
  reviewRequests: [],
  assetStatus: null,
});

/** Loads the related data of many assets of one workspace in a fixed number of queries (no N+1). */
export async function loadAssetRelations(
  db: Kysely<DB>,
  workspaceId: string,
  assetIds: readonly string[],
  actorUserId: string,
): Promise<Map<string, AssetRelated>> {
  const out = new Map<string, AssetRelated>(assetIds.map((id) => [id, emptyAssetRelated()]));
  await loadOrganisation(db, { workspaceId, assetIds, actorUserId }, out);
  for (const [assetId, requests] of await loadReviewRequestsOfAssets(db, { workspaceId, assetIds })) {
    const related = out.get(assetId);
    if (related) {
      related.reviewRequests = requests;
    }
  }
  const versions = await listVersionsOfAssets(db, { workspaceId, assetIds });
  const [derivatives, users] = await Promise.all([
    listDerivativesOfVersions(db, { workspaceId, versionIds: versions.map((v) => v.id) }),
    findUsersByIds(db, versions.flatMap((v) => (v.created_by_user_id ? [v.created_by_user_id] : []))),
  ]);
  const byVersion = new Map<string, DerivativeRow[]>();
  for (const d of derivatives) {
    byVersion.set(d.version_id, [...(byVersion.get(d.version_id) ?? []), d]);
  }
  for (const v of versions) {
    const related = out.get(v.asset_id);
    if (!related) {
      continue;
    }
    related.versions.push({
      version: v,
      user: v.created_by_user_id ? users.get(v.created_by_user_id) : undefined,
      derivatives: byVersion.get(v.id) ?? [],
    });
  }
  for (const related of out.values()) {
    const seen = new Set<string>();
    // Oldest first, so the original author leads the list.
    for (const view of [...related.versions].reverse()) {
      if (view.user && !seen.has(view.user.id)) {
        seen.add(view.user.id);
        related.collaborators.push(view.user);
      }
    }
  }
  return out;
}

/** Tags, libraries, the caller's favourite flag and the status: one query each for all assets. */
async function loadOrganisation(
  db: Kysely<DB>,
  scope: { workspaceId: string; assetIds: readonly string[]; actorUserId: string },
  out: Map<string, AssetRelated>,
): Promise<void> {
  const [tags, libraries, favorites, statuses] = await Promise.all([
    listTagsOfAssets(db, scope),
    listLibrariesOfAssets(db, scope),
    markedAssetIds(db, 'favorites', { workspaceId: scope.workspaceId, userId: scope.actorUserId, assetIds: scope.assetIds }),
    listStatusesOfAssets(db, scope),
  ]);
  for (const { assetId, tag } of tags) {
    out.get(assetId)?.tags.push(tag);
  }
  for (const { assetId, library } of libraries) {
    out.get(assetId)?.libraries.push(library);
  }
  for (const [assetId, related] of out) {
    related.favorited = favorites.has(assetId);
  }
  for (const { assetId, status } of statuses) {
    const related = out.get(assetId);
    if (related) {
      related.assetStatus = status;
    }
  }
}
