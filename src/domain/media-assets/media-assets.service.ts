import type { DeviceRow, MediaAssetFieldsRow, ProductionSettingsRow, WorkspaceRow } from '../../db/schema.js';
import { isoNow } from '../../lib/clock.js';
import { newId } from '../../lib/ids.js';
import type { WorkspaceRole } from '../access.js';
import { requirePermission } from '../access.js';
import { updateAsset } from '../assets/assets.service.js';
import { inTransaction, scopedAccountId, type Ctx } from '../context.js';
import { errors } from '../errors.js';
import { recordHistory } from '../history/history.service.js';
import { matchDevice } from '../productions/devices.rules.js';
import { inProduction, readableProductions } from '../productions/production-access.js';
import { devicesOf, findProductions, findProductionSettings } from '../productions/productions.repo.js';
import { reindexAsset } from '../search/search-index.js';
import { trashAsset } from '../trash/trash.service.js';
import { assertMetaFieldStore } from './custom-metadata.service.js';
import { archiveFlagsOf, type ArchiveFlags } from '../asset-imports/archive-state.js';
import { linkingProjectAssets } from '../project-assets/project-assets.repo.js';
import { sharedWithProductions } from '../sharing/sharing.service.js';
import { derivativeStates, findMediaAsset, findMediaFields, pageMediaAssets, saveMediaFields, type MediaAssetFilter, type MediaAssetRecord, type MediaKind } from './media-assets.repo.js';
import { requireWritable } from '../assets/writable.js';

/** A media asset with everything the medialoopster presenters show (docs/medialoopster.md, "Media assets"). */
export interface MediaAssetView extends MediaAssetRecord {
  kind: MediaKind;
  role: WorkspaceRole;
  production: WorkspaceRow;
  settings: ProductionSettingsRow | undefined;
  device: DeviceRow | undefined;
  fields: MediaAssetFieldsRow | undefined;
  /** Derivative kind → state (`pending`, `ready`, `failed`) of the current version. */
  derivatives: Map<string, string>;
  /** Integer ids of the project assets that link it. */
  projects: number[];
  /** Integer ids of the productions it is shared with (AVAILABLE there). */
  sharedWith: number[];
  /** is_archive / is_production, from where its bytes are (asset-imports/archive-state.ts). */
  archive: ArchiveFlags;
}

async function views(ctx: Ctx, kind: MediaKind, rows: readonly MediaAssetRecord[], roles: Map<string, WorkspaceRole>): Promise<MediaAssetView[]> {
  const wsIds = [...new Set(rows.map((r) => r.asset.workspace_id))];
  const assetIds = rows.map((r) => r.asset.id);
  const [productions, devices, fields, states, archive, projects, shared] = await Promise.all([
    findProductions(ctx.db, { accountId: scopedAccountId(ctx), ids: wsIds }),
    devicesOf(ctx.db, wsIds),
    findMediaFields(ctx.db, assetIds),
    derivativeStates(ctx.db, rows.flatMap((r) => (r.versionId ? [r.versionId] : []))),
    archiveFlagsOf(ctx.db, rows.map((r) => r.asset)),
    linkingProjectAssets(ctx.db, { accountId: scopedAccountId(ctx), assetIds }),
    sharedWithProductions(ctx.db, assetIds),
  ]);
  const byWs = new Map(productions.map((p) => [p.workspace.id, p]));
  return rows.flatMap((r) => {
    const p = byWs.get(r.asset.workspace_id);
    const role = roles.get(r.asset.workspace_id);
    if (!p || !role) {
      return [];
    }
    const device = matchDevice(devices.get(p.workspace.id) ?? [], p.settings, { folderPath: r.asset.file_location, kind });
    return [{
      ...r, kind, role, production: p.workspace, settings: p.settings, device, fields: fields.get(r.asset.id),
      derivatives: (r.versionId ? states.get(r.versionId) : undefined) ?? new Map<string, string>(),
      projects: projects.get(r.asset.id) ?? [], sharedWith: shared.get(r.asset.id) ?? [],
      archive: archive.get(r.asset.id) ?? { isArchive: false, isProduction: true },
    }];
  });
}

/** Query filters of GET /api/{kind}assets/ (spec §2.3.4). */
export interface MediaAssetQuery {
  pathFile?: string | undefined;
  production?: number | undefined;
  isArchive?: boolean | undefined;
  isProduction?: boolean | undefined;
  limit: number;
  offset: number;
}

/**
 * `path_file` as a folder and a file name. The medialoopster documents ask for a trailing slash on every path filter,
 * file paths included, so one trailing slash is dropped.
 */
function splitPathFile(value: string): { fileLocation: string; fileName: string } | undefined {
  const path = value.endsWith('/') ? value.slice(0, -1) : value;
  const cut = path.lastIndexOf('/');
  if (cut < 0 || cut === path.length - 1) {
    return undefined;
  }
  return { fileLocation: path.slice(0, cut + 1) || '/', fileName: path.slice(cut + 1) };
}

/** GET /api/{kind}assets/: the live assets of that kind in the productions the caller can read, one page. */
export async function pageReadableMediaAssets(ctx: Ctx, kind: MediaKind, q: MediaAssetQuery): Promise<{ items: MediaAssetView[]; total: number }> {
  const roles = await readableProductions(ctx);
  const accountId = scopedAccountId(ctx);
  let workspaceId: string | undefined;
  let matchable = true;
  if (q.production !== undefined) {
    const ws = (await findProductions(ctx.db, { accountId, ids: [...roles.keys()] })).find((p) => Number(p.workspace.sequence) === q.production);
    workspaceId = ws?.workspace.id;
    matchable = ws !== undefined;
  }
  // is_archive / is_production: whether the asset lies on an archive device (asset-imports/archive-state.ts); the
  // two filters together ask for both states at once only when they agree.
  const archived = q.isArchive ?? (q.isProduction === undefined ? undefined : !q.isProduction);
  if (q.isArchive !== undefined && q.isProduction !== undefined && q.isArchive === q.isProduction) {
    matchable = false;
  }
  const path = q.pathFile === undefined ? undefined : splitPathFile(q.pathFile);
  if (q.pathFile !== undefined && !path) {
    matchable = false;
  }
  const filter: MediaAssetFilter = { path, workspaceId, matchable, archived };
  const page = await pageMediaAssets(ctx.db, { accountId, workspaceIds: [...roles.keys()], kind }, { ...filter, limit: q.limit, offset: q.offset });
  return { items: await views(ctx, kind, page.rows, roles), total: page.total };
}

/** GET /api/{kind}assets/{id}/: a live asset of that kind in a production the caller can read, else undefined. */
export async function findReadableMediaAsset(ctx: Ctx, kind: MediaKind, sequence: number): Promise<MediaAssetView | undefined> {
  const roles = await readableProductions(ctx);
  const row = await findMediaAsset(ctx.db, { accountId: scopedAccountId(ctx), workspaceIds: [...roles.keys()], kind }, sequence);
  return row ? (await views(ctx, kind, [row], roles))[0] : undefined;
}

/** The media asset, or the surface's 404 (raised by the caller's `notFound`). */
async function requireReadable(ctx: Ctx, kind: MediaKind, sequence: number, notFound: () => Error): Promise<MediaAssetView> {
  const view = await findReadableMediaAsset(ctx, kind, sequence);
  if (!view) {
    throw notFound();
  }
  return view;
}

/** The ctx acting inside the asset's production with the caller's role there (for the core services). */
export async function mediaAssetCtx(ctx: Ctx, kind: MediaKind, sequence: number, notFound: () => Error): Promise<{ pctx: Ctx; view: MediaAssetView }> {
  const view = await requireReadable(ctx, kind, sequence, notFound);
  return { pctx: inProduction(ctx, { workspaceId: view.asset.workspace_id, role: view.role }), view };
}

/** The writable fields of PATCH /api/{kind}assets/{id}/. */
export interface MediaAssetPatch {
  name?: string | undefined;
  description?: string | undefined;
  statusApproval?: number | undefined;
  /** ISO timestamp, or null to cancel a scheduled deletion. */
  dateDel?: string | null | undefined;
  /** Replaces the whole store (DRF PATCH of a JSON field); validated against the custom metadata definitions. */
  metaFieldStore?: Record<string, unknown> | undefined;
}

/**
 * PATCH /api/{kind}assets/{id}/: name and description through the core asset service (history, search, events);
 * approval, scheduled deletion and custom metadata in media_asset_fields, with an `asset_updated` history event
 * (so webhooks and subscribers see it) and a search reindex. Editors of the asset's production only.
 */
export async function updateMediaAsset(ctx: Ctx, kind: MediaKind, sequence: number, patch: MediaAssetPatch, notFound: () => Error): Promise<MediaAssetView> {
  const { pctx, view } = await mediaAssetCtx(ctx, kind, sequence, notFound);
  requirePermission(pctx.actor, 'asset.write');
  await requireWritable(pctx, view.asset);
  const store = patch.metaFieldStore === undefined ? undefined : await assertMetaFieldStore(pctx, kind, patch.metaFieldStore);
  await inTransaction(pctx, async (tx) => {
    if (patch.name !== undefined || patch.description !== undefined) {
      await updateAsset(tx, view.asset.id, { name: patch.name, description: patch.description });
    }
    const set: { status_approval?: number; date_del?: string | null; meta_field_store?: string } = {};
    const before: Record<string, unknown> = {};
    if (patch.statusApproval !== undefined) {
      set.status_approval = patch.statusApproval;
      before.status_approval = view.fields?.status_approval ?? view.settings?.default_approval_status ?? 0;
    }
    if (patch.dateDel !== undefined) {
      set.date_del = patch.dateDel === null ? null : new Date(patch.dateDel).toISOString();
      before.date_del = view.fields?.date_del ?? null;
    }
    if (store !== undefined) {
      set.meta_field_store = JSON.stringify(store);
      before.meta_field_store = JSON.parse(view.fields?.meta_field_store ?? '{}') as unknown;
    }
    if (Object.keys(set).length === 0) {
      return;
    }
    const now = isoNow(tx.clock);
    await saveMediaFields(tx.db, { workspaceId: view.asset.workspace_id, assetId: view.asset.id }, {
      // A first row keeps the production's default approval unless this patch sets one.
      status_approval: view.fields?.status_approval ?? view.settings?.default_approval_status ?? 0,
      ...set,
    }, { id: newId(), now });
    await tx.db.updateTable('assets').set({ updated_at: now }).where('id', '=', view.asset.id).where('workspace_id', '=', view.asset.workspace_id).execute();
    await reindexAsset(tx, { workspaceId: view.asset.workspace_id, assetId: view.asset.id });
    await recordHistory(tx, {
      accountId: scopedAccountId(tx),
      workspaceId: view.asset.workspace_id,
      assetId: view.asset.id,
      userId: tx.actor.userId,
      subjectType: 'asset',
      recordId: view.asset.id,
      type: 'asset_updated',
      data: { before, after: { ...set, ...(store !== undefined ? { meta_field_store: store } : {}) } },
    });
  });
  return requireReadable(ctx, kind, sequence, notFound);
}

/** What an import (POST /api/asset/import/) sets on the asset it made, as PATCH would. */
export interface ImportedMeta {
  approval?: number | undefined;
  metaFieldStore?: Record<string, unknown> | undefined;
}

/**
 * Checks an import's custom metadata against the definitions as PATCH does (422-style problems, nothing written);
 * run before the file is read so a bad value fails the import early. Answers the store to save.
 */
export async function checkImportedMeta(ctx: Ctx, kind: MediaKind, meta: ImportedMeta): Promise<Record<string, string> | undefined> {
  return meta.metaFieldStore === undefined ? undefined : assertMetaFieldStore(ctx, kind, meta.metaFieldStore);
}

/**
 * Applies an import's approval and custom metadata to the asset it committed, inside the import's transaction (the
 * store was checked by checkImportedMeta). A new asset without an approval gets the production's default, as a first
 * PATCH does; a new version of an existing asset keeps what was not sent.
 */
export async function applyImportedMeta(
  tx: Ctx,
  target: { workspaceId: string; assetId: string },
  meta: { approval?: number | undefined; store?: Record<string, string> | undefined },
): Promise<void> {
  if (meta.approval === undefined && meta.store === undefined) {
    return;
  }
  const existing = await tx.db
    .selectFrom('media_asset_fields')
    .select('status_approval')
    .where('workspace_id', '=', target.workspaceId)
    .where('asset_id', '=', target.assetId)
    .executeTakeFirst();
  const settings = existing ? undefined : await findProductionSettings(tx.db, { workspaceId: target.workspaceId });
  const now = isoNow(tx.clock);
  await saveMediaFields(tx.db, target, {
    status_approval: meta.approval ?? existing?.status_approval ?? settings?.default_approval_status ?? 0,
    ...(meta.store !== undefined ? { meta_field_store: JSON.stringify(meta.store) } : {}),
  }, { id: newId(), now });
  await reindexAsset(tx, target);
}

/**
 * DELETE /api/{kind}assets/{id}/: the core delete (the asset goes to the workspace's shared trash, with history and
 * events; its files are removed when the trash is purged). One step, so `allow_partial` has nothing to relax.
 */
export async function deleteMediaAsset(ctx: Ctx, kind: MediaKind, sequence: number, notFound: () => Error): Promise<void> {
  const { pctx, view } = await mediaAssetCtx(ctx, kind, sequence, notFound);
  requirePermission(pctx.actor, 'asset.delete');
  await trashAsset(pctx, view.asset.id);
}

/** 400 unless `value` is an ISO 8601 timestamp (with a time zone, or UTC assumed). */
export function parseIsoField(value: string, field: string): string {
  const ms = Date.parse(/[zZ]|[+-]\d{2}:?\d{2}$/.test(value) || !value.includes('T') ? value : `${value}Z`);
  if (Number.isNaN(ms)) {
    throw errors.invalidField('body', field, 'Datetime has wrong format. Use one of these formats instead: YYYY-MM-DDThh:mm[:ss[.uuuuuu]][+HH:MM|-HH:MM|Z].');
  }
  return new Date(ms).toISOString();
}
