import type { ProjectAssetRow } from '../../db/schema.js';
import { isoNow } from '../../lib/clock.js';
import { newId } from '../../lib/ids.js';
import { enqueue } from '../../jobs/queue.js';
import { inTransaction, type Ctx } from '../context.js';
import { DomainError, errors } from '../errors.js';
import { listBundleFiles } from './bundle-files.js';
import { findDeviceFor, isOnDevice } from './devices-link.js';
import { canIn, readableProductionIds, requireIn } from '../productions/production-access.js';
import { projectAssetCopyJob } from './project-asset-copy.job.js';
import { recordProjectAssetEvent } from './project-asset-events.js';
import type { ProjectAssetView } from './project-asset-views.js';
import { findProjectAssetBySequence, insertLinkIfMissing, insertProjectAsset, listLinks } from './project-assets.repo.js';
import { cleanPathFile, type ProjectAssetInput } from './project-assets.rules.js';
import { requireProduction, requireView } from './project-assets.service.js';
import { ensureProjectFileAsset } from './project-file.js';

/*
 * The asynchronous copy of a project asset (seed 003 "Copy Project Asset", medialoopster 5.3.1): a new project asset
 * with the source's metadata and custom metadata, `status_asset` 0 and `is_production` false, linked to the
 * source's media; the bundle's files are listed now and copied by the `project_asset.copy` job, which sets 6 and
 * true when every file is in place, or -1 with the reason.
 */

const invalidCopyOf = (message: string, code = 'invalid'): DomainError =>
  new DomainError('invalid', code, message, { fields: [{ in: 'body', pointer: '/copy_of', message }] });

/** The source: a project asset of a production the caller can read (else 400 does_not_exist), in production. */
async function requireSource(ctx: Ctx, sequence: number): Promise<ProjectAssetRow> {
  const row = ctx.actor.accountId === null ? undefined : await findProjectAssetBySequence(ctx.db, { accountId: ctx.actor.accountId, sequence });
  if (!row || row.deleting_at !== null || !(await canIn(ctx, row.workspace_id, 'asset.read'))) {
    throw invalidCopyOf(`Invalid pk "${sequence}" - object does not exist.`, 'does_not_exist');
  }
  if (row.is_production !== 1 || row.status_asset !== 6) {
    throw invalidCopyOf(`The project asset ${sequence} is not in production (is_production=false) and cannot be copied.`);
  }
  return row;
}

/** Creates the copy (201) and queues its files' copy. `share`: the query's share_linked_assets. */
export async function copyProjectAsset(ctx: Ctx, input: ProjectAssetInput & { copyOf: number }, share: boolean): Promise<ProjectAssetView> {
  const source = await requireSource(ctx, input.copyOf);
  const target = await requireProduction(ctx, input.production);
  await requireIn(ctx, target.id, 'project_asset.copy');
  await requireIn(ctx, target.id, 'asset.write');
  if (share) {
    await requireIn(ctx, target.id, 'asset.share');
  }
  const root = input.bundleRoot;
  if (target.id === source.workspace_id && (root.startsWith(source.bundle_root) || source.bundle_root.startsWith(root))) {
    throw errors.invalidField('body', 'bundle_root', 'The copy\'s bundle must not overlap the bundle it is copied from.');
  }
  // Seed 003: the copy's bundle_root "must be on a Device" of the target production.
  if (!(await isOnDevice(ctx.db, { workspaceId: target.id, path: root }))) {
    throw errors.invalidField('body', 'bundle_root', 'Must lie on a device of the target production.');
  }
  const deviceId = await findDeviceFor(ctx.db, { workspaceId: target.id, path: root });
  const sourceFile = await ctx.db.selectFrom('assets').selectAll().where('workspace_id', '=', source.workspace_id).where('id', '=', source.asset_id).executeTakeFirstOrThrow();
  const projectRelative = source.path_file.startsWith(source.bundle_root) ? source.path_file.slice(source.bundle_root.length) : sourceFile.file_name;
  const file = cleanPathFile(input.pathFile ?? `${root}${projectRelative}`, root);
  const readable = new Set(await readableProductionIds(ctx));

  const row = await inTransaction(ctx, async (tx) => {
    const inTarget = { ...tx, actor: { ...tx.actor, workspaceId: target.id } };
    const asset = await ensureProjectFileAsset(inTarget, {
      workspaceId: target.id,
      fileLocation: file.fileLocation,
      fileName: file.fileName,
      name: input.name,
      description: input.description ?? sourceFile.description,
    });
    const taken = await tx.db.selectFrom('project_assets').select('id').where('asset_id', '=', asset.id).executeTakeFirst();
    if (taken) {
      throw errors.invalidField('body', 'path_file', 'This project file already belongs to a project asset.');
    }
    const now = isoNow(tx.clock);
    const copy = await insertProjectAsset(tx.db, {
      id: newId(),
      account_id: target.account_id,
      workspace_id: target.id,
      asset_id: asset.id,
      bundle_root: root,
      path_file: `${asset.file_location}${asset.file_name}`,
      nle_type: source.nle_type,
      status_asset: 0,
      status_asset_description: '',
      status_editing: source.status_editing,
      status_approval: input.statusApproval ?? source.status_approval,
      is_production: 0,
      is_archive: 0,
      name_editor: input.nameEditor ?? source.name_editor,
      name_studio: input.nameStudio ?? source.name_studio,
      date_crt: input.dateCrt !== undefined ? input.dateCrt : source.date_crt,
      device_id: deviceId,
      meta_field_store: source.meta_field_store,
      copy_of_id: source.id,
      created_by_user_id: tx.actor.userId,
      created_at: now,
      updated_at: now,
    });
    // The bundle as it is now: the files the job must make (the project file included), by path below the root.
    const files = await listBundleFiles(tx.db, { workspaceId: source.workspace_id, bundleRoot: source.bundle_root });
    for (const f of files) {
      const relativePath = f.assetId === source.asset_id ? `${file.fileLocation.slice(root.length)}${file.fileName}` : f.relativePath;
      await tx.db
        .insertInto('project_asset_copy_files')
        .values({ id: newId(), workspace_id: target.id, project_asset_id: copy.id, relative_path: relativePath, blob_key: f.blobKey, size: f.size, checksum: f.checksum, content_type: f.contentType, created_at: now })
        .onConflict((oc) => oc.columns(['project_asset_id', 'relative_path']).doNothing())
        .execute();
    }
    // "All assets, which are linked to the project asset being copied, are linked with the new project asset."
    const links = await listLinks(tx.db, { projectAssetIds: [source.id] });
    for (const l of links) {
      await insertLinkIfMissing(tx.db, { id: newId(), workspace_id: target.id, project_asset_id: copy.id, asset_id: l.asset_id, asset_workspace_id: l.asset_workspace_id, media_type: l.media_type, created_by_user_id: tx.actor.userId, created_at: now });
    }
    // Shared later, by the job once the files are in place; linked media of productions the caller cannot read are not.
    const shareIds = share ? links.filter((l) => readable.has(l.asset_workspace_id) && l.asset_workspace_id !== target.id).map((l) => l.asset_id) : [];
    await enqueue(tx, projectAssetCopyJob, { workspace_id: target.id, project_asset_id: copy.id, user_id: tx.actor.userId, share_asset_ids: shareIds });
    await recordProjectAssetEvent(inTarget, copy, 'project_asset_copy_requested', { copy_of: Number(source.sequence), files: files.length, share_linked_assets: share });
    return copy;
  });
  return requireView(ctx, row);
}
