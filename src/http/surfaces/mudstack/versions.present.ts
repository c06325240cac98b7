import type { VersionView } from '../../../domain/assets/asset-relations.js';
import { thumbnailOf } from '../../../domain/versions/versions.service.js';
import { presentUser } from './users.present.js';
import type { VersionJson } from './versions.schemas.js';

function parseMetadata(text: string): Record<string, unknown> {
  try {
    const v: unknown = JSON.parse(text);
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** Mudstack Version (§7) plus Atelier's content_type, metadata, derivatives, created_at and deleted_at. */
export function presentVersion(view: VersionView): VersionJson {
  const v = view.version;
  return {
    id: v.id,
    asset_id: v.asset_id,
    commit_parent_id: v.commit_parent_id,
    created_by_user_id: v.created_by_user_id,
    thumbnail_file_id: thumbnailOf(view)?.key ?? null,
    name: v.name,
    description: v.description,
    key: v.blob_key,
    size: v.size,
    version_number: v.version_number,
    sequence: v.sequence,
    checksum: v.checksum,
    user: view.user ? presentUser(view.user) : null,
    content_type: v.content_type,
    original_file_name: v.original_file_name,
    metadata: parseMetadata(v.metadata),
    derivatives: view.derivatives.map((d) => ({
      kind: d.kind,
      state: d.state,
      error: d.error,
      content_type: d.content_type,
      width: d.width,
      height: d.height,
      size: d.size,
    })),
    created_at: v.created_at,
    deleted_at: v.deleted_at,
  };
}
