import type { Kysely } from 'kysely';
import type { AssetVersionRow, DB, DerivativeRow, UserRow } from '../../db/schema.js';
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
  favorited: boolean;
  tags: never[];
  libraries: never[];
  reviewRequests: never[];
}

const empty = (): AssetRelated => ({ versions: [], collaborators: [], favorited: false, tags: [], libraries: [], reviewRequests: [] });

/** Loads the related data of many assets of one workspace in a fixed number of queries (no N+1). */
export async function loadAssetRelations(
  db: Kysely<DB>,
  workspaceId: string,
  assetIds: readonly string[],
  _actorUserId: string,
): Promise<Map<string, AssetRelated>> {
  const out = new Map<string, AssetRelated>(assetIds.map((id) => [id, empty()]));
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
