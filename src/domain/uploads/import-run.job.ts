import { Type } from '@sinclair/typebox';
import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import type { ImportRow } from '../../db/schema.js';
import { defineJob, type JobCtx } from '../../jobs/define.js';
import { isoNow } from '../../lib/clock.js';
import { joinFolderPath } from '../../lib/safe-path.js';
import { can, effectiveWorkspaceRole, isAccountRole, isWorkspaceRole } from '../access.js';
import type { Actor, Ctx } from '../context.js';
import { errors, isDomainError } from '../errors.js';
import { commitUpload } from './commit.service.js';
import { resolveImportPath, walkImportDir, type ImportFile } from './import-path.js';
import { openImportUrl } from './import-url.js';
import { findImport, updateImport } from './imports.repo.js';
import { storeStream } from './stream-store.js';
import { overLimit, uploadLimit } from './upload-limit.js';

/** Errors kept on an import row (the counters keep counting past it). */
const MAX_ERRORS = 100;
/** Asset ids kept on an import row. */
const MAX_ASSET_IDS = 1000;

/** The importing user as they are now (a role removed since the request stops the import). */
async function actorOf(ctx: JobCtx, row: ImportRow): Promise<Actor | undefined> {
  if (!row.created_by_user_id) {
    return undefined;
  }
  const r = await ctx.db
    .selectFrom('account_members as am')
    .leftJoin('workspace_members as wm', (j) => j.on('wm.workspace_id', '=', row.workspace_id).onRef('wm.user_id', '=', 'am.user_id'))
    .select(['am.role as account_role', 'wm.role as member_role'])
    .where('am.account_id', '=', row.account_id)
    .where('am.user_id', '=', row.created_by_user_id)
    .executeTakeFirst();
  if (!r || !isAccountRole(r.account_role)) {
    return undefined;
  }
  const memberRole = r.member_role !== null && isWorkspaceRole(r.member_role) ? r.member_role : null;
  return {
    userId: row.created_by_user_id,
    apiKeyId: null,
    accountId: row.account_id,
    accountRole: r.account_role,
    workspaceId: row.workspace_id,
    workspaceRole: effectiveWorkspaceRole(r.account_role, memberRole),
  };
}

const message = (err: unknown): string => (isDomainError(err) ? err.message : 'The file could not be read or stored.');

/** Streams one source into the store (size-capped) and commits it at `fileLocation`. */
async function importOne(ctx: Ctx, row: ImportRow, body: Readable, fileName: string, fileLocation: string): Promise<string> {
  const file = await storeStream(ctx.blobs, body, fileName, { maxBytes: await uploadLimit(ctx, row.account_id) });
  const result = await commitUpload(ctx, {
    workspaceId: row.workspace_id,
    blob: file.blob,
    contentType: file.contentType,
    originalFileName: fileName,
    target: { newAsset: { fileLocation } },
    fieldsIn: 'body',
  });
  return result.asset.id;
}

async function openNoFollow(file: ImportFile): Promise<Readable> {
  // O_NOFOLLOW: a file swapped for a symlink after the walk is not read.
  const fh = await open(file.path, constants.O_RDONLY | constants.O_NOFOLLOW);
  return fh.createReadStream({ highWaterMark: 1024 * 1024 });
}

/**
 * Runs an import: every file of a directory (folders kept, below the import's file_location), a single file, or a
 * URL download. Progress (total, done, failed, errors) is written to the import row as it goes. Runs once
 * (maxAttempts 1): a rerun would add the files again as new versions.
 */
export const importRunJob = defineJob({
  name: 'import.run',
  payload: Type.Object({ importId: Type.String(), workspaceId: Type.String() }),
  retry: { maxAttempts: 1 },
  timeoutSeconds: 6 * 3600,
  async handler(ctx, payload) {
    const scope = { workspaceId: payload.workspaceId, id: payload.importId };
    const row = await findImport(ctx.db, scope);
    if (!row || row.state !== 'queued') {
      return;
    }
    const progress = { total: 0, done: 0, failed: 0, errors: [] as Array<{ path: string; message: string }>, assetIds: [] as string[] };
    const save = (extra: { state?: ImportRow['state']; finished?: boolean } = {}) =>
      updateImport(ctx.db, scope, {
        total: progress.total,
        done: progress.done,
        failed: progress.failed,
        errors: JSON.stringify(progress.errors.slice(0, MAX_ERRORS)),
        asset_ids: JSON.stringify(progress.assetIds.slice(0, MAX_ASSET_IDS)),
        updated_at: isoNow(ctx.clock),
        ...(extra.state ? { state: extra.state } : {}),
        ...(extra.finished ? { finished_at: isoNow(ctx.clock) } : {}),
      });
    const fail = (path: string, err: unknown) => {
      progress.failed += 1;
      progress.errors.push({ path, message: message(err) });
    };
    await save({ state: 'running' });
    const actor = await actorOf(ctx, row);
    if (!actor || !can(actor, 'asset.write')) {
      progress.total = 1;
      fail(row.source_kind === 'url' ? row.source : '', errors.forbidden());
      await save({ state: 'failed', finished: true });
      return;
    }
    const uctx: Ctx = { ...ctx, actor };
    if (row.source_kind === 'url') {
      progress.total = 1;
      try {
        const opened = await openImportUrl(ctx.config.imports, row.source, ctx.signal);
        const limit = await uploadLimit(ctx, row.account_id);
        if (opened.contentLength !== undefined && opened.contentLength > limit) {
          opened.body.destroy();
          throw overLimit(limit);
        }
        progress.assetIds.push(await importOne(uctx, row, opened.body, opened.fileName, row.file_location));
        progress.done += 1;
      } catch (err) {
        fail(row.source, err);
      }
    } else {
      try {
        const resolved = await resolveImportPath(ctx.config.imports.roots, row.source);
        const walk = resolved.isDirectory
          ? await walkImportDir(ctx.config.imports.roots, resolved.path)
          : { files: [{ path: resolved.path, relativeDir: '', name: resolved.path.split('/').pop() ?? 'file' }], skipped: [] };
        progress.total = walk.files.length + walk.skipped.length;
        for (const s of walk.skipped) {
          fail(s.path, errors.invalid('import_skipped', s.message));
        }
        await save();
        for (const file of walk.files) {
          if (ctx.signal.aborted) {
            break;
          }
          const rel = file.relativeDir === '' ? file.name : `${file.relativeDir}/${file.name}`;
          try {
            const body = await openNoFollow(file);
            progress.assetIds.push(await importOne(uctx, row, body, file.name, joinFolderPath(row.file_location, file.relativeDir)));
            progress.done += 1;
          } catch (err) {
            fail(rel, err);
          }
          await save();
        }
      } catch (err) {
        progress.total = Math.max(progress.total, 1);
        fail('', err);
      }
    }
    await save({ state: progress.done === 0 && progress.failed > 0 ? 'failed' : 'completed', finished: true });
  },
});
