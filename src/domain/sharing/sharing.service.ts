import type { Kysely } from 'kysely';
import type { DB, ProductionContentRow } from '../../db/schema.js';
import { isoNow } from '../../lib/clock.js';
import { newId } from '../../lib/ids.js';
import { enqueue } from '../../jobs/queue.js';
import type { Ctx } from '../context.js';
import { recordHistory } from '../history/history.service.js';
import { assetShareJob } from './asset-share.job.js';

/*
 * Asset sharing between productions (spec §2.3.8): an asset of one production (workspace) is shared into another
 * production of the same account. A production content record is made in state TRANSFERRING and a job copies the
 * high-res bytes into the target production, then sets AVAILABLE; on error the record is deleted. The unique
 * (target, asset) pair means an asset is never shared twice to one production: a second request finds the record.
 * Who may share is checked by the caller (the copy of a project asset with share_linked_assets: read on the asset's
 * production, `asset.share` in the target).
 */

export interface ShareOutcome {
  started: string[];
  /** Already shared (or being shared) to the target. */
  already: string[];
}

/** Starts sharing `assetIds` into the target, in the caller's transaction (records and jobs commit with it). */
export async function shareAssetsInto(tx: Ctx, p: { targetWorkspaceId: string; assetIds: readonly string[] }): Promise<ShareOutcome> {
  const out: ShareOutcome = { started: [], already: [] };
  const target = await tx.db.selectFrom('workspaces').select(['id', 'account_id']).where('id', '=', p.targetWorkspaceId).executeTakeFirst();
  if (!target || p.assetIds.length === 0) {
    return out;
  }
  const assets = await tx.db
    .selectFrom('assets as a')
    .innerJoin('workspaces as w', 'w.id', 'a.workspace_id')
    .select(['a.id', 'a.workspace_id', 'a.name'])
    .where('w.account_id', '=', target.account_id)
    .where('a.id', 'in', [...new Set(p.assetIds)])
    .where('a.is_active', '=', 1)
    .execute();
  const now = isoNow(tx.clock);
  for (const a of assets) {
    if (a.workspace_id === target.id) {
      continue;
    }
    const id = newId();
    const r = await tx.db
      .insertInto('production_contents')
      .values({ id, account_id: target.account_id, workspace_id: target.id, asset_id: a.id, source_workspace_id: a.workspace_id, state: 'TRANSFERRING', shared_asset_id: null, created_by_user_id: tx.actor.userId || null, created_at: now, updated_at: now })
      .onConflict((oc) => oc.columns(['workspace_id', 'asset_id']).doNothing())
      .executeTakeFirst();
    if (Number(r.numInsertedOrUpdatedRows ?? 0n) === 0) {
      out.already.push(a.id);
      continue;
    }
    out.started.push(a.id);
    await enqueue(tx, assetShareJob, { workspace_id: target.id, production_content_id: id, user_id: tx.actor.userId || null });
    await recordHistory(tx, {
      accountId: target.account_id,
      workspaceId: a.workspace_id,
      assetId: a.id,
      userId: tx.actor.userId || null,
      subjectType: 'production_content',
      recordId: id,
      type: 'asset_share_started',
      data: { target_workspace_id: target.id, state: 'TRANSFERRING' },
    });
  }
  return out;
}

/** The productions (workspace sequences) an asset is shared with and AVAILABLE in (`shared_with_productions`). */
export async function sharedWithProductions(db: Kysely<DB>, assetIds: readonly string[]): Promise<Map<string, number[]>> {
  const out = new Map<string, number[]>();
  if (assetIds.length === 0) {
    return out;
  }
  const rows = await db
    .selectFrom('production_contents as pc')
    .innerJoin('workspaces as w', 'w.id', 'pc.workspace_id')
    .select(['pc.asset_id', 'w.sequence'])
    .where('pc.asset_id', 'in', [...new Set(assetIds)])
    .where('pc.state', '=', 'AVAILABLE')
    .orderBy('w.sequence')
    .execute();
  for (const r of rows) {
    out.set(r.asset_id, [...(out.get(r.asset_id) ?? []), Number(r.sequence)]);
  }
  return out;
}

/** The production content records of a target workspace (state and the shared asset), newest first. */
export function listProductionContents(db: Kysely<DB>, scope: { workspaceId: string }): Promise<ProductionContentRow[]> {
  return db.selectFrom('production_contents').selectAll().where('workspace_id', '=', scope.workspaceId).orderBy('sequence', 'desc').execute();
}
