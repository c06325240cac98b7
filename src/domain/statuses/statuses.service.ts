import type { AssetStatusRow } from '../../db/schema.js';
import { isoNow } from '../../lib/clock.js';
import { newId } from '../../lib/ids.js';
import { requirePermission } from '../access.js';
import { requireAsset, viewAssets, type AssetView } from '../assets/assets.service.js';
import { inTransaction, scopedAccountId, scopedWorkspaceId, type Ctx } from '../context.js';
import { errors } from '../errors.js';
import { recordHistory } from '../history/history.service.js';
import { updateRowWithHistory } from '../history/update-with-history.js';
import { notifySubscribers } from '../subscriptions/notify-subscribers.js';
import { assertNotTrashed, cleanColor, cleanLabelName, labelPatch, nameKey } from '../tags/tags.rules.js';
import { requireStatusId } from './status-ref.js';
import { findStatus, findStatusByNameKey, listStatusRows, maxRank } from './statuses.repo.js';
import { cleanRank, DEFAULT_STATUS_COLOR, nextRank } from './statuses.rules.js';

export interface StatusInput {
  name?: string | undefined;
  color?: string | undefined;
  /** A non-negative integer, as a number or a digit string; stored zero-padded. */
  rank?: number | string | undefined;
}

const snapshot = (s: AssetStatusRow): Record<string, unknown> => ({ name: s.name, color: s.color, rank: s.rank });

const nameTaken = (name: string, cause?: unknown) =>
  errors.conflict('status_name_taken', `A status named "${name}" already exists in this workspace.`, cause);

/** The status in the request's workspace, or `asset_status_not_found`. */
export async function requireStatus(ctx: Ctx, id: string): Promise<AssetStatusRow> {
  const status = await findStatus(ctx.db, { workspaceId: scopedWorkspaceId(ctx), id });
  if (!status) {
    throw errors.notFound('asset_status', id);
  }
  return status;
}

/** GET /workspaces/assetStatuses: the workspace's statuses in rank order. */
export async function listAssetStatuses(ctx: Ctx): Promise<AssetStatusRow[]> {
  requirePermission(ctx.actor, 'asset.read');
  return listStatusRows(ctx.db, { workspaceId: scopedWorkspaceId(ctx) });
}

/** POST /workspaces/assetStatuses: names unique per workspace case-insensitively; no rank = after the last. */
export async function createAssetStatus(ctx: Ctx, input: StatusInput): Promise<AssetStatusRow> {
  requirePermission(ctx.actor, 'statuses.manage');
  const name = cleanLabelName(input.name ?? '');
  const color = input.color === undefined ? DEFAULT_STATUS_COLOR : cleanColor(input.color);
  const rank = input.rank === undefined ? undefined : cleanRank(input.rank);
  const workspaceId = scopedWorkspaceId(ctx);
  return inTransaction(ctx, async (tx) => {
    if (await findStatusByNameKey(tx.db, { workspaceId, key: nameKey(name) })) {
      throw nameTaken(name);
    }
    const now = isoNow(tx.clock);
    let row: AssetStatusRow;
    try {
      row = await tx.db
        .insertInto('asset_statuses')
        .values({
          id: newId(),
          workspace_id: workspaceId,
          name,
          name_key: nameKey(name),
          color,
          rank: rank ?? nextRank(await maxRank(tx.db, { workspaceId })),
          created_by_user_id: tx.actor.userId,
          created_at: now,
          updated_at: now,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
    } catch (err) {
      throw tx.dialect.translateError(err)?.kind === 'conflict' ? nameTaken(name, err) : err;
    }
    await recordHistory(tx, {
      accountId: tx.actor.accountId,
      workspaceId,
      userId: tx.actor.userId,
      subjectType: 'asset_status',
      recordId: row.id,
      type: 'asset_status_created',
      data: { after: snapshot(row) },
    });
    return row;
  });
}

/** PUT/PATCH /workspaces/assetStatuses/{id}: any of name, color, rank. */
export async function updateAssetStatus(ctx: Ctx, id: string, input: StatusInput): Promise<AssetStatusRow> {
  requirePermission(ctx.actor, 'statuses.manage');
  const name = input.name === undefined ? undefined : cleanLabelName(input.name);
  const color = input.color === undefined ? undefined : cleanColor(input.color);
  const rank = input.rank === undefined ? undefined : cleanRank(input.rank);
  const workspaceId = scopedWorkspaceId(ctx);
  return inTransaction(ctx, async (tx) => {
    const before = await requireStatus(tx, id);
    const patch = await labelPatch(before, { name, color, rank }, (key) => findStatusByNameKey(tx.db, { workspaceId, key }), nameTaken);
    return updateRowWithHistory(tx, { table: 'asset_statuses', workspaceId, before, patch: patch, subjectType: 'asset_status', eventType: 'asset_status_updated', snapshot });
  });
}

/** DELETE /workspaces/assetStatuses/{id}: assets with this status get none (each asset's history shows it). */
export async function deleteAssetStatus(ctx: Ctx, id: string): Promise<void> {
  requirePermission(ctx.actor, 'statuses.manage');
  const workspaceId = scopedWorkspaceId(ctx);
  await inTransaction(ctx, async (tx) => {
    const before = await requireStatus(tx, id);
    const cleared = await tx.db
      .updateTable('assets')
      .set({ status_id: null, updated_at: isoNow(tx.clock) })
      .where('workspace_id', '=', workspaceId)
      .where('status_id', '=', id)
      .returning('id')
      .execute();
    await tx.db.deleteFrom('asset_statuses').where('workspace_id', '=', workspaceId).where('id', '=', id).execute();
    const base = { accountId: tx.actor.accountId, workspaceId, userId: tx.actor.userId };
    for (const { id: assetId } of cleared) {
      await recordHistory(tx, {
        ...base,
        assetId,
        subjectType: 'asset',
        recordId: assetId,
        type: 'asset_status_changed',
        data: { before: { status_id: id }, after: { status_id: null }, reason: 'status_deleted' },
      });
    }
    await recordHistory(tx, {
      ...base,
      subjectType: 'asset_status',
      recordId: id,
      type: 'asset_status_deleted',
      data: { before: snapshot(before), cleared_asset_ids: cleared.map((r) => r.id) },
    });
  });
}

/**
 * POST /workspaces/assets/{id}/status: sets (or, with null, clears) the asset's status. Allowed on a locked asset
 * (status is workflow metadata, not content); refused on a trashed one.
 */
export async function setAssetStatus(ctx: Ctx, assetId: string, statusId: string | null): Promise<AssetView> {
  requirePermission(ctx.actor, 'asset.write');
  const workspaceId = scopedWorkspaceId(ctx);
  const asset = await inTransaction(ctx, async (tx) => {
    const before = await requireAsset(tx, assetId);
    assertNotTrashed(before);
    const status = statusId === null ? null : await requireStatus(tx, await requireStatusId(tx.db, { workspaceId, statusId }));
    if (before.status_id === (status?.id ?? null)) {
      return before;
    }
    const after = await tx.db
      .updateTable('assets')
      .set({ status_id: status?.id ?? null, updated_at: isoNow(tx.clock) })
      .where('workspace_id', '=', workspaceId)
      .where('id', '=', assetId)
      .returningAll()
      .executeTakeFirstOrThrow();
    const data = { before: { status_id: before.status_id }, after: { status_id: after.status_id, name: status?.name ?? null } };
    await recordHistory(tx, {
      accountId: tx.actor.accountId,
      workspaceId,
      assetId,
      userId: tx.actor.userId,
      subjectType: 'asset',
      recordId: assetId,
      type: 'asset_status_changed',
      data,
    });
    await notifySubscribers(tx, { workspaceId, accountId: scopedAccountId(tx), assetId, actorUserId: tx.actor.userId, type: 'asset_status_changed', data });
    return after;
  });
  const [view] = await viewAssets(ctx, [asset]);
  if (!view) {
    throw errors.notFound('asset', assetId);
  }
  return view;
}
