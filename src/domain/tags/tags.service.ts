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

function newTagValues(ctx: Ctx, t: { name: string; color: string }) {
  const now = isoNow(ctx.clock);
  return {
    id: newId(),
    workspace_id: scopedWorkspaceId(ctx),
    name: t.name,
    name_key: nameKey(t.name),
    color: t.color,
    created_by_user_id: ctx.actor.userId,
    created_at: now,
    updated_at: now,
  };
}

function recordTagCreated(ctx: Ctx, row: TagRow): Promise<void> {
  return recordHistory(ctx, {
    accountId: ctx.actor.accountId,
    workspaceId: row.workspace_id,
    userId: ctx.actor.userId,
    subjectType: 'tag',
    recordId: row.id,
    type: 'tag_created',
    data: { after: snapshot(row) },
  });
}

/** Inserts one tag whose name is clean and was free, with its history; a name taken meanwhile is 409. */
async function insertTag(ctx: Ctx, input: { name: string; color: string }): Promise<TagRow> {
  let row: TagRow;
  try {
    row = await ctx.db.insertInto('tags').values(newTagValues(ctx, input)).returningAll().executeTakeFirstOrThrow();
  } catch (err) {
    // A concurrent create of the same name won the race on the unique key.
    throw ctx.dialect.translateError(err)?.kind === 'conflict' ? nameTaken(input.name, err) : err;
  }
  await recordTagCreated(ctx, row);
  return row;
}

/**
 * "Add by name": the workspace's tags with these (clean) names, creating the missing ones with `color`. Race-free on
 * both databases: an insert that meets a name created concurrently does nothing (PostgreSQL waits for the other
 * transaction to end first), and the names it did not insert are read back, committed by then.
 */
export async function getOrCreateTags(ctx: Ctx, names: readonly string[], color: string): Promise<TagRow[]> {
  const workspaceId = scopedWorkspaceId(ctx);
  const out: TagRow[] = [];
  const missing: string[] = [];
  for (const name of names) {
    const row = await ctx.db
      .insertInto('tags')
      .values(newTagValues(ctx, { name, color }))
      .onConflict((oc) => oc.columns(['workspace_id', 'name_key']).doNothing())
      .returningAll()
      .executeTakeFirst();
    if (row) {
      await recordTagCreated(ctx, row);
      out.push(row);
    } else {
      missing.push(nameKey(name));
    }
  }
  return missing.length === 0 ? out : [...out, ...(await findTagsByNameKeys(ctx.db, { workspaceId, keys: missing }))];
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
    return insertTag(tx, { name, color });
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
