import { Type } from '@sinclair/typebox';
import type { ImportLogRow } from '../../db/schema.js';
import { defineJob } from '../../jobs/define.js';
import { isoNow } from '../../lib/clock.js';
import { findActiveAssetAtPath, updateAssetRow } from '../assets/assets.repo.js';
import { inTransaction, type Deps } from '../context.js';
import { errors, isDomainError } from '../errors.js';
import { ensureFolderPath } from '../folders/folder-paths.js';
import { recordHistory } from '../history/history.service.js';
import { findDevice, listWorkspaceDevices } from '../productions/devices.repo.js';
import { jobActor } from '../project-assets/job-actor.js';
import { reindexAsset } from '../search/search-index.js';
import { findImportLog, updateImportLog } from './import-logs.repo.js';

/*
 * Runs one archive or restore (spec §2.3.7). The asset's high-res bytes are first read back through the blob store
 * and checked against their checksum (an archive is only made of intact bytes); then, in ONE transaction, the asset
 * moves to the archive device (archive) or back to the folder it came from (restore) and the ImportLog is completed.
 * Until that commit the asset is where it was, so `is_archive`/`is_production` (archive-state.ts) stay true to the
 * bytes at every step; a killed run is run again. A failure no retry cures ends the log `failed` with the reason.
 */

const Payload = Type.Object({ workspace_id: Type.String(), import_log_id: Type.String() });

async function failLog(deps: Deps, row: ImportLogRow, message: string): Promise<void> {
  const now = isoNow(deps.clock);
  await updateImportLog(deps.db, { workspaceId: row.workspace_id, id: row.id }, { state: 'failed', message: message.slice(0, 1000), updated_at: now, finished_at: now });
}

/** Where the asset goes: the archive device's path plus its folder below its production device; or its origin. */
async function destinationOf(deps: Deps, row: ImportLogRow, from: string): Promise<string> {
  if (row.kind === 'restore') {
    if (!row.origin_location) {
      throw errors.invalid('restore_without_origin', 'The folder the asset was archived from is not known.');
    }
    return row.origin_location;
  }
  const req = JSON.parse(row.request) as { device_id?: string };
  const archive = req.device_id ? await findDevice(deps.db, { workspaceId: row.workspace_id, id: req.device_id }) : undefined;
  if (!archive || archive.is_archive !== 1) {
    throw errors.invalid('archive_device_gone', 'The archive device no longer exists.');
  }
  const own = (await listWorkspaceDevices(deps.db, { workspaceId: row.workspace_id })).find((d) => d.is_archive !== 1 && from.startsWith(d.path));
  return `${archive.path}${from.slice(own ? own.path.length : 1)}`;
}

export const assetArchiveJob = defineJob({
  name: 'asset.archive',
  payload: Payload,
  retry: { maxAttempts: 3, backoff: { baseSeconds: 5, maxSeconds: 120 } },
  timeoutSeconds: 6 * 3600,
  async handler(ctx, payload) {
    const row = await findImportLog(ctx.db, { workspaceId: payload.workspace_id, id: payload.import_log_id });
    if (!row || row.state === 'completed' || row.state === 'failed') {
      await inTransaction(ctx, async (tx) => ctx.completeWithin(tx.db));
      return;
    }
    await updateImportLog(ctx.db, { workspaceId: row.workspace_id, id: row.id }, { state: 'running', updated_at: isoNow(ctx.clock) });
    try {
      const asset = row.asset_id ? await ctx.db.selectFrom('assets').selectAll().where('workspace_id', '=', row.workspace_id).where('id', '=', row.asset_id).executeTakeFirst() : undefined;
      if (!asset || asset.is_active !== 1) {
        throw errors.notFound('asset');
      }
      const dest = await destinationOf(ctx, row, asset.file_location);
      const version = asset.current_version_id
        ? await ctx.db.selectFrom('asset_versions').select(['blob_key', 'checksum', 'size']).where('workspace_id', '=', row.workspace_id).where('id', '=', asset.current_version_id).executeTakeFirst()
        : undefined;
      if (version) {
        await ctx.blobs.put(await ctx.blobs.get(version.blob_key), { expectedSha256: version.checksum, expectedSize: Number(version.size) });
      }
      const actor = await jobActor(ctx, { userId: row.created_by_user_id, accountId: row.account_id, workspaceId: row.workspace_id });
      await inTransaction(actor, async (tx) => {
        const clash = await findActiveAssetAtPath(tx.db, { workspaceId: row.workspace_id, fileLocation: dest, fileName: asset.file_name });
        if (clash && clash.id !== asset.id) {
          throw errors.conflict('archive_path_taken', `Another file is already at ${dest}${asset.file_name}.`);
        }
        const now = isoNow(tx.clock);
        await updateAssetRow(tx.db, { workspaceId: row.workspace_id, id: asset.id }, { file_location: dest, updated_at: now });
        await ensureFolderPath(tx, row.workspace_id, dest);
        await reindexAsset(tx, { workspaceId: row.workspace_id, assetId: asset.id });
        await recordHistory(tx, {
          accountId: row.account_id, workspaceId: row.workspace_id, assetId: asset.id, userId: row.created_by_user_id, subjectType: 'asset', recordId: asset.id,
          type: row.kind === 'archive' ? 'asset_archived' : 'asset_restored_from_archive',
          data: { from: asset.file_location, to: dest, import_log_id: Number(row.sequence) },
        });
        await updateImportLog(tx.db, { workspaceId: row.workspace_id, id: row.id }, {
          state: 'completed', message: row.kind === 'archive' ? `Archived to ${dest}.` : `Restored to ${dest}.`, updated_at: now, finished_at: now,
        });
        await ctx.completeWithin(tx.db);
      });
    } catch (err) {
      if (isDomainError(err) && err.kind !== 'unavailable' && err.kind !== 'timed_out') {
        await failLog(ctx, row, err.message);
        await inTransaction(ctx, async (tx) => ctx.completeWithin(tx.db));
        return;
      }
      throw err;
    }
  },
  async onDead(deps, payload, error) {
    const row = await findImportLog(deps.db, { workspaceId: payload.workspace_id, id: payload.import_log_id });
    if (row && row.state !== 'completed') {
      await failLog(deps, row, error);
    }
  },
});
