import { isoNow } from '../../lib/clock.js';
import { newId } from '../../lib/ids.js';
import { inTransaction, type Ctx } from '../context.js';
import { DomainError } from '../errors.js';
import { readableProductionIds, requireIn } from '../productions/production-access.js';
import { recordProjectAssetEvent } from './project-asset-events.js';
import { insertLinkIfMissing } from './project-assets.repo.js';
import { detailError } from './project-assets.rules.js';
import { requireReadableProjectAsset } from './project-assets.service.js';

/*
 * `POST /projectassets/{id}/addasset/` (seed 003): links existing media assets to a project asset. Entries name a
 * media asset by its integer id and kind; a media asset is an Atelier asset of type audio, image or video in a
 * production the caller can read. Without `silent_mode` the first bad entry refuses the whole request (422, nothing
 * linked); with it, bad entries are listed in `invalid_assets`, the good ones are linked, and the change is kept in
 * history without notifications or webhooks.
 */

export const MEDIA_TYPES = ['audio', 'image', 'video'] as const;
export type MediaType = (typeof MEDIA_TYPES)[number];
const isMediaType = (v: unknown): v is MediaType => typeof v === 'string' && (MEDIA_TYPES as readonly string[]).includes(v);

/** One entry as the client sent it (echoed back in the answer's lists). */
export interface AssetListEntry {
  asset_id: unknown;
  type: unknown;
}

export interface AddAssetsResult {
  newly_linked_assets: AssetListEntry[];
  already_linked_assets: AssetListEntry[];
  invalid_assets: AssetListEntry[];
}

/** Most entries one request may name. */
export const MAX_ASSET_LIST = 1000;

const unprocessable = (detail: string): DomainError => detailError(422, 'unprocessable_entity', detail);

/** Reads `silent_mode` ("If set to yes"): true, "true", "yes", 1, "1". */
function silentOf(v: unknown): boolean {
  if (v === undefined || v === null || v === false || v === 0 || v === 'false' || v === 'no' || v === '0' || v === '') {
    return false;
  }
  if (v === true || v === 1 || v === 'true' || v === 'yes' || v === '1') {
    return true;
  }
  throw detailError(400, 'parse_error', "The field 'silent_mode' must be a boolean.");
}

function entriesOf(body: unknown): { list: unknown[]; silent: boolean } {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw detailError(400, 'parse_error', 'The request body must be a JSON object.');
  }
  const b = body as Record<string, unknown>;
  if (b['asset_list'] === undefined || b['asset_list'] === null) {
    throw detailError(400, 'parse_error', "The field 'asset_list' is required to add assets to a project.");
  }
  if (!Array.isArray(b['asset_list'])) {
    throw detailError(400, 'parse_error', "The field 'asset_list' must be a list of objects.");
  }
  if (b['asset_list'].length > MAX_ASSET_LIST) {
    throw detailError(400, 'parse_error', `The field 'asset_list' may name at most ${MAX_ASSET_LIST} assets.`);
  }
  return { list: b['asset_list'], silent: silentOf(b['silent_mode']) };
}

/** Links the listed media assets; returns the three lists of seed 003's 200 answer. */
export async function addAssetsToProject(ctx: Ctx, id: unknown, body: unknown): Promise<AddAssetsResult> {
  const project = await requireReadableProjectAsset(ctx, id);
  const { list, silent } = entriesOf(body);
  await requireIn(ctx, project.workspace_id, 'asset.write');
  const wanted: Array<{ entry: AssetListEntry; sequence: number; type: MediaType; index: number }> = [];
  const result: AddAssetsResult = { newly_linked_assets: [], already_linked_assets: [], invalid_assets: [] };
  const refuse = (entry: AssetListEntry, detail: string): void => {
    if (!silent) {
      throw unprocessable(detail);
    }
    result.invalid_assets.push(entry);
  };
  list.forEach((raw, index) => {
    const e = (typeof raw === 'object' && raw !== null && !Array.isArray(raw) ? raw : {}) as Record<string, unknown>;
    const entry: AssetListEntry = { asset_id: e['asset_id'] ?? null, type: e['type'] ?? null };
    if (!isMediaType(e['type'])) {
      refuse(entry, `The provided asset type '${String(e['type'])}' at asset list entry at index '${index}' is not supported. Must be one of 'audio', 'image' or 'video'`);
      return;
    }
    const n = e['asset_id'];
    if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 1 || n > 2_147_483_647) {
      refuse(entry, `The provided asset id '${String(n)}' at asset list entry at index '${index}' is not a valid integer id.`);
      return;
    }
    wanted.push({ entry, sequence: n, type: e['type'], index });
  });
  const readable = await readableProductionIds(ctx);
  const found =
    wanted.length === 0 || readable.length === 0
      ? []
      : await ctx.db
          .selectFrom('assets')
          .select(['id', 'sequence', 'workspace_id', 'asset_type_id'])
          .where('workspace_id', 'in', readable)
          .where('sequence', 'in', [...new Set(wanted.map((w) => w.sequence))])
          .where('is_active', '=', 1)
          .execute();
  const bySequence = new Map(found.map((a) => [Number(a.sequence), a]));
  const valid: Array<{ entry: AssetListEntry; asset: (typeof found)[number]; type: MediaType }> = [];
  for (const w of wanted) {
    const asset = bySequence.get(w.sequence);
    if (!asset || asset.asset_type_id !== w.type) {
      refuse(w.entry, `The ${w.type} asset with id '${w.sequence}' at asset list entry at index '${w.index}' does not exist.`);
      continue;
    }
    valid.push({ entry: w.entry, asset, type: w.type });
  }
  await inTransaction(ctx, async (tx) => {
    const now = isoNow(tx.clock);
    for (const v of valid) {
      const added = await insertLinkIfMissing(tx.db, {
        id: newId(), workspace_id: project.workspace_id, project_asset_id: project.id, asset_id: v.asset.id,
        asset_workspace_id: v.asset.workspace_id, media_type: v.type, created_by_user_id: tx.actor.userId, created_at: now,
      });
      (added ? result.newly_linked_assets : result.already_linked_assets).push(v.entry);
    }
    if (result.newly_linked_assets.length > 0) {
      await tx.db.updateTable('project_assets').set({ updated_at: now }).where('workspace_id', '=', project.workspace_id).where('id', '=', project.id).execute();
      await recordProjectAssetEvent({ ...tx, actor: { ...tx.actor, workspaceId: project.workspace_id } }, project, 'project_asset_assets_linked', { assets: result.newly_linked_assets }, { silent });
    }
  });
  return result;
}
