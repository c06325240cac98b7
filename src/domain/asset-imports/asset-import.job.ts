import { Type } from '@sinclair/typebox';
import { constants } from 'node:fs';
import { open, rm } from 'node:fs/promises';
import type { ImportLogRow } from '../../db/schema.js';
import { defineJob } from '../../jobs/define.js';
import { isoNow } from '../../lib/clock.js';
import { classifyAssetType } from '../assets/asset-types.js';
import { inTransaction, type Deps } from '../context.js';
import { errors, isDomainError } from '../errors.js';
import { applyImportedMeta, checkImportedMeta } from '../media-assets/media-assets.service.js';
import type { MediaKind } from '../media-assets/media-assets.repo.js';
import { jobActor } from '../project-assets/job-actor.js';
import { commitUpload } from '../uploads/commit.service.js';
import { resolveImportPath } from '../uploads/import-path.js';
import { storeStream } from '../uploads/stream-store.js';
import { uploadLimit } from '../uploads/upload-limit.js';
import { findImportLog, updateImportLog } from './import-logs.repo.js';
import { importTarget, type ImportRequest } from './asset-imports.rules.js';

/*
 * Runs one medialoopster import (spec §2.3.7): the file is streamed into the blob store (size-capped, hashed), its
 * sniffed kind must be the requested `type`, and the asset commit and the ImportLog's `completed` are one
 * transaction, so a run killed before it leaves the log `running` and the next run does it again (the blob is
 * content-addressed: storing it twice stores it once). A failure no retry can cure ends the log `failed` with the
 * reason; the job going dead does the same. The request's `approval` and `meta_field_store` are applied to the asset
 * in that same transaction, the store checked against the custom metadata definitions first, as PATCH checks it.
 */

const Payload = Type.Object({ workspace_id: Type.String(), import_log_id: Type.String() });

async function failLog(deps: Deps, row: ImportLogRow, message: string): Promise<void> {
  const now = isoNow(deps.clock);
  await updateImportLog(deps.db, { workspaceId: row.workspace_id, id: row.id }, { state: 'failed', message: message.slice(0, 1000), updated_at: now, finished_at: now });
}

export const assetImportJob = defineJob({
  name: 'asset.import',
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
    const req = JSON.parse(row.request) as ImportRequest;
    const actor = await jobActor(ctx, { userId: row.created_by_user_id, accountId: row.account_id, workspaceId: row.workspace_id });
    try {
      const target = importTarget(req.pathFile);
      // Checked before the file is read: a bad value fails the import with its reason and writes nothing.
      const store = await checkImportedMeta(actor, row.media_type as MediaKind, { metaFieldStore: req.metaFieldStore });
      const resolved = await resolveImportPath(ctx.config.imports.roots, req.pathFile);
      if (resolved.isDirectory) {
        throw errors.invalidField('body', 'asset/asset_meta/path_file', 'Names a directory, not a file.');
      }
      // O_NOFOLLOW: a file swapped for a symlink after the check is not read.
      const fh = await open(resolved.path, constants.O_RDONLY | constants.O_NOFOLLOW);
      const file = await storeStream(ctx.blobs, fh.createReadStream({ highWaterMark: 1024 * 1024 }), target.fileName, { maxBytes: await uploadLimit(ctx, row.account_id) });
      const kind = classifyAssetType({ contentType: file.contentType, fileName: target.fileName });
      if (kind !== row.media_type) {
        throw errors.invalid('import_wrong_type', `The file is not ${row.media_type === 'audio' ? 'an' : 'a'} ${row.media_type} file (its content is ${file.contentType}).`);
      }
      await inTransaction(actor, async (tx) => {
        const committed = await commitUpload(tx, {
          workspaceId: row.workspace_id,
          blob: file.blob,
          contentType: file.contentType,
          originalFileName: target.fileName,
          target: { newAsset: { fileLocation: target.fileLocation, name: req.name, description: req.description } },
        });
        await applyImportedMeta(tx, { workspaceId: row.workspace_id, assetId: committed.asset.id }, { approval: req.approval, store });
        const now = isoNow(tx.clock);
        await updateImportLog(tx.db, { workspaceId: row.workspace_id, id: row.id }, {
          state: 'completed',
          asset_id: committed.asset.id,
          message: committed.createdAsset ? 'Imported.' : 'Imported as a new version of the asset at this path.',
          updated_at: now,
          finished_at: now,
        });
        await ctx.completeWithin(tx.db);
      });
      if (req.moveAsset) {
        // The asset is committed: the source is no longer needed ("move"). A failure to remove it is only noted.
        await rm(resolved.path).catch(async (err: unknown) => {
          await updateImportLog(ctx.db, { workspaceId: row.workspace_id, id: row.id }, { message: `Imported; the source could not be removed: ${(err as Error).message}` });
        });
      }
    } catch (err) {
      if (isDomainError(err) || (err as NodeJS.ErrnoException).code === 'ENOENT') {
        // The log keeps each field's reason too (which custom metadata key, and why), not only the summary.
        const fields = isDomainError(err) ? (err.details?.fields ?? []) : [];
        const reasons = fields.map((f) => `${f.pointer}: ${f.message}`).join('; ');
        await failLog(ctx, row, `${err instanceof Error ? err.message : String(err)}${reasons ? ` ${reasons}` : ''}`);
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
