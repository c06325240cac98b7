import { Type } from '@sinclair/typebox';
import { defineJob } from '../../jobs/define.js';
import { isoNow } from '../../lib/clock.js';
import { crashPoint } from '../../lib/crash-points.js';
import type { Deps } from '../context.js';
import { inTransaction } from '../context.js';
import { trashAssets } from '../trash/trash.service.js';
import { listBundleFiles } from './bundle-files.js';
import { jobActor } from './job-actor.js';
import { deleteProjectAssetRow, updateProjectAsset } from './project-assets.repo.js';
import { recordProjectAssetEvent } from './project-asset-events.js';

/*
 * The asynchronous DELETE of a project asset (seed 003: 202, "delete a project asset and all of its files; linked
 * assets are not deleted"). Each of the bundle's files moves to the workspace's trash in its own transaction (so a
 * killed run resumes with the files still live); linked media assets and other project assets' project files are
 * kept. The last transaction trashes the project file, removes the row (its links go with it) and ends the job.
 * When the job goes dead the project asset comes back with status_asset -1 and the reason.
 */

const Payload = Type.Object({ workspace_id: Type.String(), project_asset_id: Type.String(), user_id: Type.Union([Type.String(), Type.Null()]) });

async function findRow(deps: Deps, p: { workspace_id: string; project_asset_id: string }) {
  return deps.db.selectFrom('project_assets').selectAll().where('workspace_id', '=', p.workspace_id).where('id', '=', p.project_asset_id).executeTakeFirst();
}

/** Assets a delete must keep: media linked to any project asset, and other project assets' project files. */
async function keptAssetIds(deps: Deps, p: { workspaceId: string; projectAssetId: string }): Promise<Set<string>> {
  const [links, projectFiles] = await Promise.all([
    deps.db.selectFrom('project_asset_links').select('asset_id').where('asset_workspace_id', '=', p.workspaceId).execute(),
    deps.db.selectFrom('project_assets').select('asset_id').where('workspace_id', '=', p.workspaceId).where('id', '!=', p.projectAssetId).execute(),
  ]);
  return new Set([...links.map((l) => l.asset_id), ...projectFiles.map((r) => r.asset_id)]);
}

export const projectAssetDeleteJob = defineJob({
  name: 'project_asset.delete',
  payload: Payload,
  retry: { maxAttempts: 3, backoff: { baseSeconds: 2, maxSeconds: 60 } },
  timeoutSeconds: 600,
  async handler(ctx, payload) {
    const row = await findRow(ctx, payload);
    if (!row || row.deleting_at === null) {
      // Already removed by an earlier run, or no delete pending (it failed and was settled): nothing to do.
      await inTransaction(ctx, async (tx) => ctx.completeWithin(tx.db));
      return;
    }
    const actorCtx = { ...(await jobActor(ctx, { userId: payload.user_id, accountId: row.account_id, workspaceId: row.workspace_id })), signal: ctx.signal };
    const kept = await keptAssetIds(ctx, { workspaceId: row.workspace_id, projectAssetId: row.id });
    const files = (await listBundleFiles(ctx.db, { workspaceId: row.workspace_id, bundleRoot: row.bundle_root })).filter(
      (f) => !kept.has(f.assetId) && f.assetId !== row.asset_id,
    );
    let done = 0;
    for (const f of files) {
      ctx.signal.throwIfAborted();
      await trashAssets(actorCtx, [f.assetId]);
      done += 1;
      if (done === 1) {
        crashPoint('project-asset.delete.after-first-file');
      }
    }
    await inTransaction(actorCtx, async (tx) => {
      const projectFile = await tx.db.selectFrom('assets').select(['id', 'is_active']).where('workspace_id', '=', row.workspace_id).where('id', '=', row.asset_id).executeTakeFirst();
      if (projectFile && projectFile.is_active === 1 && !kept.has(projectFile.id)) {
        await trashAssets(tx, [projectFile.id]);
      }
      await recordProjectAssetEvent(tx, row, 'project_asset_deleted', { bundle_root: row.bundle_root, files_trashed: files.length });
      await deleteProjectAssetRow(tx.db, { workspaceId: row.workspace_id, id: row.id });
      await ctx.completeWithin(tx.db);
    });
  },
  async onDead(deps, payload, error) {
    await inTransaction(deps, async (tx) => {
      const row = await findRow(tx, payload);
      if (!row || row.deleting_at === null) {
        return;
      }
      const now = isoNow(tx.clock);
      const updated = await updateProjectAsset(tx.db, { workspaceId: row.workspace_id, id: row.id }, {
        deleting_at: null,
        date_del: null,
        status_asset: -1,
        status_asset_description: `Deleting the project asset failed: ${error}`.slice(0, 1000),
        updated_at: now,
      });
      if (updated) {
        const actorCtx = await jobActor(tx, { userId: payload.user_id, accountId: row.account_id, workspaceId: row.workspace_id });
        await recordProjectAssetEvent(actorCtx, updated, 'project_asset_delete_failed', { error });
      }
    });
  },
});
