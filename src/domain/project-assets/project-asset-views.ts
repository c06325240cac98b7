import type { AssetRow, ProjectAssetLinkRow, ProjectAssetRow } from '../../db/schema.js';
import type { Ctx } from '../context.js';
import { listBundleFiles, type BundleFile } from './bundle-files.js';
import { deviceSequences } from './devices-link.js';
import { findReadableMediaAsset, type MediaAssetView } from '../media-assets/media-assets.service.js';
import { isMediaKind } from './media-kinds.js';
import { findProjectFileAssets, listLinks } from './project-assets.repo.js';

/* What a surface needs to show project assets, loaded for a page of rows at once. */

export interface LinkedMedia {
  link: ProjectAssetLinkRow;
  asset: AssetRow;
  /** The media asset as the media-asset routes show it. */
  media: MediaAssetView;
}

export interface ProjectAssetView {
  row: ProjectAssetRow;
  /** The Atelier asset of the project file: its name and description are the project asset's. */
  asset: AssetRow;
  /** The production's id (the workspace's sequence). */
  production: number;
  /** Production ids of the workspaces of the linked media. */
  productionOf: ReadonlyMap<string, number>;
  links: LinkedMedia[];
  files: BundleFile[];
  /** The integer id of the user holding the project file's lock; null when unlocked. */
  lockedBy: number | null;
  /** The integer id of the device the bundle root lies on; null when none. */
  device: number | null;
}

/** Views of `rows` (their project files, productions, live linked media and bundle files). */
export async function viewProjectAssets(ctx: Ctx, rows: readonly ProjectAssetRow[]): Promise<ProjectAssetView[]> {
  if (rows.length === 0) {
    return [];
  }
  const [assets, links] = await Promise.all([findProjectFileAssets(ctx.db, rows), listLinks(ctx.db, { projectAssetIds: rows.map((r) => r.id) })]);
  const workspaces = await ctx.db
    .selectFrom('workspaces')
    .select(['id', 'sequence'])
    .where('account_id', '=', rows[0]?.account_id ?? '')
    .where('id', 'in', [...new Set([...rows.map((r) => r.workspace_id), ...links.map((l) => l.asset_workspace_id)])])
    .execute();
  const linkedAssets =
    links.length === 0
      ? []
      : await ctx.db
          .selectFrom('assets')
          .selectAll()
          .where('id', 'in', [...new Set(links.map((l) => l.asset_id))])
          .where('is_active', '=', 1)
          .execute();
  const lockers = [...new Set(assets.flatMap((a) => (a.locked_by_user_id ? [a.locked_by_user_id] : [])))];
  const users = lockers.length === 0 ? [] : await ctx.db.selectFrom('users').select(['id', 'sequence']).where('id', 'in', lockers).execute();
  const userSeq = new Map(users.map((u) => [u.id, Number(u.sequence)]));
  const devices = await deviceSequences(ctx.db, rows.flatMap((r) => (r.device_id ? [r.device_id] : [])));
  // Each linked media asset as its own route shows it; one the caller cannot read is left out.
  const mediaById = new Map<string, MediaAssetView>();
  for (const a of linkedAssets) {
    const kind = a.asset_type_id;
    const media = isMediaKind(kind) ? await findReadableMediaAsset(ctx, kind, Number(a.sequence)) : undefined;
    if (media) {
      mediaById.set(a.id, media);
    }
  }
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
      productionOf: seqOf,
      links: own.flatMap((link) => {
        const a = assetById.get(link.asset_id);
        const media = mediaById.get(link.asset_id);
        return a && media ? [{ link, asset: a, media }] : [];
      }),
      files: await listBundleFiles(ctx.db, { workspaceId: row.workspace_id, bundleRoot: row.bundle_root }),
      lockedBy: asset.locked_by_user_id ? (userSeq.get(asset.locked_by_user_id) ?? null) : null,
      device: row.device_id ? (devices.get(row.device_id) ?? null) : null,
    });
  }
  return views;
}
