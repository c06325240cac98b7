import type { TagRow } from '../../db/schema.js';
import { isoNow } from '../../lib/clock.js';
import { newId } from '../../lib/ids.js';
import { requirePermission } from '../access.js';
import { inTransaction, scopedWorkspaceId, type Ctx } from '../context.js';
import { errors } from '../errors.js';
import { recordHistory } from '../history/history.service.js';
import { assetIdsOfTag, reindexAssets } from '../search/search-index.js';
import { assetIdsWithTag, findTag, findTagsByNameKeys, listTagRows } from './tags.repo.js';
import { cleanColor, cleanLabelName, nameKey } from './tags.rules.js';

/** Colour of a tag created without one. */
export const DEFAULT_TAG_COLOR = '#9CA3AF';

const snapshot = (t: TagRow): Record<string, unknown> => ({ name: t.name, color: t.color });

const nameTaken = (name: string, cause?: unknown) =>
  errors.conflict('tag_name_taken', `A tag named "${name}" already exists in this workspace.`, cause);

/** GET /workspaces/tags: every tag of the workspace, by name. */
export async function listWorkspaceTags(ctx: Ctx): Promise<TagRow[]> {
  requirePermission(ctx.actor, 'asset.read');
  return listTagRows(ctx.db, { workspaceId: scopedWorkspaceId(ctx) });
}

/** The tag in the request's workspace, or `tag_not_found`. */
export async function requireTag(ctx: Ctx, id: string): Promise<TagRow> {
  const tag = await findTag(ctx.db, { workspaceId: scopedWorkspaceId(ctx), id });
  if (!tag) {
    throw errors.notFound('tag', id);
  }
  return tag;
}

/** Inserts tags (names already clean and free) with their history; shared by create and "add by name". */
export async function insertTags(ctx: Ctx, input: Array<{ name: string; color: string }>): Promise<TagRow[]> {
  const workspaceId = scopedWorkspaceId(ctx);
  const now = isoNow(ctx.clock);
  const out: TagRow[] = [];
  for (const t of input) {
    let row: TagRow;
    try {
      row = await ctx.db
        .insertInto('tags')
        .values({
          id: newId(),
          workspace_id: workspaceId,
          name: t.name,
          name_key: nameKey(t.name),
          color: t.color,
          created_by_user_id: ctx.actor.userId,
          created_at: now,
          updated_at: now,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
    } catch (err) {
      // A concurrent create of the same name lost the race on the unique key.
      throw ctx.dialect.translateError(err)?.kind === 'conflict' ? nameTaken(t.name, err) : err;
    }
    await recordHistory(ctx, {
      accountId: ctx.actor.accountId,
      workspaceId,
      userId: ctx.actor.userId,
      subjectType: 'tag',
      recordId: row.id,
      type: 'tag_created',
      data: { after: snapshot(row) },
    });
    out.push(row);
  }
  return out;
}

/** POST /workspaces/tags: names are unique per workspace, case-insensitively (409). */
export async function createTag(ctx: Ctx, input: { name: string; color?: string | undefined }): Promise<TagRow> {
  requirePermission(ctx.actor, 'organise.manage');
  const name = cleanLabelName(input.name);
  const color = input.color === undefined ? DEFAULT_TAG_COLOR : cleanColor(input.color);
  return inTransaction(ctx, async (tx) => {
    const [clash] = await findTagsByNameKeys(tx.db, { workspaceId: scopedWorkspaceId(tx), keys: [nameKey(name)] });
    if (clash) {
      throw nameTaken(clash.name);
    }
    const [row] = await insertTags(tx, [{ name, color }]);
    if (!row) {
      throw new Error('insertTags returned nothing');
    }
    return row;
  });
}

/** PUT/PATCH /workspaces/tags/{id}: renames and/or recolours; a rename onto another tag's name is 409. */
export async function updateTag(ctx: Ctx, id: string, input: { name?: string | undefined; color?: string | undefined }): Promise<TagRow> {
  requirePermission(ctx.actor, 'organise.manage');
  const name = input.name === undefined ? undefined : cleanLabelName(input.name);
  const color = input.color === undefined ? undefined : cleanColor(input.color);
  const workspaceId = scopedWorkspaceId(ctx);
  return inTransaction(ctx, async (tx) => {
    const before = await requireTag(tx, id);
    const patch: { name?: string; name_key?: string; color?: string } = {};
    if (name !== undefined && name !== before.name) {
      const [clash] = await findTagsByNameKeys(tx.db, { workspaceId, keys: [nameKey(name)] });
      if (clash && clash.id !== before.id) {
        throw nameTaken(clash.name);
      }
      patch.name = name;
      patch.name_key = nameKey(name);
    }
    if (color !== undefined && color !== before.color) {
      patch.color = color;
    }
    if (Object.keys(patch).length === 0) {
      return before;
    }
    const after = await tx.db
      .updateTable('tags')
      .set({ ...patch, updated_at: isoNow(tx.clock) })
      .where('workspace_id', '=', workspaceId)
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
    if (patch.name !== undefined) {
      await reindexAssets(tx, { workspaceId, assetIds: await assetIdsOfTag(tx.db, { workspaceId, tagId: id }) });
    }
    await recordHistory(tx, {
      accountId: tx.actor.accountId,
      workspaceId,
      userId: tx.actor.userId,
      subjectType: 'tag',
      recordId: id,
      type: 'tag_updated',
      data: { before: snapshot(before), after: snapshot(after) },
    });
    return after;
  });
}

/** DELETE /workspaces/tags/{id}: detaches the tag from every asset (each asset's history shows the removal). */
export async function deleteTag(ctx: Ctx, id: string): Promise<void> {
  requirePermission(ctx.actor, 'organise.manage');
  const workspaceId = scopedWorkspaceId(ctx);
  await inTransaction(ctx, async (tx) => {
    const before = await requireTag(tx, id);
    const assetIds = await assetIdsWithTag(tx.db, { workspaceId, tagId: id });
    // asset_tags rows go by FK cascade.
    await tx.db.deleteFrom('tags').where('workspace_id', '=', workspaceId).where('id', '=', id).execute();
    await reindexAssets(tx, { workspaceId, assetIds });
    const base = { accountId: tx.actor.accountId, workspaceId, userId: tx.actor.userId };
    for (const assetId of assetIds) {
      await recordHistory(tx, {
        ...base,
        assetId,
        subjectType: 'asset_tag',
        recordId: id,
        type: 'asset_tag_removed',
        data: { before: { tag_id: id, name: before.name }, after: null, reason: 'tag_deleted' },
      });
    }
    await recordHistory(tx, {
      ...base,
      subjectType: 'tag',
      recordId: id,
      type: 'tag_deleted',
      data: { before: { ...snapshot(before), created_by_user_id: before.created_by_user_id }, detached_asset_ids: assetIds },
    });
  });
}
