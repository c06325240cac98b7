import type { AssetRow, DeviceRow, ImportLogRow } from '../../db/schema.js';
import { enqueue } from '../../jobs/queue.js';
import { isoNow } from '../../lib/clock.js';
import { newId } from '../../lib/ids.js';
import { inTransaction, type Ctx } from '../context.js';
import { errors, type FieldProblem } from '../errors.js';
import { listWorkspaceDevices } from '../productions/devices.repo.js';
import { canIn, readableProductionIds } from '../productions/production-access.js';
import { archiveFlagsOf } from './archive-state.js';
import { assetArchiveJob } from './asset-archive.job.js';
import { insertImportLog } from './import-logs.repo.js';

/*
 * `POST /api/archiveactivities/` and `POST /api/restoreactivities/` (spec §2.3.7): each entry queues one archive or
 * restore of a media asset, tracked by an ImportLog. Archive moves the asset's high-res file to its production's
 * archive device (a device with `is_archive`; `archive_connector` picks one by its connector); restore moves it
 * back to the folder it was archived from. The whole request is checked first: one bad entry refuses it all.
 */

/** medialoopster content type ids of the media models (also `content_type_id` of custom metadata). */
export const CONTENT_TYPE_IDS: Readonly<Record<number, 'audio' | 'image' | 'video'>> = { 1: 'audio', 2: 'image', 3: 'video' };

/** Most entries one request may name. */
export const MAX_ACTIVITIES = 100;

interface Entry {
  asset: AssetRow;
  kind: 'audio' | 'image' | 'video';
  archiveType: string;
  connector: string | undefined;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const bad = (pointer: string, message: string): never => {
  throw errors.invalid('validation_failed', `${pointer}: ${message}`, [{ in: 'body', pointer, message } satisfies FieldProblem]);
};

/** Reads and resolves the entries: each names a live media asset of its kind in a production the caller can write. */
async function readEntries(ctx: Ctx, body: unknown): Promise<Entry[]> {
  if (!Array.isArray(body) || body.length === 0) {
    return bad('/', 'Expected a non-empty list of items.');
  }
  if (body.length > MAX_ACTIVITIES) {
    return bad('/', `At most ${MAX_ACTIVITIES} items.`);
  }
  const readable = await readableProductionIds(ctx);
  const out: Entry[] = [];
  for (const [i, raw] of body.entries()) {
    const e = isObject(raw) ? raw : bad(`/${i}`, 'Expected a dictionary of items.');
    const kind = typeof e['content_type_id'] === 'number' ? CONTENT_TYPE_IDS[e['content_type_id']] : undefined;
    if (!kind) {
      bad(`/${i}/content_type_id`, 'Must be 1 (audio asset), 2 (image asset) or 3 (video asset).');
    }
    const id = e['asset_id'];
    if (typeof id !== 'number' || !Number.isSafeInteger(id) || id < 1) {
      bad(`/${i}/asset_id`, 'A valid integer is required.');
    }
    const asset =
      readable.length === 0
        ? undefined
        : await ctx.db.selectFrom('assets').selectAll().where('workspace_id', 'in', readable).where('sequence', '=', id as number).where('is_active', '=', 1).executeTakeFirst();
    if (!asset || asset.asset_type_id !== kind) {
      return bad(`/${i}/asset_id`, `Invalid pk "${String(id)}" - object does not exist.`);
    }
    if (!(await canIn(ctx, asset.workspace_id, 'asset.write'))) {
      throw errors.forbidden('permission_denied', 'You do not have write access to the production of this asset.');
    }
    const connector = e['archive_connector'];
    out.push({ asset, kind: kind as Entry['kind'], archiveType: typeof e['archive_type'] === 'string' ? e['archive_type'] : '', connector: typeof connector === 'string' && connector !== '' ? connector : undefined });
  }
  return out;
}

/** The archive device an entry goes to. */
function archiveDeviceFor(devices: readonly DeviceRow[], connector: string | undefined): DeviceRow | undefined {
  return devices.find((d) => d.is_archive === 1 && (connector === undefined || d.archive_connector === connector));
}

async function queue(ctx: Ctx, kind: 'archive' | 'restore', entries: ReadonlyArray<{ e: Entry; request: Record<string, unknown>; origin: string | null }>): Promise<ImportLogRow[]> {
  return inTransaction(ctx, async (tx) => {
    const now = isoNow(tx.clock);
    const rows: ImportLogRow[] = [];
    for (const { e, request, origin } of entries) {
      const row = await insertImportLog(tx.db, {
        id: newId(), account_id: tx.actor.accountId ?? '', workspace_id: e.asset.workspace_id, kind, media_type: e.kind, request: JSON.stringify(request),
        asset_id: e.asset.id, origin_location: origin, created_by_user_id: tx.actor.userId, created_at: now, updated_at: now, finished_at: null,
      });
      await enqueue(tx, assetArchiveJob, { workspace_id: row.workspace_id, import_log_id: row.id });
      rows.push(row);
    }
    return rows;
  });
}

/** Queues archives; an asset already archived, or a production without an archive device, refuses the request. */
export async function requestArchives(ctx: Ctx, body: unknown): Promise<ImportLogRow[]> {
  const entries = await readEntries(ctx, body);
  const flags = await archiveFlagsOf(ctx.db, entries.map((e) => e.asset));
  const planned = [];
  for (const [i, e] of entries.entries()) {
    if (flags.get(e.asset.id)?.isArchive) {
      bad(`/${i}/asset_id`, 'The asset is already archived.');
    }
    const target = archiveDeviceFor(await listWorkspaceDevices(ctx.db, { workspaceId: e.asset.workspace_id }), e.connector);
    if (!target) {
      bad(`/${i}/archive_connector`, e.connector === undefined ? 'The production has no archive device.' : `The production has no archive device with the connector "${e.connector}".`);
    }
    planned.push({ e, request: { content_type_id: Number(Object.keys(CONTENT_TYPE_IDS).find((k) => CONTENT_TYPE_IDS[Number(k)] === e.kind)), archive_type: e.archiveType, archive_connector: e.connector ?? '', device_id: target?.id }, origin: e.asset.file_location });
  }
  return queue(ctx, 'archive', planned);
}

/** Queues restores of archived assets (back to the folder each was archived from). */
export async function requestRestores(ctx: Ctx, body: unknown): Promise<ImportLogRow[]> {
  const entries = await readEntries(ctx, body);
  const flags = await archiveFlagsOf(ctx.db, entries.map((e) => e.asset));
  const planned = [];
  for (const [i, e] of entries.entries()) {
    const last = await ctx.db
      .selectFrom('import_logs')
      .select('origin_location')
      .where('workspace_id', '=', e.asset.workspace_id)
      .where('asset_id', '=', e.asset.id)
      .where('kind', '=', 'archive')
      .where('state', '=', 'completed')
      .orderBy('sequence', 'desc')
      .executeTakeFirst();
    if (!flags.get(e.asset.id)?.isArchive || !last?.origin_location) {
      bad(`/${i}/asset_id`, 'The asset is not archived.');
    }
    planned.push({ e, request: { content_type_id: Number(Object.keys(CONTENT_TYPE_IDS).find((k) => CONTENT_TYPE_IDS[Number(k)] === e.kind)) }, origin: last?.origin_location ?? null });
  }
  return queue(ctx, 'restore', planned);
}
