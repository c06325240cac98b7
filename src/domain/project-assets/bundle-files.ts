import { sql, type Kysely } from 'kysely';
import type { DB } from '../../db/schema.js';

/*
 * A bundle's files: the workspace's live assets whose folder is the bundle root or lies below it, each with its
 * current version. A medialoopster path is an Atelier folder path plus a file name (`/a/b/` + `f.prproj`), so the
 * bundle root `/a/b/` is the folder `/a/b/` of the production's workspace (docs/medialoopster-bundles.md).
 */

export interface BundleFile {
  assetId: string;
  /** Path below the bundle root, `sub/dir/file.ext`. */
  relativePath: string;
  versionId: string;
  blobKey: string;
  size: number;
  checksum: string;
  contentType: string;
  updatedAt: string;
}

/** Every file of the bundle rooted at `bundleRoot` in the workspace, by relative path. */
export async function listBundleFiles(db: Kysely<DB>, scope: { workspaceId: string; bundleRoot: string }): Promise<BundleFile[]> {
  const root = scope.bundleRoot;
  const rows = await db
    .selectFrom('assets as a')
    .innerJoin('asset_versions as v', (j) => j.onRef('v.id', '=', 'a.current_version_id').onRef('v.workspace_id', '=', 'a.workspace_id'))
    .select(['a.id', 'a.file_location', 'a.file_name', 'a.updated_at', 'v.id as version_id', 'v.blob_key', 'v.size', 'v.checksum', 'v.content_type'])
    .where('a.workspace_id', '=', scope.workspaceId)
    .where('a.is_active', '=', 1)
    // A prefix test without LIKE, whose % and _ a folder name may contain: substr is the same in both dialects.
    .where(sql<string>`substr(a.file_location, 1, ${[...root].length})`, '=', root)
    .orderBy('a.file_location')
    .orderBy('a.file_name')
    .execute();
  return rows.map((r) => ({
    assetId: r.id,
    relativePath: `${r.file_location.slice(root.length)}${r.file_name}`,
    versionId: r.version_id,
    blobKey: r.blob_key,
    size: Number(r.size),
    checksum: r.checksum,
    contentType: r.content_type,
    updatedAt: r.updated_at,
  }));
}

/** The folder and file name of a path below a bundle root (`sub/x.wav` under `/b/` is `/b/sub/` + `x.wav`). */
export function splitBundlePath(bundleRoot: string, relativePath: string): { fileLocation: string; fileName: string } {
  const cut = relativePath.lastIndexOf('/');
  return cut < 0
    ? { fileLocation: bundleRoot, fileName: relativePath }
    : { fileLocation: `${bundleRoot}${relativePath.slice(0, cut + 1)}`, fileName: relativePath.slice(cut + 1) };
}
