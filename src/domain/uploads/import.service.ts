import type { ImportRow } from '../../db/schema.js';
import { enqueue } from '../../jobs/queue.js';
import { importRunJob } from './import-run.job.js';
import { isoNow } from '../../lib/clock.js';
import { newId } from '../../lib/ids.js';
import { requirePermission } from '../access.js';
import { cleanFolder } from '../assets/assets.rules.js';
import { inTransaction, scopedWorkspaceId, scopedAccountId, type Ctx } from '../context.js';
import { errors } from '../errors.js';
import { resolveImportPath } from './import-path.js';
import { checkImportUrl } from './import-url.js';
import { findImport, insertImport } from './imports.repo.js';

export interface StartImportInput {
  path?: string | undefined;
  url?: string | undefined;
  fileLocation?: string | undefined;
}

/**
 * POST /workspaces/import: checks the source now (so a path outside the roots or a private URL is refused at once,
 * with nothing written), then queues the `import.run` job that streams the file(s) in through commitUpload.
 */
export async function startImport(ctx: Ctx, input: StartImportInput): Promise<ImportRow> {
  requirePermission(ctx.actor, 'asset.write');
  const workspaceId = scopedWorkspaceId(ctx);
  if ((input.path === undefined) === (input.url === undefined)) {
    throw errors.invalid('validation_failed', 'Give exactly one of `path` and `url`.', [
      { in: 'body', pointer: input.path === undefined ? '/path' : '/url', message: 'give exactly one of path and url' },
    ]);
  }
  const fileLocation = cleanFolder(input.fileLocation, 'file_location', 'body');
  let source: { kind: 'path' | 'url'; value: string };
  if (input.path !== undefined) {
    const resolved = await resolveImportPath(ctx.config.imports.roots, input.path);
    source = { kind: 'path', value: resolved.path };
  } else {
    const checked = await checkImportUrl(ctx.config.imports, input.url ?? '');
    source = { kind: 'url', value: checked.url.toString() };
  }
  const now = isoNow(ctx.clock);
  return inTransaction(ctx, async (tx) => {
    const row = await insertImport(tx.db, {
      id: newId(),
      workspace_id: workspaceId,
      account_id: scopedAccountId(ctx),
      created_by_user_id: ctx.actor.userId,
      source_kind: source.kind,
      source: source.value,
      file_location: fileLocation,
      state: 'queued',
      total: 0,
      done: 0,
      failed: 0,
      errors: '[]',
      asset_ids: '[]',
      created_at: now,
      updated_at: now,
      finished_at: null,
    });
    await enqueue(tx, importRunJob, { importId: row.id, workspaceId }, { maxAttempts: 1 });
    return row;
  });
}

/** GET /workspaces/import/{id}: the import's state and progress. */
export async function getImport(ctx: Ctx, id: string): Promise<ImportRow> {
  requirePermission(ctx.actor, 'asset.read');
  const row = await findImport(ctx.db, { workspaceId: scopedWorkspaceId(ctx), id });
  if (!row) {
    throw errors.notFound('import', id);
  }
  return row;
}
