import type { Static } from '@sinclair/typebox';
import type { ProjectAssetView } from '../../../domain/project-assets/project-asset-views.js';
import { presentMediaAsset } from './media-assets.present.js';
import { isoMicros } from './conventions.js';
import type { ProjectAsset } from './project-assets.schemas.js';

/* Project assets as seed 003 shows them (field order of its create example). */

const iso = (v: string): string => isoMicros(v) ?? v;

function parseStore(text: string): Record<string, unknown> {
  try {
    const v = JSON.parse(text) as unknown;
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** One project asset; `base` is `scheme://host` of the request (the embedded media assets' URLs). */
export function presentProjectAsset(v: ProjectAssetView, base: string): Static<typeof ProjectAsset> {
  const of = (kind: string) => v.links.filter((l) => l.link.media_type === kind).map((l) => presentMediaAsset(l.media, base));
  const r = v.row;
  const dateMod = r.updated_at > v.asset.updated_at ? r.updated_at : v.asset.updated_at;
  return {
    id: Number(r.sequence),
    audio_assets: of('audio') as Static<typeof ProjectAsset>['audio_assets'],
    image_assets: of('image') as Static<typeof ProjectAsset>['image_assets'],
    video_assets: of('video') as Static<typeof ProjectAsset>['video_assets'],
    name: v.asset.name,
    description: v.asset.description,
    date_crt: isoMicros(r.date_crt),
    date_add: iso(r.created_at),
    date_mod: iso(dateMod),
    date_del: isoMicros(r.date_del),
    meta_field_store: parseStore(r.meta_field_store),
    status_asset: r.status_asset,
    status_asset_description: r.status_asset_description,
    status_editing: r.status_editing,
    status_approval: r.status_approval,
    path_file: r.path_file,
    bundle_root: r.bundle_root,
    type: r.nle_type,
    is_archive: r.is_archive === 1,
    is_production: r.is_production === 1,
    files: Object.fromEntries(v.files.map((f) => [f.relativePath, { size: f.size, checksum: f.checksum, date_mod: iso(f.updatedAt) }])),
    name_editor: r.name_editor,
    name_studio: r.name_studio,
    locked_by: v.lockedBy,
    production: v.production,
    device: v.device,
  };
}
