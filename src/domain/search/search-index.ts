import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.js';
import type { Deps } from '../context.js';
import { isoNow } from '../../lib/clock.js';
import { searchDocumentTokens } from './search-document.js';
import type { SearchDocument } from '../../db/dialects/dialect.js';

/*
 * The search index is written in the same transaction as the change it reflects: every service that changes an
 * asset's name, file name, description, tags or current version's metadata calls reindexAsset(s) (service calls,
 * not database triggers, because the tokens are computed in TypeScript). Trash state, status, folder, lock and the
 * like are not in the index: search filters read them from `assets` directly, so they are never stale.
 */

type IndexCtx = Pick<Deps, 'db' | 'dialect' | 'clock'>;

/** The search documents of assets of one workspace, read in three queries. */
export async function loadSearchDocuments(
  db: Kysely<DB>,
  scope: { workspaceId: string; assetIds: readonly string[] },
  updatedAt: string,
): Promise<SearchDocument[]> {
  if (scope.assetIds.length === 0) {
    return [];
  }
  const ids = [...new Set(scope.assetIds)];
  const [assets, tags] = await Promise.all([
    db
      .selectFrom('assets')
      .leftJoin('asset_versions', (j) => j.onRef('asset_versions.id', '=', 'assets.current_version_id'))
      // Custom metadata values (medialoopster's meta_field_store) are searchable text too.
      .leftJoin('media_asset_fields', 'media_asset_fields.asset_id', 'assets.id')
      .select(['assets.id', 'assets.sequence', 'assets.name', 'assets.file_name', 'assets.description', 'asset_versions.metadata', 'media_asset_fields.meta_field_store'])
      .where('assets.workspace_id', '=', scope.workspaceId)
      .where('assets.id', 'in', ids)
      .execute(),
    db
      .selectFrom('asset_tags')
      .innerJoin('tags', 'tags.id', 'asset_tags.tag_id')
      .select(['asset_tags.asset_id', 'tags.name'])
      .where('asset_tags.workspace_id', '=', scope.workspaceId)
      .where('asset_tags.asset_id', 'in', ids)
      .orderBy('asset_tags.sequence')
      .execute(),
  ]);
  const tagNames = new Map<string, string[]>();
  for (const t of tags) {
    tagNames.set(t.asset_id, [...(tagNames.get(t.asset_id) ?? []), t.name]);
  }
  return assets.map((a) => ({
    assetId: a.id,
    sequence: a.sequence,
    workspaceId: scope.workspaceId,
    ...searchDocumentTokens({
      name: a.name,
      fileName: a.file_name,
      description: a.description,
      tagNames: [...(tagNames.get(a.id) ?? []), ...customValues(a.meta_field_store)],
      metadata: a.metadata,
    }),
    updatedAt,
  }));
}

/** The text values of a `meta_field_store` JSON object. */
function customValues(json: string | null): string[] {
  if (!json || json === '{}') {
    return [];
  }
  try {
    const v: unknown = JSON.parse(json);
    return v && typeof v === 'object' ? Object.values(v).filter((x): x is string => typeof x === 'string') : [];
  } catch {
    return [];
  }
}

/** Rewrites the search rows of assets (call inside the transaction that changed them). Unknown ids are skipped. */
export async function reindexAssets(ctx: IndexCtx, scope: { workspaceId: string; assetIds: readonly string[] }): Promise<void> {
  for (let i = 0; i < scope.assetIds.length; i += 500) {
    const docs = await loadSearchDocuments(ctx.db, { workspaceId: scope.workspaceId, assetIds: scope.assetIds.slice(i, i + 500) }, isoNow(ctx.clock));
    await ctx.dialect.writeSearchDocuments(ctx.db, docs);
  }
}

/** Rewrites one asset's search row (call inside the transaction that changed it). */
export function reindexAsset(ctx: IndexCtx, scope: { workspaceId: string; assetId: string }): Promise<void> {
  return reindexAssets(ctx, { workspaceId: scope.workspaceId, assetIds: [scope.assetId] });
}

/** Reindexes the assets of a tag (after it is renamed or deleted); ids must be read before a delete. */
export async function assetIdsOfTag(db: Kysely<DB>, scope: { workspaceId: string; tagId: string }): Promise<string[]> {
  const rows = await db.selectFrom('asset_tags').select('asset_id').where('workspace_id', '=', scope.workspaceId).where('tag_id', '=', scope.tagId).execute();
  return rows.map((r) => r.asset_id);
}
