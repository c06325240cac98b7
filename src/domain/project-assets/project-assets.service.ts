import type { ProjectAssetRow, WorkspaceRow } from '../../db/schema.js';
import { isoNow } from '../../lib/clock.js';
import { newId } from '../../lib/ids.js';
import { enqueue } from '../../jobs/queue.js';
import { inTransaction, type Ctx } from '../context.js';
import { DomainError, errors } from '../errors.js';
import { recordProjectAssetEvent } from './project-asset-events.js';
import { parseSurfaceId } from '../ids/surface-ids.js';
import { nleTypeOf } from './nle-types.js';
import { findReadableProduction, readableProductionIds, requireIn } from '../productions/production-access.js';
import { projectAssetDeleteJob } from './project-asset-delete.job.js';
import { viewProjectAssets, type ProjectAssetView } from './project-asset-views.js';
import { findProjectAssetBySequence, insertProjectAsset, listProjectAssets, updateProjectAsset } from './project-assets.repo.js';
import { cleanBundleRoot, cleanPathFile, type ProjectAssetInput } from './project-assets.rules.js';
import { ensureProjectFileAsset, projectFileHead } from './project-file.js';
import { findDeviceFor } from './devices-link.js';

/*
 * medialoopster project assets (seed 003; docs/medialoopster-bundles.md): create, list, get and the asynchronous
 * delete. The copy (create with `copy_of`) is in project-asset-copy.service.ts, linking in project-asset-links.service.ts.
 */

/** The production a create or copy names: by id first, else by name (seed 003); 404 when the caller cannot read it. */
export async function requireProduction(ctx: Ctx, ref: ProjectAssetInput['production']): Promise<WorkspaceRow> {
  const ws = await findReadableProduction(ctx, 'id' in ref ? { id: ref.id } : { name: ref.name });
  if (!ws) {
    throw new DomainError('not_found', 'does_not_exist', 'id' in ref ? `The production ${ref.id} does not exist.` : `The production '${ref.name}' does not exist.`, {
      fields: [{ in: 'body', pointer: 'id' in ref ? '/production_id' : '/production_name', message: 'does not exist' }],
    });
  }
  return ws;
}

/** Seed 003's 404 for GET: "ProjectAsset object with pk=u'{id}' does not exist." */
export const projectAssetNotFound = (id: string): DomainError =>
  new DomainError('not_found', 'not_found', `ProjectAsset object with pk=u'${id}' does not exist.`);

/** Seed 003's 404 for DELETE: "The project asset 123 does not exist." */
const projectAssetDoesNotExist = (id: string): DomainError => new DomainError('not_found', 'does_not_exist', `The project asset ${id} does not exist.`);

/** Registers a project bundle (201, `status_asset` 6): its project file's asset, made when missing, and the row. */
export async function createProjectAsset(ctx: Ctx, input: ProjectAssetInput): Promise<ProjectAssetView> {
  const production = await requireProduction(ctx, input.production);
  await requireIn(ctx, production.id, 'asset.write');
  const bundleRoot = input.bundleRoot;
  const file = input.pathFile !== undefined ? cleanPathFile(input.pathFile, bundleRoot) : { fileLocation: bundleRoot, fileName: undefined };
  const row = await inTransaction(ctx, async (tx) => {
    const actor = { ...tx, actor: { ...tx.actor, workspaceId: production.id } };
    const fileName = file.fileName ?? (await detectProjectFile(actor, production.id, bundleRoot)) ?? `${input.name.replace(/[/\\]/g, '_')}`;
    const asset = await ensureProjectFileAsset(actor, { workspaceId: production.id, fileLocation: file.fileLocation, fileName, name: input.name });
    await assertNotAProjectAssetYet(actor, asset.id);
    const pathFile = `${asset.file_location}${asset.file_name}`;
    const now = isoNow(tx.clock);
    const inserted = await insertProjectAsset(tx.db, {
      id: newId(),
      account_id: production.account_id,
      workspace_id: production.id,
      asset_id: asset.id,
      bundle_root: bundleRoot,
      path_file: pathFile,
      nle_type: nleTypeOf(pathFile, await projectFileHead(actor, asset)),
      device_id: await findDeviceFor(tx.db, { workspaceId: production.id, path: bundleRoot }),
      created_by_user_id: tx.actor.userId,
      created_at: now,
      updated_at: now,
    });
    await recordProjectAssetEvent(actor, inserted, 'project_asset_created', { bundle_root: bundleRoot, path_file: pathFile });
    return inserted;
  });
  return requireView(ctx, row);
}

/** A project file already in the bundle root: the first file there whose NLE is known. */
async function detectProjectFile(ctx: Ctx, workspaceId: string, bundleRoot: string): Promise<string | undefined> {
  const rows = await ctx.db
    .selectFrom('assets')
    .select('file_name')
    .where('workspace_id', '=', workspaceId)
    .where('file_location', '=', bundleRoot)
    .where('is_active', '=', 1)
    .orderBy('file_name')
    .execute();
  return rows.find((r) => nleTypeOf(r.file_name) !== '')?.file_name;
}

async function assertNotAProjectAssetYet(ctx: Ctx, assetId: string): Promise<void> {
  const taken = await ctx.db.selectFrom('project_assets').select('id').where('asset_id', '=', assetId).executeTakeFirst();
  if (taken) {
    throw errors.invalidField('body', 'path_file', 'This project file already belongs to a project asset.');
  }
}

/** The view of one row (it was just written, so it is there). */
export async function requireView(ctx: Ctx, row: ProjectAssetRow): Promise<ProjectAssetView> {
  const [view] = await viewProjectAssets(ctx, [row]);
  if (!view) {
    throw projectAssetNotFound(String(row.sequence));
  }
  return view;
}

/** The project assets of every production the caller may read, optionally of one bundle root (seed 003 list). */
export async function listProjectAssetsOf(
  ctx: Ctx,
  q: { limit: number; offset: number; bundleRoot?: string | undefined },
): Promise<{ items: ProjectAssetView[]; total: number }> {
  const bundleRoot = q.bundleRoot === undefined ? undefined : filterRoot(q.bundleRoot);
  if (bundleRoot === null) {
    return { items: [], total: 0 };
  }
  const workspaceIds = await readableProductionIds(ctx);
  const { rows, total } = await listProjectAssets(ctx.db, { workspaceIds, bundleRoot, limit: q.limit, offset: q.offset });
  return { items: await viewProjectAssets(ctx, rows), total };
}

/** A `bundle_root` filter in the stored form; null when it cannot match anything (no trailing slash, a `..`). */
function filterRoot(value: string): string | null {
  if (!value.endsWith('/')) {
    throw errors.invalidField('query', 'bundle_root', 'Must end with a slash.');
  }
  try {
    return cleanBundleRoot(value, 'bundle_root', 'query');
  } catch {
    return null;
  }
}

/** A project asset the caller may read, by its integer id; `notFound` builds the 404 (GET and DELETE word it apart). */
export async function requireReadableProjectAsset(ctx: Ctx, id: unknown, notFound = projectAssetNotFound): Promise<ProjectAssetRow> {
  const sequence = typeof id === 'string' && !/^[1-9][0-9]{0,9}$/.test(id) ? undefined : parseSurfaceId(id, 'id', 'params');
  const row = sequence === undefined || ctx.actor.accountId === null ? undefined : await findProjectAssetBySequence(ctx.db, { accountId: ctx.actor.accountId, sequence });
  if (!row || row.deleting_at !== null || !(await readableProductionIds(ctx)).includes(row.workspace_id)) {
    throw notFound(String(id));
  }
  return row;
}

export async function getProjectAsset(ctx: Ctx, id: unknown): Promise<ProjectAssetView> {
  return requireView(ctx, await requireReadableProjectAsset(ctx, id));
}

/**
 * Accepts the asynchronous delete (202): hides the project asset and queues the job that moves its bundle's files
 * (not its linked media) to the trash and then removes the row. Needs delete rights in its production.
 */
export async function requestProjectAssetDelete(ctx: Ctx, id: unknown): Promise<void> {
  const row = await requireReadableProjectAsset(ctx, id, projectAssetDoesNotExist);
  await requireIn(ctx, row.workspace_id, 'asset.delete');
  await inTransaction(ctx, async (tx) => {
    const now = isoNow(tx.clock);
    const updated = await updateProjectAsset(tx.db, { workspaceId: row.workspace_id, id: row.id }, { deleting_at: now, date_del: now, updated_at: now });
    if (!updated) {
      throw projectAssetDoesNotExist(String(id));
    }
    await enqueue(tx, projectAssetDeleteJob, { workspace_id: row.workspace_id, project_asset_id: row.id, user_id: tx.actor.userId });
    await recordProjectAssetEvent({ ...tx, actor: { ...tx.actor, workspaceId: row.workspace_id } }, updated, 'project_asset_delete_requested');
  });
}
