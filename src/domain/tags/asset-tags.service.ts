import type { AssetRow, TagRow } from '../../db/schema.js';
import { isoNow } from '../../lib/clock.js';
import { newId } from '../../lib/ids.js';
import { requirePermission } from '../access.js';
import { requireAsset } from '../assets/assets.service.js';
import { inTransaction, scopedAccountId, scopedWorkspaceId, type Ctx } from '../context.js';
import { errors } from '../errors.js';
import { recordHistory } from '../history/history.service.js';
import { reindexAsset } from '../search/search-index.js';
import { notifySubscribers } from '../subscriptions/notify-subscribers.js';
import { deleteAssetTag, findTagsByIds, findTagsByNameKeys, listTagsOfAssets } from './tags.repo.js';
import { assertNotTrashed, cleanLabelName, MAX_TAGS_PER_REQUEST, nameKey } from './tags.rules.js';
import { DEFAULT_TAG_COLOR, getOrCreateTags, requireTag } from './tags.service.js';

/** What POST /workspaces/assets/{id}/tags names: existing tags by id and/or tags by name (missing ones are created). */
export interface AddTagsInput {
  tagIds?: readonly string[] | undefined;
  names?: readonly string[] | undefined;
}

async function tagsOf(ctx: Ctx, assetId: string): Promise<TagRow[]> {
  const rows = await listTagsOfAssets(ctx.db, { workspaceId: scopedWorkspaceId(ctx), assetIds: [assetId] });
  return rows.map((r) => r.tag);
}

/** GET /workspaces/assets/{id}/tags: the asset's tags, in the order they were attached. */
export async function listAssetTags(ctx: Ctx, assetId: string): Promise<TagRow[]> {
  requirePermission(ctx.actor, 'asset.read');
  await requireAsset(ctx, assetId);
  return tagsOf(ctx, assetId);
}

/** GET /workspaces/assets/{id}/tags/{tag_id}: the tag, when it is attached to the asset. */
export async function getAssetTag(ctx: Ctx, assetId: string, tagId: string): Promise<TagRow> {
  requirePermission(ctx.actor, 'asset.read');
  await requireAsset(ctx, assetId);
  const tag = (await tagsOf(ctx, assetId)).find((t) => t.id === tagId);
  if (!tag) {
    throw errors.notFound('asset_tag', tagId);
  }
  return tag;
}

/** Attaches tags not yet attached, with history and a notification to subscribers; returns those attached now. */
async function attach(ctx: Ctx, asset: AssetRow, tags: readonly TagRow[]): Promise<TagRow[]> {
  const workspaceId = scopedWorkspaceId(ctx);
  const now = isoNow(ctx.clock);
  const added: TagRow[] = [];
  for (const tag of tags) {
    const row = await ctx.db
      .insertInto('asset_tags')
      .values({ id: newId(), workspace_id: workspaceId, asset_id: asset.id, tag_id: tag.id, created_by_user_id: ctx.actor.userId, created_at: now })
      .onConflict((oc) => oc.columns(['asset_id', 'tag_id']).doNothing())
      .returning('id')
      .executeTakeFirst();
    if (!row) {
      continue;
    }
    added.push(tag);
    await recordHistory(ctx, {
      accountId: ctx.actor.accountId,
      workspaceId,
      assetId: asset.id,
      userId: ctx.actor.userId,
      subjectType: 'asset_tag',
      recordId: tag.id,
      type: 'asset_tag_added',
      data: { before: null, after: { tag_id: tag.id, name: tag.name } },
    });
  }
  if (added.length > 0) {
    await reindexAsset(ctx, { workspaceId, assetId: asset.id });
    await notifySubscribers(ctx, {
      workspaceId,
      accountId: scopedAccountId(ctx),
      assetId: asset.id,
      actorUserId: ctx.actor.userId,
      type: 'asset_tag_added',
      data: { tags: added.map((t) => ({ id: t.id, name: t.name })) },
    });
  }
  return added;
}

/**
 * POST /workspaces/assets/{id}/tags: attaches tags by id (all must be this workspace's, or 404 and nothing is
 * written) and by name (case-insensitive; a missing name creates the tag). Returns the asset's tags.
 */
export async function addAssetTags(ctx: Ctx, assetId: string, input: AddTagsInput): Promise<TagRow[]> {
  requirePermission(ctx.actor, 'asset.write');
  const tagIds = [...new Set(input.tagIds ?? [])];
  const names = (input.names ?? []).map((n, i) => cleanLabelName(n, `names/${i}`));
  if (tagIds.length === 0 && names.length === 0) {
    throw errors.invalidField('body', 'tag_ids', 'send at least one tag id in `tag_ids` or name in `names`');
  }
  if (tagIds.length + names.length > MAX_TAGS_PER_REQUEST) {
    throw errors.invalidField('body', 'tag_ids', `at most ${MAX_TAGS_PER_REQUEST} tags per request`);
  }
  const workspaceId = scopedWorkspaceId(ctx);
  await inTransaction(ctx, async (tx) => {
    const asset = await requireAsset(tx, assetId);
    assertNotTrashed(asset);
    const byId = await findTagsByIds(tx.db, { workspaceId, ids: tagIds });
    const missing = tagIds.find((id) => !byId.some((t) => t.id === id));
    if (missing !== undefined) {
      throw errors.notFound('tag', missing);
    }
    const existing = await findTagsByNameKeys(tx.db, { workspaceId, keys: names.map(nameKey) });
    const toCreate = new Map<string, string>();
    for (const name of names) {
      if (!existing.some((t) => t.name_key === nameKey(name)) && !toCreate.has(nameKey(name))) {
        toCreate.set(nameKey(name), name);
      }
    }
    if (toCreate.size > 0) {
      requirePermission(tx.actor, 'organise.manage');
    }
    const created = await getOrCreateTags(tx, [...toCreate.values()], DEFAULT_TAG_COLOR);
    const byName = names.flatMap((n) => [...existing, ...created].filter((t) => t.name_key === nameKey(n)));
    const ordered = [...byId.sort((a, b) => tagIds.indexOf(a.id) - tagIds.indexOf(b.id)), ...byName];
    await attach(tx, asset, [...new Map(ordered.map((t) => [t.id, t])).values()]);
  });
  return tagsOf(ctx, assetId);
}

/** POST /workspaces/assets/{id}/tags/{tag_id}: attaches one tag (idempotent) and returns it. */
export async function addAssetTag(ctx: Ctx, assetId: string, tagId: string): Promise<TagRow> {
  requirePermission(ctx.actor, 'asset.write');
  return inTransaction(ctx, async (tx) => {
    const asset = await requireAsset(tx, assetId);
    assertNotTrashed(asset);
    const tag = await requireTag(tx, tagId);
    await attach(tx, asset, [tag]);
    return tag;
  });
}

/** DELETE /workspaces/assets/{id}/tags/{tag_id}: detaches one tag; a tag that is not attached changes nothing. */
export async function removeAssetTag(ctx: Ctx, assetId: string, tagId: string): Promise<void> {
  requirePermission(ctx.actor, 'asset.write');
  const workspaceId = scopedWorkspaceId(ctx);
  await inTransaction(ctx, async (tx) => {
    const asset = await requireAsset(tx, assetId);
    assertNotTrashed(asset);
    const tag = await requireTag(tx, tagId);
    if (!(await deleteAssetTag(tx.db, { workspaceId, assetId, tagId }))) {
      return;
    }
    await reindexAsset(tx, { workspaceId, assetId });
    await recordHistory(tx, {
      accountId: tx.actor.accountId,
      workspaceId,
      assetId,
      userId: tx.actor.userId,
      subjectType: 'asset_tag',
      recordId: tagId,
      type: 'asset_tag_removed',
      data: { before: { tag_id: tagId, name: tag.name }, after: null },
    });
    await notifySubscribers(tx, {
      workspaceId,
      accountId: scopedAccountId(tx),
      assetId,
      actorUserId: tx.actor.userId,
      type: 'asset_tag_removed',
      data: { tags: [{ id: tag.id, name: tag.name }] },
    });
  });
}
