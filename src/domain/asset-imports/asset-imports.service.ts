import type { ImportLogRow } from '../../db/schema.js';
import { enqueue } from '../../jobs/queue.js';
import { isoNow } from '../../lib/clock.js';
import { newId } from '../../lib/ids.js';
import { inTransaction, type Ctx } from '../context.js';
import { DomainError, errors, isDomainError } from '../errors.js';
import { parseSurfaceId } from '../ids/surface-ids.js';
import { readableProductionIds, requireIn } from '../productions/production-access.js';
import { requireProduction } from '../project-assets/project-assets.service.js';
import { resolveImportPath } from '../uploads/import-path.js';
import { assetImportJob } from './asset-import.job.js';
import { importTarget, parseImportRequest } from './asset-imports.rules.js';
import { findImportLogBySequence, insertImportLog, listImportLogs } from './import-logs.repo.js';

/*
 * `POST /api/asset/import/` (spec §2.3.7): queues the import of one file the server can read, tracked by an
 * ImportLog. A medialoopster path is an Atelier folder path plus a file name, so the file at `path_file` (inside
 * IMPORT_ROOTS) becomes the asset at that same folder and name in the production. The `asset.import` job reads it
 * through the blob store and commits it like any upload (history, search, derivatives); `move_asset` removes the
 * source file once the asset is committed.
 */

/** Queues an import (write on the production); answers its ImportLog. */
export async function startAssetImport(ctx: Ctx, body: unknown): Promise<ImportLogRow> {
  const req = parseImportRequest(body);
  const production = await requireProduction(ctx, { id: req.production });
  await requireIn(ctx, production.id, 'asset.write');
  importTarget(req.pathFile);
  try {
    await resolveImportPath(ctx.config.imports.roots, req.pathFile);
  } catch (err) {
    // The same checks as the core's import, reported at this body's field.
    if (isDomainError(err) && err.kind === 'invalid') {
      throw errors.invalidField('body', 'asset/asset_meta/path_file', err.details?.fields?.[0]?.message ?? err.message);
    }
    throw err;
  }
  return inTransaction(ctx, async (tx) => {
    const now = isoNow(tx.clock);
    const row = await insertImportLog(tx.db, {
      id: newId(),
      account_id: production.account_id,
      workspace_id: production.id,
      kind: 'import',
      media_type: req.type,
      request: JSON.stringify(req),
      asset_id: null,
      origin_location: null,
      created_by_user_id: tx.actor.userId,
      created_at: now,
      updated_at: now,
      finished_at: null,
    });
    await enqueue(tx, assetImportJob, { workspace_id: production.id, import_log_id: row.id });
    return row;
  });
}

/** One ImportLog of a production the caller can read, by integer id (404 like any other unknown id). */
export async function getImportLog(ctx: Ctx, id: unknown): Promise<ImportLogRow> {
  const sequence = typeof id === 'string' && !/^[1-9][0-9]{0,9}$/.test(id) ? undefined : parseSurfaceId(id, 'id', 'params');
  const row = sequence === undefined ? undefined : await findImportLogBySequence(ctx.db, { workspaceIds: await readableProductionIds(ctx), sequence });
  if (!row) {
    throw new DomainError('not_found', 'not_found', `ImportLog object with pk=u'${String(id)}' does not exist.`);
  }
  return row;
}

export async function listImportLogsOf(ctx: Ctx, page: { limit: number; offset: number }): Promise<{ rows: ImportLogRow[]; total: number }> {
  return listImportLogs(ctx.db, { workspaceIds: await readableProductionIds(ctx), ...page });
}
