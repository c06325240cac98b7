import type { AssetRow, ProjectAssetLinkRow, ProjectAssetRow } from '../../db/schema.js';
import type { Ctx } from '../context.js';
import { listBundleFiles, type BundleFile } from './bundle-files.js';
import { findProjectFileAssets, listLinks } from './project-assets.repo.js';

/* What a surface needs to show project assets, loaded for a page of rows at once. */

export interface LinkedMedia {
  link: ProjectAssetLinkRow;
  asset: AssetRow;
}

export interface ProjectAssetView {
  row: ProjectAssetRow;
  /** The Atelier asset of the project file: its name and description are the project asset's. */
  asset: AssetRow;
  /** The production's id (the workspace's sequence). */
  production: number;
  links: LinkedMedia[];
  files: BundleFile[];
}

/** Views of `rows` (their project files, productions, live linked media and bundle files). */
export async function viewProjectAssets(ctx: Ctx, rows: readonly ProjectAssetRow[]): Promise<ProjectAssetView[]> {
  if (rows.length === 0) {
    return [];
  }
  const [assets, links, workspaces] = await Promise.all([
    findProjectFileAssets(ctx.db, rows),
    listLinks(ctx.db, { projectAssetIds: rows.map((r) => r.id) }),
    ctx.db
      .selectFrom('workspaces')
      .select(['id', 'sequence'])
      .where('account_id', '=', rows[0]?.account_id ?? '')
      .where('id', 'in', [...new Set(rows.map((r) => r.workspace_id))])
      .execute(),
  ]);
  const linkedAssets =
    links.length === 0
      ? []
      : await ctx.db
          .selectFrom('assets')
          .selectAll()
          .where('id', 'in', [...new Set(links.map((l) => l.asset_id))])
          .where('is_active', '=', 1)
          .execute();
  const assetById = new Map([...assets, ...linkedAssets].map((a) => [a.id, a]));
  const seqOf = new Map(workspaces.map((w) => [w.id, Number(w.sequence)]));
  const views: ProjectAssetView[] = [];
  for (const row of rows) {
    const asset = assetById.get(row.asset_id);
    if (!asset) {
      continue;
    }
    const own = links.filter((l) => l.project_asset_id === row.id && l.asset_workspace_id === assetById.get(l.asset_id)?.workspace_id);
    views.push({
      row,
      asset,
      production: seqOf.get(row.workspace_id) ?? 0,
      links: own.flatMap((link) => {
        const a = assetById.get(link.asset_id);
        return a ? [{ link, asset: a }] : [];
      }),
      files: await listBundleFiles(ctx.db, { workspaceId: row.workspace_id, bundleRoot: row.bundle_root }),
    });
  }
  return views;
}
