import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.js';
import type { VersionView } from '../assets/asset-relations.js';
import { findUsersByIds } from '../users/users.repo.js';
import { listDerivativesOfVersions } from '../versions/derivatives.js';

/**
 * Versions of the workspace by id, with their creators and derivatives, in three queries: what reviews and review
 * requests nest as `version`. Soft-deleted versions are included: a review of one still shows what it reviewed.
 */
export async function loadVersionViews(db: Kysely<DB>, scope: { workspaceId: string; ids: readonly string[] }): Promise<Map<string, VersionView>> {
  const ids = [...new Set(scope.ids)];
  if (ids.length === 0) {
    return new Map();
  }
  const versions = await db.selectFrom('asset_versions').selectAll().where('workspace_id', '=', scope.workspaceId).where('id', 'in', ids).execute();
  const [derivatives, users] = await Promise.all([
    listDerivativesOfVersions(db, { workspaceId: scope.workspaceId, versionIds: versions.map((v) => v.id) }),
    findUsersByIds(db, versions.flatMap((v) => (v.created_by_user_id ? [v.created_by_user_id] : []))),
  ]);
  return new Map(
    versions.map((version) => [
      version.id,
      {
        version,
        user: version.created_by_user_id ? users.get(version.created_by_user_id) : undefined,
        derivatives: derivatives.filter((d) => d.version_id === version.id),
      },
    ]),
  );
}
