import { Type } from '@sinclair/typebox';
import type { Kysely } from 'kysely';
import type { DB, ProductionContentRow } from '../../db/schema.js';
import { defineJob } from '../../jobs/define.js';
import { isoNow } from '../../lib/clock.js';
import { newId } from '../../lib/ids.js';
import { numberedName } from '../../lib/zip-names.js';
import { findActiveAssetAtPath, insertAsset, updateAssetRow } from '../assets/assets.repo.js';
import { inTransaction, type Deps } from '../context.js';
import { isDomainError } from '../errors.js';
import { ensureFolderPath } from '../folders/folder-paths.js';
import { recordHistory } from '../history/history.service.js';
import { jobActor } from '../project-assets/job-actor.js';
import { reindexAsset } from '../search/search-index.js';
import { copyReadyDerivatives, listDerivativesOfVersions } from '../versions/derivatives.js';
import { insertVersion } from '../versions/versions.repo.js';
import { shareTargetFolder } from './share-target.js';

/*
 * Copies a shared asset's high-res bytes into the target production (spec §2.3.8): read from the blob store and
 * written through it again with size and SHA-256 checked, then, in ONE transaction, a new asset in the target (at the
 * folder of the target's device for the asset's type; the first free name there) with one version of those bytes
 * and the source's ready derivatives (a share neither transcodes nor detects shots), and the record set AVAILABLE.
 * On a failure no retry can cure, and when the job goes dead, the record is deleted, as the product docs say.
 */

const Payload = Type.Object({ workspace_id: Type.String(), production_content_id: Type.String(), user_id: Type.Union([Type.String(), Type.Null()]) });

const findRecord = (db: Kysely<DB>, p: { workspace_id: string; production_content_id: string }): Promise<ProductionContentRow | undefined> =>
  db.selectFrom('production_contents').selectAll().where('workspace_id', '=', p.workspace_id).where('id', '=', p.production_content_id).executeTakeFirst();

/** Deletes a record still TRANSFERRING (the share failed) and records why. */
async function dropRecord(deps: Deps, p: { workspace_id: string; production_content_id: string }, reason: string): Promise<void> {
  await inTransaction(deps, async (tx) => {
    const rec = await findRecord(tx.db, p);
    if (!rec || rec.state !== 'TRANSFERRING') {
      return;
    }
    await tx.db.deleteFrom('production_contents').where('workspace_id', '=', rec.workspace_id).where('id', '=', rec.id).execute();
    await recordHistory(tx, {
      accountId: rec.account_id,
      workspaceId: rec.source_workspace_id,
      assetId: rec.asset_id,
      userId: rec.created_by_user_id,
      subjectType: 'production_content',
      recordId: rec.id,
      type: 'asset_share_failed',
      data: { target_workspace_id: rec.workspace_id, error: reason },
    });
  });
}

export const assetShareJob = defineJob({
  name: 'asset.share',
  payload: Payload,
  retry: { maxAttempts: 5, backoff: { baseSeconds: 5, maxSeconds: 300 } },
  timeoutSeconds: 3600,
  async handler(ctx, payload) {
    const rec = await findRecord(ctx.db, payload);
    const source = rec
      ? await ctx.db
          .selectFrom('assets as a')
          .innerJoin('asset_versions as v', (j) => j.onRef('v.id', '=', 'a.current_version_id').onRef('v.workspace_id', '=', 'a.workspace_id'))
          .selectAll('a')
          .select(['v.id as version_id', 'v.blob_key', 'v.size', 'v.checksum', 'v.content_type', 'v.original_file_name', 'v.metadata'])
          .where('a.workspace_id', '=', rec.source_workspace_id)
          .where('a.id', '=', rec.asset_id)
          .executeTakeFirst()
      : undefined;
    if (!rec || rec.state !== 'TRANSFERRING') {
      await inTransaction(ctx, async (tx) => ctx.completeWithin(tx.db));
      return;
    }
    if (!source) {
      await dropRecord(ctx, payload, 'The shared asset has no file.');
      await inTransaction(ctx, async (tx) => ctx.completeWithin(tx.db));
      return;
    }
    let blob;
    try {
      blob = await ctx.blobs.put(await ctx.blobs.get(source.blob_key), { expectedSha256: source.checksum, expectedSize: Number(source.size) });
    } catch (err) {
      if (isDomainError(err)) {
        await dropRecord(ctx, payload, err.message);
        await inTransaction(ctx, async (tx) => ctx.completeWithin(tx.db));
        return;
      }
      throw err;
    }
    const actor = await jobActor(ctx, { userId: payload.user_id, accountId: rec.account_id, workspaceId: rec.workspace_id });
    await inTransaction(actor, async (tx) => {
      const now = isoNow(tx.clock);
      const folder = await shareTargetFolder(tx.db, { workspaceId: rec.workspace_id, assetTypeId: source.asset_type_id, fallback: source.file_location });
      let fileName = source.file_name;
      for (let n = 2; await findActiveAssetAtPath(tx.db, { workspaceId: rec.workspace_id, fileLocation: folder, fileName }); n++) {
        fileName = numberedName(source.file_name, n);
      }
      const asset = await insertAsset(tx.db, {
        id: newId(), workspace_id: rec.workspace_id, name: source.name, file_name: fileName, file_location: folder, asset_type_id: source.asset_type_id,
        status_id: null, description: source.description, current_version_id: null, created_by_user_id: rec.created_by_user_id,
        locked_by_user_id: null, deleted_at: null, deleted_by_user_id: null, created_at: now, updated_at: now,
      });
      const version = await insertVersion(tx.db, {
        id: newId(), asset_id: asset.id, workspace_id: rec.workspace_id, version_number: 1, commit_parent_id: null, name: 'Version 1', description: '',
        blob_key: blob.key, size: blob.size, checksum: blob.sha256, content_type: source.content_type, original_file_name: source.original_file_name,
        thumbnail_blob_key: null, metadata: source.metadata, created_by_user_id: rec.created_by_user_id, created_at: now, deleted_at: null,
      });
      await updateAssetRow(tx.db, { workspaceId: rec.workspace_id, id: asset.id }, { current_version_id: version.id });
      const derivatives = await listDerivativesOfVersions(tx.db, { workspaceId: rec.source_workspace_id, versionIds: [source.version_id] });
      await copyReadyDerivatives(tx, { workspaceId: rec.workspace_id, from: derivatives, toVersionId: version.id });
      await ensureFolderPath(tx, rec.workspace_id, folder);
      await reindexAsset(tx, { workspaceId: rec.workspace_id, assetId: asset.id });
      await tx.db.updateTable('production_contents').set({ state: 'AVAILABLE', shared_asset_id: asset.id, updated_at: now }).where('workspace_id', '=', rec.workspace_id).where('id', '=', rec.id).execute();
      for (const [workspaceId, assetId, type] of [[rec.workspace_id, asset.id, 'asset_created'], [rec.source_workspace_id, rec.asset_id, 'asset_shared']] as const) {
        await recordHistory(tx, {
          accountId: rec.account_id, workspaceId, assetId, userId: rec.created_by_user_id, subjectType: type === 'asset_shared' ? 'production_content' : 'asset',
          recordId: type === 'asset_shared' ? rec.id : assetId, type,
          data: { production_content_id: rec.id, source_asset_id: rec.asset_id, shared_asset_id: asset.id, target_workspace_id: rec.workspace_id, state: 'AVAILABLE' },
        });
      }
      await ctx.completeWithin(tx.db);
    });
  },
  async onDead(deps, payload, error) {
    await dropRecord(deps, payload, error);
  },
});
