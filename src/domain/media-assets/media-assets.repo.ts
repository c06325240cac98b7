import { sql, type Kysely } from 'kysely';
import type { AssetRow, DB, MediaAssetFieldsRow } from '../../db/schema.js';

/** The media kinds of the medialoopster surface; an asset's kind is its catalogue type (sniffed from its bytes). */
export const MEDIA_KINDS = ['audio', 'image', 'video'] as const;
export type MediaKind = (typeof MEDIA_KINDS)[number];

/** A media asset's row with what its presenters need from its current version. */
export interface MediaAssetRecord {
  asset: AssetRow;
  contentType: string | null;
  metadata: string | null;
  size: number | null;
  versionId: string | null;
  lockedBy: string | null;
}

export interface MediaAssetFilter {
  /** A file path split into folder (`/a/b/`) and file name. */
  path?: { fileLocation: string; fileName: string } | undefined;
  workspaceId?: string | undefined;
  /** false: nothing matches (a filter no asset can meet). */
  matchable: boolean;
  /** true: only assets on an archive device of their production; false: only the others. */
  archived?: boolean | undefined;
}

function base(db: Kysely<DB>, scope: { accountId: string; workspaceIds: readonly string[]; kind: MediaKind }) {
  return db
    .selectFrom('assets as a')
    .innerJoin('workspaces as w', 'w.id', 'a.workspace_id')
    .where('w.account_id', '=', scope.accountId)
    .where('a.workspace_id', 'in', [...scope.workspaceIds])
    .where('a.asset_type_id', '=', scope.kind)
    .where('a.is_active', '=', 1);
}

async function records(db: Kysely<DB>, assets: AssetRow[]): Promise<MediaAssetRecord[]> {
  const versionIds = assets.flatMap((a) => (a.current_version_id ? [a.current_version_id] : []));
  const userIds = assets.flatMap((a) => (a.locked_by_user_id ? [a.locked_by_user_id] : []));
  const [versions, users] = await Promise.all([
    versionIds.length === 0
      ? []
      : db.selectFrom('asset_versions').select(['id', 'content_type', 'metadata', 'size']).where('id', 'in', versionIds).execute(),
    userIds.length === 0 ? [] : db.selectFrom('users').select(['id', 'username', 'email']).where('id', 'in', userIds).execute(),
  ]);
  const v = new Map(versions.map((x) => [x.id, x]));
  const u = new Map(users.map((x) => [x.id, x.username || x.email]));
  return assets.map((asset) => {
    const version = asset.current_version_id ? v.get(asset.current_version_id) : undefined;
    return {
      asset,
      contentType: version?.content_type ?? null,
      metadata: version?.metadata ?? null,
      size: version ? Number(version.size) : null,
      versionId: version?.id ?? null,
      lockedBy: asset.locked_by_user_id ? (u.get(asset.locked_by_user_id) ?? null) : null,
    };
  });
}

/** One page of the live media assets of one kind in the given workspaces (of one account), oldest first. */
export async function pageMediaAssets(
  db: Kysely<DB>,
  scope: { accountId: string; workspaceIds: readonly string[]; kind: MediaKind },
  q: MediaAssetFilter & { limit: number; offset: number },
): Promise<{ rows: MediaAssetRecord[]; total: number }> {
  if (scope.workspaceIds.length === 0 || !q.matchable) {
    return { rows: [], total: 0 };
  }
  let query = base(db, scope);
  if (q.workspaceId !== undefined) {
    query = query.where('a.workspace_id', '=', q.workspaceId);
  }
  if (q.path) {
    query = query.where('a.file_location', '=', q.path.fileLocation).where('a.file_name', '=', q.path.fileName);
  }
  if (q.archived !== undefined) {
    // On an archive device: its folder starts with the path of an is_archive device of the asset's workspace.
    // Raw SQL for the prefix test (no LIKE, whose % and _ a path may hold): substr/length are the same in both dialects.
    const archived = q.archived;
    query = query.where((eb) => {
      const onArchive = eb.exists(
        eb
          .selectFrom('devices as d')
          .select('d.id')
          .whereRef('d.workspace_id', '=', 'a.workspace_id')
          .where('d.is_archive', '=', 1)
          .where(sql<boolean>`substr(a.file_location, 1, length(d.path)) = d.path`),
      );
      return archived ? onArchive : eb.not(onArchive);
    });
  }
  const [assets, count] = await Promise.all([
    query.selectAll('a').orderBy('a.sequence').limit(q.limit).offset(q.offset).execute(),
    query.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { rows: await records(db, assets), total: Number(count.n) };
}

/** A live media asset of the kind by integer id in the given workspaces, or undefined. */
export async function findMediaAsset(
  db: Kysely<DB>,
  scope: { accountId: string; workspaceIds: readonly string[]; kind: MediaKind },
  sequence: number,
): Promise<MediaAssetRecord | undefined> {
  if (scope.workspaceIds.length === 0) {
    return undefined;
  }
  const asset = await base(db, scope).selectAll('a').where('a.sequence', '=', sequence).executeTakeFirst();
  return asset ? (await records(db, [asset]))[0] : undefined;
}

/** The medialoopster fields of these assets of one workspace. */
export async function findMediaFields(db: Kysely<DB>, assetIds: readonly string[]): Promise<Map<string, MediaAssetFieldsRow>> {
  if (assetIds.length === 0) {
    return new Map();
  }
  const rows = await db.selectFrom('media_asset_fields').selectAll().where('asset_id', 'in', [...assetIds]).execute();
  return new Map(rows.map((r) => [r.asset_id, r]));
}

/** The state of each derivative kind of these versions. */
export async function derivativeStates(db: Kysely<DB>, versionIds: readonly string[]): Promise<Map<string, Map<string, string>>> {
  const out = new Map<string, Map<string, string>>();
  if (versionIds.length === 0) {
    return out;
  }
  const rows = await db.selectFrom('derivatives').select(['version_id', 'kind', 'state']).where('version_id', 'in', [...versionIds]).execute();
  for (const r of rows) {
    const m = out.get(r.version_id) ?? new Map<string, string>();
    m.set(r.kind, r.state);
    out.set(r.version_id, m);
  }
  return out;
}

/** Inserts or updates the medialoopster fields of one asset. */
export async function saveMediaFields(
  db: Kysely<DB>,
  scope: { workspaceId: string; assetId: string },
  set: { status_approval?: number; date_del?: string | null; meta_field_store?: string },
  ids: { id: string; now: string },
): Promise<void> {
  const existing = await db.selectFrom('media_asset_fields').select('id').where('asset_id', '=', scope.assetId).where('workspace_id', '=', scope.workspaceId).executeTakeFirst();
  if (existing) {
    await db.updateTable('media_asset_fields').set({ ...set, updated_at: ids.now }).where('id', '=', existing.id).execute();
    return;
  }
  await db
    .insertInto('media_asset_fields')
    .values({ ...set, id: ids.id, workspace_id: scope.workspaceId, asset_id: scope.assetId, created_at: ids.now, updated_at: ids.now })
    .execute();
}

/**
 * Live, unlocked assets whose scheduled deletion (`date_del`) is at or before `now`, across every workspace (the
 * `assets.delete_scheduled` sweep), oldest date first. Each row carries its tenant, which the sweep acts within.
 */
export function dueScheduledDeletions(db: Kysely<DB>, now: string, limit: number): Promise<Array<{ assetId: string; workspaceId: string; accountId: string }>> {
  return db
    .selectFrom('media_asset_fields as f')
    .innerJoin('assets as a', (j) => j.onRef('a.id', '=', 'f.asset_id').onRef('a.workspace_id', '=', 'f.workspace_id'))
    .innerJoin('workspaces as w', 'w.id', 'a.workspace_id')
    .select(['a.id as assetId', 'a.workspace_id as workspaceId', 'w.account_id as accountId'])
    .where('f.date_del', 'is not', null)
    .where('f.date_del', '<=', now)
    .where('a.is_active', '=', 1)
    .where('a.locked_by_user_id', 'is', null)
    .orderBy('f.date_del')
    .orderBy('a.sequence')
    .limit(limit)
    .execute();
}
