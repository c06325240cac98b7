import type { ProcessingItemRow } from '../../db/schema.js';
import { isoNow } from '../../lib/clock.js';
import { newId } from '../../lib/ids.js';
import { requirePermission } from '../access.js';
import { findAsset } from '../assets/assets.repo.js';
import { inTransaction, scopedAccountId, scopedWorkspaceId, type Ctx } from '../context.js';
import { errors } from '../errors.js';
import { recordHistory } from '../history/history.service.js';
import { findItem, listChildren, listItems } from './catalog.repo.js';
import type { ItemType } from './products.js';
import { rerunTasksOfItem } from './rerun.js';
import { deactivateTasksOfItems } from './tasks.service.js';

/*
 * The processing catalog (Vionlabs Catalog API, spec §3.4; docs/vionlabs.md "Catalog"): items under the customer's
 * own ids, upserted whole, soft-deleted (listed again with `allow_deleted`), with episodic links (a season names its
 * `series_id`, an episode its `season_id` and/or `series_id`). The video is an Atelier asset named by `video_uri`
 * `atelier://assets/<asset id>`; no other scheme is accepted, so nothing is ever fetched from the network.
 */

export interface ItemInput {
  id: string;
  type: ItemType;
  title: string;
  virtual?: boolean | undefined;
  external_ids?: Record<string, string> | undefined;
  video_uri?: string | null | undefined;
  series_id?: string | null | undefined;
  season_id?: string | null | undefined;
  [key: string]: unknown;
}

const VIDEO_URI = /^atelier:\/\/assets\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/;

/** The asset id a `video_uri` names; a 422 on `body.video_uri` for anything else. */
export function parseVideoUri(uri: string): string {
  const m = VIDEO_URI.exec(uri);
  if (!m) {
    throw errors.invalidField('body', 'video_uri', 'must be atelier://assets/<asset id> (an Atelier video asset; other URIs are never fetched)');
  }
  return m[1]!;
}

/** The item a season or episode hangs under (its parent key), checked to be a live item of the right type. */
async function parentKeyOf(ctx: Ctx, workspaceId: string, input: ItemInput): Promise<string | null> {
  const link = async (field: 'series_id' | 'season_id', type: ItemType): Promise<string | null> => {
    const key = input[field];
    if (key === undefined || key === null) {
      return null;
    }
    const parent = await findItem(ctx.db, { workspaceId, key });
    if (!parent || parent.deleted_at !== null || parent.type !== type) {
      throw errors.invalidField('body', field, `must be the id of a ${type} in the catalog`);
    }
    return key;
  };
  switch (input.type) {
    case 'standalone':
    case 'series':
      for (const field of ['series_id', 'season_id'] as const) {
        if (input[field] !== undefined && input[field] !== null) {
          throw errors.invalidField('body', field, `is only for seasons and episodes, not a ${input.type}`);
        }
      }
      return null;
    case 'season': {
      if (input.season_id !== undefined && input.season_id !== null) {
        throw errors.invalidField('body', 'season_id', 'is only for episodes');
      }
      const series = await link('series_id', 'series');
      if (series === null) {
        throw errors.invalidField('body', 'series_id', 'is required for a season');
      }
      return series;
    }
    case 'episode': {
      const season = await link('season_id', 'season');
      const series = await link('series_id', 'series');
      if (season === null && series === null) {
        throw errors.invalidField('body', 'series_id', 'an episode needs its series_id or season_id');
      }
      return season ?? series;
    }
  }
}

/** PUT /catalog/v1/item: creates the item or replaces its data; re-runs its tasks when its video changed. */
export async function upsertItem(ctx: Ctx, input: ItemInput): Promise<void> {
  requirePermission(ctx.actor, 'asset.write');
  const workspaceId = scopedWorkspaceId(ctx);
  const accountId = scopedAccountId(ctx);
  if (input.virtual === true && !input.external_ids?.imdb) {
    throw errors.invalidField('body', 'external_ids', 'a virtual item needs its IMDB id in external_ids.imdb');
  }
  let assetId: string | null = null;
  if (input.video_uri !== undefined && input.video_uri !== null) {
    assetId = parseVideoUri(input.video_uri);
    const asset = await findAsset(ctx.db, { workspaceId, id: assetId });
    if (!asset || asset.deleted_at !== null) {
      throw errors.invalidField('body', 'video_uri', 'names no asset of this workspace');
    }
  }
  const parentKey = await parentKeyOf(ctx, workspaceId, input);
  await inTransaction(ctx, async (tx) => {
    const now = isoNow(tx.clock);
    const existing = await findItem(tx.db, { workspaceId, key: input.id });
    const values = { type: input.type, title: input.title, body: JSON.stringify(input), asset_id: assetId, parent_key: parentKey, deleted_at: null, updated_at: now };
    let row: ProcessingItemRow;
    if (existing) {
      row = await tx.db.updateTable('processing_items').set(values).where('id', '=', existing.id).where('workspace_id', '=', workspaceId).returningAll().executeTakeFirstOrThrow();
    } else {
      row = await tx.db
        .insertInto('processing_items')
        .values({ id: newId(), account_id: accountId, workspace_id: workspaceId, item_key: input.id, created_at: now, ...values })
        .returningAll()
        .executeTakeFirstOrThrow();
    }
    await recordHistory(tx, {
      accountId,
      workspaceId,
      assetId,
      userId: tx.actor.userId,
      subjectType: 'processing_item',
      recordId: row.id,
      type: existing ? 'processing_item_updated' : 'processing_item_created',
      data: { item_id: input.id, type: input.type },
    });
    if (existing && existing.deleted_at === null && existing.asset_id !== assetId) {
      await rerunTasksOfItem(tx, row, 'the item\'s video changed');
    }
  });
}

/** GET /catalog/v1/item: one page of the workspace's items in creation order. */
export function listCatalog(ctx: Ctx, q: { pageNum: number; pageSize: number; allowDeleted: boolean }): Promise<ProcessingItemRow[]> {
  requirePermission(ctx.actor, 'asset.read');
  return listItems(ctx.db, { workspaceId: scopedWorkspaceId(ctx), offset: q.pageNum * q.pageSize, limit: q.pageSize, allowDeleted: q.allowDeleted });
}

/** One item by type and id; deleted items only with `allowDeleted`. Another workspace's id reads as missing. */
export async function getCatalogItem(ctx: Ctx, p: { type: string; key: string; allowDeleted: boolean }): Promise<ProcessingItemRow> {
  requirePermission(ctx.actor, 'asset.read');
  const row = await findItem(ctx.db, { workspaceId: scopedWorkspaceId(ctx), key: p.key });
  if (!row || row.type !== p.type || (row.deleted_at !== null && !p.allowDeleted)) {
    throw errors.notFound('catalog_item', p.key);
  }
  return row;
}

/** A live item by id whatever its type (tasks and results name items by id only). */
export async function requireLiveItem(ctx: Ctx, key: string): Promise<ProcessingItemRow> {
  const row = await findItem(ctx.db, { workspaceId: scopedWorkspaceId(ctx), key });
  if (!row || row.deleted_at !== null) {
    throw errors.notFound('catalog_item', key);
  }
  return row;
}

/**
 * DELETE /catalog/v1/item/{type}/{id}: soft-deletes the item and, in an episodic hierarchy, what hangs under it
 * (a series' seasons and episodes, a season's episodes); their tasks are deactivated.
 */
export async function deleteCatalogItem(ctx: Ctx, p: { type: string; key: string }): Promise<void> {
  requirePermission(ctx.actor, 'asset.delete');
  const workspaceId = scopedWorkspaceId(ctx);
  await inTransaction(ctx, async (tx) => {
    const row = await getCatalogItem(tx, { type: p.type, key: p.key, allowDeleted: false });
    const doomed = [row];
    for (let level = [row.item_key]; level.length > 0; ) {
      const children = await listChildren(tx.db, { workspaceId, keys: level });
      doomed.push(...children);
      level = children.map((c) => c.item_key);
    }
    const now = isoNow(tx.clock);
    const ids = doomed.map((d) => d.id);
    await tx.db.updateTable('processing_items').set({ deleted_at: now, updated_at: now }).where('workspace_id', '=', workspaceId).where('id', 'in', ids).execute();
    await deactivateTasksOfItems(tx, ids);
    await recordHistory(tx, {
      accountId: scopedAccountId(tx),
      workspaceId,
      assetId: row.asset_id,
      userId: tx.actor.userId,
      subjectType: 'processing_item',
      recordId: row.id,
      type: 'processing_item_deleted',
      data: { item_id: row.item_key, type: row.type, with: doomed.length - 1 },
    });
  });
}
