import { Type } from '@sinclair/typebox';
import type { ProjectAssetRow } from '../../db/schema.js';
import { defineJob, type JobCtx } from '../../jobs/define.js';
import { isoNow } from '../../lib/clock.js';
import { crashPoint } from '../../lib/crash-points.js';
import { inTransaction, type Ctx, type Deps } from '../context.js';
import { isDomainError } from '../errors.js';
import { commitUpload } from '../uploads/commit.service.js';
import { splitBundlePath } from './bundle-files.js';
import { jobActor } from './job-actor.js';
import { recordProjectAssetEvent } from './project-asset-events.js';
import { deleteCopyFiles, listPendingCopyFiles, markCopyFileDone, updateProjectAsset } from './project-assets.repo.js';
import { shareAssetsInto } from '../sharing/sharing.service.js';

/*
 * Copies a project asset's bundle for real (seed 003, "Copy Project Asset"): each listed file is read from the blob
 * store and written through it again with its size and SHA-256 checked, then committed as a version of the asset at
 * the same path below the copy's bundle root. A file's commit and its "copied" mark are one transaction, so a run
 * killed at any point resumes with the files still missing and never makes one twice. Only the last transaction,
 * which also ends the job, sets `status_asset` 6 and `is_production` true: a half-copied bundle is never reported
 * done. A file that cannot be copied (its bytes are gone or differ from their checksum) ends the copy at once in
 * -1 with the reason; other failures are retried and, when the job goes dead, end in -1 with the last error.
 */

const Payload = Type.Object({
  workspace_id: Type.String(),
  project_asset_id: Type.String(),
  user_id: Type.Union([Type.String(), Type.Null()]),
  /** Linked media to share into the copy's production once the files are in place (share_linked_assets). */
  share_asset_ids: Type.Array(Type.String()),
});

async function findRow(deps: Deps, p: { workspace_id: string; project_asset_id: string }): Promise<ProjectAssetRow | undefined> {
  return deps.db.selectFrom('project_assets').selectAll().where('workspace_id', '=', p.workspace_id).where('id', '=', p.project_asset_id).executeTakeFirst();
}

/** Puts the copy in ERROR with `reason` and forgets its file list; true when it was still copying. */
async function failCopy(deps: Deps, p: { workspace_id: string; project_asset_id: string; user_id: string | null }, reason: string, end?: JobCtx): Promise<void> {
  await inTransaction(deps, async (tx) => {
    const row = await findRow(tx, p);
    if (row && row.status_asset === 0) {
      const updated = await updateProjectAsset(tx.db, { workspaceId: row.workspace_id, id: row.id }, {
        status_asset: -1,
        status_asset_description: `Copying the project asset failed: ${reason}`.slice(0, 1000),
        updated_at: isoNow(tx.clock),
      });
      await deleteCopyFiles(tx.db, { workspaceId: row.workspace_id, projectAssetId: row.id });
      if (updated) {
        const actor = await jobActor(tx, { userId: p.user_id, accountId: row.account_id, workspaceId: row.workspace_id });
        await recordProjectAssetEvent(actor, updated, 'project_asset_copy_failed', { error: reason });
      }
    }
    if (end) {
      await end.completeWithin(tx.db);
    }
  });
}

/** A failure that another attempt cannot cure: the source bytes are missing or not what their checksum says. */
const isPermanent = (err: unknown): boolean => isDomainError(err) && (err.kind === 'not_found' || err.kind === 'invalid' || err.kind === 'forbidden');

/** Copies one file and marks it copied, in one transaction. */
async function copyOne(actor: Ctx, row: ProjectAssetRow, file: Awaited<ReturnType<typeof listPendingCopyFiles>>[number]): Promise<void> {
  const source = await actor.blobs.get(file.blob_key);
  const blob = await actor.blobs.put(source, { expectedSha256: file.checksum, expectedSize: Number(file.size) });
  const { fileLocation, fileName } = splitBundlePath(row.bundle_root, file.relative_path);
  await inTransaction(actor, async (tx) => {
    const committed = await commitUpload(tx, {
      workspaceId: row.workspace_id,
      blob,
      contentType: file.content_type,
      originalFileName: fileName,
      target: { newAsset: { fileLocation } },
    });
    await markCopyFileDone(tx.db, { workspaceId: row.workspace_id, id: file.id }, committed.version.id);
  });
}

export const projectAssetCopyJob = defineJob({
  name: 'project_asset.copy',
  payload: Payload,
  retry: { maxAttempts: 5, backoff: { baseSeconds: 5, maxSeconds: 300 } },
  timeoutSeconds: 3600,
  async handler(ctx, payload) {
    const row = await findRow(ctx, payload);
    if (!row || row.status_asset !== 0) {
      // Finished or failed by an earlier run, or deleted meanwhile.
      await inTransaction(ctx, async (tx) => ctx.completeWithin(tx.db));
      return;
    }
    const actor = { ...(await jobActor(ctx, { userId: payload.user_id, accountId: row.account_id, workspaceId: row.workspace_id })), signal: ctx.signal };
    const pending = await listPendingCopyFiles(ctx.db, { workspaceId: row.workspace_id, projectAssetId: row.id });
    let copied = 0;
    for (const file of pending) {
      ctx.signal.throwIfAborted();
      try {
        await copyOne(actor, row, file);
      } catch (err) {
        if (isPermanent(err)) {
          await failCopy(ctx, payload, `${file.relative_path}: ${err instanceof Error ? err.message : String(err)}`, ctx);
          return;
        }
        throw err;
      }
      copied += 1;
      if (copied === 1) {
        crashPoint('project-asset.copy.after-first-file');
      }
    }
    await inTransaction(actor, async (tx) => {
      const still = await listPendingCopyFiles(tx.db, { workspaceId: row.workspace_id, projectAssetId: row.id });
      if (still.length > 0) {
        throw new Error(`${still.length} files of the copy are still missing`);
      }
      const now = isoNow(tx.clock);
      const done = await updateProjectAsset(tx.db, { workspaceId: row.workspace_id, id: row.id }, { status_asset: 6, is_production: 1, status_asset_description: '', updated_at: now });
      await deleteCopyFiles(tx.db, { workspaceId: row.workspace_id, projectAssetId: row.id });
      if (done) {
        await recordProjectAssetEvent(tx, done, 'project_asset_copied', { files_copied: copied });
      }
      if (payload.share_asset_ids.length > 0) {
        await shareAssetsInto(tx, { targetWorkspaceId: row.workspace_id, assetIds: payload.share_asset_ids });
      }
      await ctx.completeWithin(tx.db);
    });
  },
  async onDead(deps, payload, error) {
    await failCopy(deps, payload, error);
  },
});
