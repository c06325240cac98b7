import { requireWritable } from '../assets/writable.js';
import type { AssetRow, ShotRow, ShotSequenceRow } from '../../db/schema.js';
import { isoNow } from '../../lib/clock.js';
import { newId } from '../../lib/ids.js';
import { requirePermission } from '../access.js';
import { cleanDescription, cleanName } from '../assets/assets.rules.js';
import { requireAsset } from '../assets/assets.service.js';
import { inTransaction, scopedAccountId, scopedWorkspaceId, type Ctx } from '../context.js';
import { errors } from '../errors.js';
import { recordHistory } from '../history/history.service.js';
import {
  deleteSequenceRow, findSequenceRow, findVersionShots, insertSequenceRow, listSequenceRows, setSequenceShots, shotsOfSequences, updateSequenceRow, type AssetScope,
} from './sequences.repo.js';

/*
 * Sequences (spec §2.3.4; docs/medialoopster.md "Shots and sequences"): a named group of a video asset's shots,
 * made by its production's editors through the core API and shown on GET /api/videoassets/{id}/sequences/. A shot
 * belongs to at most one sequence (shots.sequence_id). The sequence's timecodes are derived from its shots: from the
 * earliest start to the latest end, in milliseconds.
 */

/** A sequence with its shots, by start time. */
export interface SequenceView {
  row: ShotSequenceRow;
  shots: ShotRow[];
}

/** The fields of a create (all but `shotIds` optional on an update). */
export interface SequenceInput {
  name?: string | undefined;
  description?: string | null | undefined;
  keywords?: readonly string[] | undefined;
  /** Integer shot ids, as GET /api/videoassets/{id}/shots/ shows them. */
  shotIds?: readonly number[] | undefined;
}

const MAX_SHOTS = 10_000;

const scopeOf = (asset: AssetRow): AssetScope => ({ workspaceId: asset.workspace_id, assetId: asset.id });

/** Keywords trimmed, blanks and repeats dropped, order kept. */
function cleanKeywords(keywords: readonly string[]): string[] {
  return [...new Set(keywords.map((k) => k.trim()).filter((k) => k !== ''))];
}

/** The video asset in the request's workspace (404 otherwise; 400 when it is not a video: only videos have shots). */
async function requireVideo(ctx: Ctx, assetId: string): Promise<AssetRow> {
  const asset = await requireAsset(ctx, assetId);
  if (asset.asset_type_id !== 'video') {
    throw errors.invalidField('params', 'asset_id', 'sequences group the shots of a video asset; this asset is not a video');
  }
  return asset;
}

/**
 * The shots named by `ids` on the asset's current version, or 400 naming the first that is not one (unknown, of
 * another asset or of an older version). 409 when one already belongs to another sequence.
 */
async function resolveShots(ctx: Ctx, asset: AssetRow, ids: readonly number[], sequenceId: string | null): Promise<ShotRow[]> {
  const unique = [...new Set(ids)];
  if (unique.length === 0) {
    throw errors.invalidField('body', 'shot_ids', 'name at least one shot');
  }
  if (unique.length > MAX_SHOTS) {
    throw errors.invalidField('body', 'shot_ids', `at most ${MAX_SHOTS} shots`);
  }
  const rows = asset.current_version_id ? await findVersionShots(ctx.db, { ...scopeOf(asset), versionId: asset.current_version_id }, unique) : [];
  const found = new Set(rows.map((r) => Number(r.sequence)));
  const missing = unique.find((id) => !found.has(id));
  if (missing !== undefined) {
    throw errors.invalidField('body', 'shot_ids', `${missing} is not a shot of this asset's current version`);
  }
  const taken = rows.find((r) => r.sequence_id !== null && r.sequence_id !== sequenceId);
  if (taken) {
    throw errors.conflict('shot_in_other_sequence', `Shot ${Number(taken.sequence)} already belongs to another sequence; a shot belongs to at most one.`);
  }
  return rows;
}

const span = (shots: readonly ShotRow[]) => ({
  timecode_start: Math.min(...shots.map((s) => Number(s.timecode_start))),
  timecode_end: Math.max(...shots.map((s) => Number(s.timecode_end))),
});

async function viewsOf(ctx: Ctx, asset: AssetRow, rows: readonly ShotSequenceRow[]): Promise<SequenceView[]> {
  const shots = await shotsOfSequences(ctx.db, scopeOf(asset), rows.map((r) => r.id));
  return rows.map((row) => ({ row, shots: shots.filter((s) => s.sequence_id === row.id) }));
}

async function requireSequence(ctx: Ctx, asset: AssetRow, id: string): Promise<ShotSequenceRow> {
  const row = await findSequenceRow(ctx.db, scopeOf(asset), id);
  if (!row) {
    throw errors.notFound('sequence', id);
  }
  return row;
}

function history(tx: Ctx, asset: AssetRow, sequenceId: string, type: string, data: Record<string, unknown>): Promise<void> {
  return recordHistory(tx, {
    accountId: scopedAccountId(tx), workspaceId: scopedWorkspaceId(tx), assetId: asset.id, userId: tx.actor.userId,
    subjectType: 'shot_sequence', recordId: sequenceId, type, data,
  });
}

/** GET /workspaces/assets/{id}/sequences: any member. */
export async function listSequences(ctx: Ctx, assetId: string): Promise<SequenceView[]> {
  const asset = await requireAsset(ctx, assetId);
  return viewsOf(ctx, asset, await listSequenceRows(ctx.db, scopeOf(asset)));
}

/** POST /workspaces/assets/{id}/sequences: editors; history `sequence_created`. */
export async function createSequence(ctx: Ctx, assetId: string, input: SequenceInput & { name: string; shotIds: readonly number[] }): Promise<SequenceView> {
  requirePermission(ctx.actor, 'asset.write');
  const name = cleanName(input.name, 'name', 'body');
  const description = input.description == null ? null : cleanDescription(input.description, 'description', 'body');
  const keywords = cleanKeywords(input.keywords ?? []);
  return inTransaction(ctx, async (tx) => {
    const asset = await requireVideo(tx, assetId);
    await requireWritable(tx, asset);
    const shots = await resolveShots(tx, asset, input.shotIds, null);
    const id = newId();
    await insertSequenceRow(tx.db, {
      id, workspace_id: asset.workspace_id, asset_id: asset.id, name, description, keywords: JSON.stringify(keywords), ...span(shots), created_at: isoNow(tx.clock),
    });
    await setSequenceShots(tx.db, scopeOf(asset), id, shots.map((s) => s.id));
    await history(tx, asset, id, 'sequence_created', { name, shot_ids: shots.map((s) => Number(s.sequence)) });
    const row = await requireSequence(tx, asset, id);
    return { row, shots: shots.map((s) => ({ ...s, sequence_id: id })) };
  });
}

/** PATCH /workspaces/assets/{id}/sequences/{sid}: editors; `shot_ids` replaces the shots; history `sequence_updated`. */
export async function updateSequence(ctx: Ctx, assetId: string, sequenceId: string, input: SequenceInput): Promise<SequenceView> {
  requirePermission(ctx.actor, 'asset.write');
  const name = input.name === undefined ? undefined : cleanName(input.name, 'name', 'body');
  const description = input.description === undefined ? undefined : input.description === null ? null : cleanDescription(input.description, 'description', 'body');
  const keywords = input.keywords === undefined ? undefined : cleanKeywords(input.keywords);
  return inTransaction(ctx, async (tx) => {
    // Only a video's sequences exist, so a sequence found is a video's (any other asset: 404 sequence_not_found).
    const asset = await requireAsset(tx, assetId);
    const before = await requireSequence(tx, asset, sequenceId);
    await requireWritable(tx, asset);
    const shots = input.shotIds === undefined ? undefined : await resolveShots(tx, asset, input.shotIds, sequenceId);
    const set = {
      ...(name !== undefined ? { name } : {}),
      ...(description !== undefined ? { description } : {}),
      ...(keywords !== undefined ? { keywords: JSON.stringify(keywords) } : {}),
      ...(shots ? span(shots) : {}),
    };
    if (Object.keys(set).length > 0) {
      await updateSequenceRow(tx.db, scopeOf(asset), sequenceId, set);
    }
    if (shots) {
      await setSequenceShots(tx.db, scopeOf(asset), sequenceId, shots.map((s) => s.id));
    }
    const [view] = await viewsOf(tx, asset, [await requireSequence(tx, asset, sequenceId)]);
    if (!view) {
      throw errors.notFound('sequence', sequenceId);
    }
    await history(tx, asset, sequenceId, 'sequence_updated', {
      before: { name: before.name, description: before.description, keywords: JSON.parse(before.keywords) as unknown },
      after: { name: view.row.name, description: view.row.description, keywords: JSON.parse(view.row.keywords) as unknown, shot_ids: view.shots.map((s) => Number(s.sequence)) },
    });
    return view;
  });
}

/** DELETE /workspaces/assets/{id}/sequences/{sid}: editors; its shots stay (ungrouped); history `sequence_deleted`. */
export async function deleteSequence(ctx: Ctx, assetId: string, sequenceId: string): Promise<void> {
  requirePermission(ctx.actor, 'asset.write');
  await inTransaction(ctx, async (tx) => {
    const asset = await requireAsset(tx, assetId);
    await requireWritable(tx, asset);
    const row = await requireSequence(tx, asset, sequenceId);
    await setSequenceShots(tx.db, scopeOf(asset), sequenceId, []);
    await deleteSequenceRow(tx.db, scopeOf(asset), sequenceId);
    await history(tx, asset, sequenceId, 'sequence_deleted', { name: row.name });
  });
}
