import type { Readable } from 'node:stream';
import type { ProcessingFileRow, ProcessingItemRow, ProcessingTaskRow } from '../../db/schema.js';
import { compareFingerprints, SECONDS_PER_VALUE } from '../../media/fpcalc.js';
import { requirePermission } from '../access.js';
import { scopedWorkspaceId, type Ctx } from '../context.js';
import { errors } from '../errors.js';
import { adBreaksV2, adBreaksV3, toFrames, type AdBreak, type BreakPoint, type Markers } from './breaks.js';
import { requireLiveItem } from './catalog.service.js';
import { findDoneTask, listFiles } from './tasks.repo.js';

/* The Results APIs (spec §3.5; docs/vionlabs.md "Results"): read the result a done task keeps. */

export interface DoneResult {
  item: ProcessingItemRow;
  task: ProcessingTaskRow;
  result: Record<string, unknown>;
}

/** The done result of an item's product (of `version`, else the latest); 404 while there is none. */
export async function requireResult(ctx: Ctx, p: { itemKey: string; product: string; version: string | undefined }): Promise<DoneResult> {
  requirePermission(ctx.actor, 'asset.read');
  const item = await requireLiveItem(ctx, p.itemKey);
  const task = await findDoneTask(ctx.db, { workspaceId: item.workspace_id, itemId: item.id, product: p.product, version: p.version });
  if (!task || task.result === null) {
    throw errors.notFound(`${p.product}_result`, p.itemKey);
  }
  return { item, task, result: JSON.parse(task.result) as Record<string, unknown> };
}

export type BreakUnit = 'millisec' | 'frame';

function inUnit(breaks: AdBreak[], unit: BreakUnit, fps: number): AdBreak[] {
  return unit === 'frame' ? toFrames(breaks, fps) : breaks;
}

/** Ad breaks v2: minutes in the query, candidates in seconds or frames. */
export async function adBreaksV2Of(ctx: Ctx, p: { itemKey: string; version: string | undefined; unit: BreakUnit; window: number; separation: number; skipFirst: number; skipLast: number }) {
  const r = await requireResult(ctx, { itemKey: p.itemKey, product: 'adbreaks', version: p.version });
  const duration = r.result.duration_seconds as number;
  const breaks = adBreaksV2(r.result.points as BreakPoint[], duration, { window: p.window * 60, separation: p.separation * 60, skipFirst: p.skipFirst * 60, skipLast: p.skipLast * 60 });
  return { ...r, adbreak: inUnit(breaks, p.unit, r.result.frame_rate as number) };
}

/** Ad breaks v3: minutes in the query, candidates in seconds or frames. */
export async function adBreaksV3Of(ctx: Ctx, p: { itemKey: string; version: string | undefined; unit: BreakUnit; minimumSeparation: number; maximumSeparation: number; skipFirst: number; skipLast: number }) {
  const r = await requireResult(ctx, { itemKey: p.itemKey, product: 'adbreaks', version: p.version });
  const duration = r.result.duration_seconds as number;
  const breaks = adBreaksV3(r.result.points as BreakPoint[], duration, {
    minimumSeparation: p.minimumSeparation * 60,
    maximumSeparation: p.maximumSeparation * 60,
    skipFirst: p.skipFirst * 60,
    skipLast: p.skipLast * 60,
  });
  return { ...r, adbreak: inUnit(breaks, p.unit, r.result.frame_rate as number) };
}

export interface MarkersView extends Markers {
  ident: string;
  not_yet_available: boolean;
}

const NO_MARKERS: Markers = { intro_start: null, intro_end: null, recap_start: null, recap_end: null, credit_start: null };

/** Markers of one item; `not_yet_available` (and nulls) while the item has no done markers task. */
export async function markersOf(ctx: Ctx, p: { itemKey: string; version: string | undefined }): Promise<MarkersView> {
  requirePermission(ctx.actor, 'asset.read');
  const item = await requireLiveItem(ctx, p.itemKey);
  const task = await findDoneTask(ctx.db, { workspaceId: item.workspace_id, itemId: item.id, product: 'markers', version: p.version });
  if (!task || task.result === null) {
    return { ident: item.item_key, not_yet_available: true, ...NO_MARKERS };
  }
  const markers = (JSON.parse(task.result) as { markers: Markers }).markers;
  return { ident: item.item_key, not_yet_available: false, ...markers };
}

/** The markers results updated in [from, to), oldest update first, one page (time-window pagination, spec §3.5). */
export async function listMarkers(ctx: Ctx, p: { from: string | undefined; to: string; pageNum: number; pageSize: number; version: string | undefined }) {
  requirePermission(ctx.actor, 'asset.read');
  const workspaceId = scopedWorkspaceId(ctx);
  let q = ctx.db
    .selectFrom('processing_tasks as t')
    .innerJoin('processing_items as i', 'i.id', 't.item_id')
    .where('t.workspace_id', '=', workspaceId)
    .where('i.workspace_id', '=', workspaceId)
    .where('i.deleted_at', 'is', null)
    .where('t.product', '=', 'markers')
    .where('t.status', '=', 'done')
    .where('t.finished_at', '<', p.to);
  if (p.from !== undefined) {
    q = q.where('t.finished_at', '>=', p.from);
  }
  if (p.version !== undefined) {
    q = q.where('t.version', '=', p.version);
  }
  const total = await q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  const rows = await q
    .select(['i.item_key', 't.result'])
    .orderBy('t.finished_at')
    .orderBy('t.sequence')
    .offset(p.pageNum * p.pageSize)
    .limit(p.pageSize)
    .execute();
  return {
    page_num: p.pageNum,
    page_size: p.pageSize,
    total_count: Number(total.n),
    data: rows.map((r) => ({ ident: r.item_key, not_yet_available: false, ...(JSON.parse(r.result ?? '{}') as { markers: Markers }).markers })),
  };
}

/** Items of the workspace whose fingerprint matches this item's (similarity at least `minSimilarity`), best first. */
export async function fingerprintMatches(ctx: Ctx, p: { itemKey: string; version: string | undefined; minSimilarity: number }) {
  const r = await requireResult(ctx, { itemKey: p.itemKey, product: 'fingerprint', version: p.version });
  const mine = r.result.fingerprint as number[];
  const others = await ctx.db
    .selectFrom('processing_tasks as t')
    .innerJoin('processing_items as i', 'i.id', 't.item_id')
    .select(['i.item_key', 'i.type', 't.result', 't.version'])
    .where('t.workspace_id', '=', r.item.workspace_id)
    .where('i.workspace_id', '=', r.item.workspace_id)
    .where('i.deleted_at', 'is', null)
    .where('t.product', '=', 'fingerprint')
    .where('t.status', '=', 'done')
    .where('i.id', '!=', r.item.id)
    .execute();
  const matches = [];
  for (const o of others) {
    const theirs = (JSON.parse(o.result ?? '{}') as { fingerprint?: number[] }).fingerprint ?? [];
    const { similarity, offset } = compareFingerprints(mine, theirs);
    if (similarity >= p.minSimilarity) {
      matches.push({ inventory_id: o.item_key, type: o.type, version_id: o.version, similarity: Math.round(similarity * 1000) / 1000, offset_seconds: Math.round(offset * SECONDS_PER_VALUE * 1000) / 1000 });
    }
  }
  matches.sort((a, b) => b.similarity - a.similarity || a.inventory_id.localeCompare(b.inventory_id));
  return { ...r, matches };
}

/** The files of a done jitthumbnails / jitpreviews result. */
export async function resultFiles(ctx: Ctx, p: { itemKey: string; product: string; version: string | undefined }): Promise<DoneResult & { files: ProcessingFileRow[] }> {
  const r = await requireResult(ctx, p);
  return { ...r, files: await listFiles(ctx.db, { workspaceId: r.item.workspace_id, taskId: r.task.id }) };
}

/** One file's row and bytes. */
export async function openResultFile(ctx: Ctx, p: { itemKey: string; product: string; version: string | undefined; position: number }): Promise<{ file: ProcessingFileRow; body: Readable }> {
  const r = await resultFiles(ctx, p);
  const file = r.files.find((f) => f.position === p.position);
  if (!file) {
    throw errors.notFound('file', String(p.position));
  }
  return { file, body: await ctx.blobs.get(file.blob_key) };
}
