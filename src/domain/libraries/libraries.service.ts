import type { Readable } from 'node:stream';
import type { LibraryRow, LibraryUpdate } from '../../db/schema.js';
import { isoNow } from '../../lib/clock.js';
import { newId } from '../../lib/ids.js';
import { requirePermission } from '../access.js';
import { cleanDescription, cleanName } from '../assets/assets.rules.js';
import { inTransaction, scopedWorkspaceId, type Ctx } from '../context.js';
import { errors, type FieldProblem } from '../errors.js';
import { recordHistory } from '../history/history.service.js';
import { updateRowWithHistory } from '../history/update-with-history.js';
import { storeThumbnail, THUMBNAIL_CONTENT_TYPE } from '../thumbnails/thumbnails.service.js';
import { assetIdsInLibrary, findLibrary, listLibraryRows } from './libraries.repo.js';

/** Mudstack's default name of a library created without one. */
export const DEFAULT_LIBRARY_NAME = 'New Library';

/** What a create or update request carries. */
export interface LibraryFields {
  name?: string | undefined;
  description?: string | undefined;
  /** Where the fields came from, so a bad one is reported in the right request part. */
  fieldsIn?: FieldProblem['in'] | undefined;
  thumbnailKey?: string | undefined;
}

/**
 * Reads the request's fields, storing an uploaded thumbnail through `storeImage`. Services call it only after the
 * permission and existence checks, so nothing is stored for a request that cannot succeed.
 */
export type LibraryFormReader = (storeImage: (image: Readable) => Promise<string>) => Promise<LibraryFields>;

const snapshot = (l: LibraryRow): Record<string, unknown> => ({
  name: l.name,
  description: l.description,
  thumbnail_file_id: l.thumbnail_blob_key,
});

/** The library in the request's workspace, or `library_not_found`. */
export async function requireLibrary(ctx: Ctx, id: string): Promise<LibraryRow> {
  const library = await findLibrary(ctx.db, { workspaceId: scopedWorkspaceId(ctx), id });
  if (!library) {
    throw errors.notFound('library', id);
  }
  return library;
}

/** GET /workspaces/libraries: the workspace's libraries, oldest first. */
export async function listLibraries(ctx: Ctx): Promise<LibraryRow[]> {
  requirePermission(ctx.actor, 'asset.read');
  return listLibraryRows(ctx.db, { workspaceId: scopedWorkspaceId(ctx) });
}

/** GET /workspaces/libraries/{id}. */
export async function getLibrary(ctx: Ctx, id: string): Promise<LibraryRow> {
  requirePermission(ctx.actor, 'asset.read');
  return requireLibrary(ctx, id);
}

/** POST /workspaces/libraries: `name` defaults to "New Library"; an optional thumbnail is stored as WebP. */
export async function createLibrary(ctx: Ctx, read: LibraryFormReader): Promise<LibraryRow> {
  requirePermission(ctx.actor, 'organise.manage');
  const fields = await read((image) => storeThumbnail(ctx, image));
  const part = fields.fieldsIn ?? 'body';
  const name = fields.name === undefined ? DEFAULT_LIBRARY_NAME : cleanName(fields.name, 'name', part);
  const description = cleanDescription(fields.description ?? '', 'description', part);
  const workspaceId = scopedWorkspaceId(ctx);
  return inTransaction(ctx, async (tx) => {
    const now = isoNow(tx.clock);
    const row = await tx.db
      .insertInto('libraries')
      .values({
        id: newId(),
        workspace_id: workspaceId,
        name,
        description,
        thumbnail_blob_key: fields.thumbnailKey ?? null,
        created_by_user_id: tx.actor.userId,
        created_at: now,
        updated_at: now,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordHistory(tx, {
      accountId: tx.actor.accountId,
      workspaceId,
      userId: tx.actor.userId,
      subjectType: 'library',
      recordId: row.id,
      type: 'library_created',
      data: { after: snapshot(row) },
    });
    return row;
  });
}

/** PUT /workspaces/libraries/{id}: any of name, description, thumbnail. An empty update changes nothing. */
export async function updateLibrary(ctx: Ctx, id: string, read: LibraryFormReader): Promise<LibraryRow> {
  requirePermission(ctx.actor, 'organise.manage');
  await requireLibrary(ctx, id);
  const fields = await read((image) => storeThumbnail(ctx, image));
  const part = fields.fieldsIn ?? 'body';
  const name = fields.name === undefined ? undefined : cleanName(fields.name, 'name', part);
  const description = fields.description === undefined ? undefined : cleanDescription(fields.description, 'description', part);
  const workspaceId = scopedWorkspaceId(ctx);
  return inTransaction(ctx, async (tx) => {
    const before = await requireLibrary(tx, id);
    const patch: LibraryUpdate = {};
    if (name !== undefined && name !== before.name) {
      patch.name = name;
    }
    if (description !== undefined && description !== before.description) {
      patch.description = description;
    }
    if (fields.thumbnailKey !== undefined && fields.thumbnailKey !== before.thumbnail_blob_key) {
      patch.thumbnail_blob_key = fields.thumbnailKey;
    }
    return updateRowWithHistory(tx, { table: 'libraries', workspaceId, before, patch: patch, subjectType: 'library', eventType: 'library_updated', snapshot });
  });
}

/** DELETE /workspaces/libraries/{id}: the assets stay; their membership goes (each asset's history shows it). */
export async function deleteLibrary(ctx: Ctx, id: string): Promise<void> {
  requirePermission(ctx.actor, 'organise.manage');
  const workspaceId = scopedWorkspaceId(ctx);
  await inTransaction(ctx, async (tx) => {
    const before = await requireLibrary(tx, id);
    const assetIds = await assetIdsInLibrary(tx.db, { workspaceId, libraryId: id });
    // library_assets rows go by FK cascade; the thumbnail blob is left to the orphan sweep (blobs are shared).
    await tx.db.deleteFrom('libraries').where('workspace_id', '=', workspaceId).where('id', '=', id).execute();
    const base = { accountId: tx.actor.accountId, workspaceId, userId: tx.actor.userId };
    for (const assetId of assetIds) {
      await recordHistory(tx, {
        ...base,
        assetId,
        subjectType: 'library_asset',
        recordId: id,
        type: 'library_asset_removed',
        data: { before: { library_id: id, name: before.name }, after: null, reason: 'library_deleted' },
      });
    }
    await recordHistory(tx, {
      ...base,
      subjectType: 'library',
      recordId: id,
      type: 'library_deleted',
      data: { before: { ...snapshot(before), created_by_user_id: before.created_by_user_id }, removed_asset_ids: assetIds },
    });
  });
}

/** GET /workspaces/libraries/{id}/thumbnail: the stored WebP, or `thumbnail_not_found`. */
export async function getLibraryThumbnail(ctx: Ctx, id: string): Promise<{ stream: Readable; key: string; contentType: string }> {
  requirePermission(ctx.actor, 'asset.read');
  const library = await requireLibrary(ctx, id);
  if (!library.thumbnail_blob_key) {
    throw errors.notFound('thumbnail');
  }
  return { stream: await ctx.blobs.get(library.thumbnail_blob_key), key: library.thumbnail_blob_key, contentType: THUMBNAIL_CONTENT_TYPE };
}
