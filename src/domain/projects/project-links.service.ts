import type { AssetRow, UserRow } from '../../db/schema.js';
import { isoNow } from '../../lib/clock.js';
import { newId } from '../../lib/ids.js';
import { can, requirePermission } from '../access.js';
import { findAsset, findAssetsByIds } from '../assets/assets.repo.js';
import { inTransaction, scopedAccountId, scopedWorkspaceId, type Ctx } from '../context.js';
import { errors } from '../errors.js';
import { recordHistory } from '../history/history.service.js';
import { notify } from '../notifications/notifications.service.js';
import { isWorkspaceUser } from '../tasks/tasks.repo.js';
import { isProjectAsset, listProjectAssetRows, listProjectWatcherUsers } from './projects.repo.js';
import { requireProject, touchProject } from './projects.service.js';
import { CORE_WATCHERS_MAX, meOr, watchersView, type WatchersView } from '../watching.js';
import { notifyProjectWatchers } from './project-watcher-notify.js';

/*
 * A project's linked assets (P3-P5, P7, P8, P10, P11) and watchers (P6, P9, P12). Linking and unlinking change the
 * link rows only: an unlinked asset stays in the library untouched (spec §1.5 item 13).
 */

export const PROJECT_WATCHER_ADDED = 'project_watcher_added';
export const PROJECT_WATCHER_REMOVED = 'project_watcher_removed';
export const PROJECT_MESSAGE_MAX = 3000;

/** P3: the live assets linked to the project, in the order they were linked. */
export async function listProjectAssets(ctx: Ctx, projectId: string, page: { offset: number; limit: number }): Promise<AssetRow[]> {
  const project = await requireProject(ctx, projectId);
  return listProjectAssetRows(ctx.db, { workspaceId: scopedWorkspaceId(ctx), projectId: project.id, ...page });
}

/**
 * P4, P5 and the project-scoped proof routes ("using project permissions"): the asset, when the caller may see the
 * project and the asset is linked to it. An asset of the workspace that is not linked: 403 `asset_not_in_project`
 * (spec §1.1: 403 is "no access to the asset through the container"); an unknown or trashed asset: 404.
 */
export async function requireProjectAsset(ctx: Ctx, projectId: string, assetId: string): Promise<AssetRow> {
  const project = await requireProject(ctx, projectId);
  const workspaceId = scopedWorkspaceId(ctx);
  const asset = await findAsset(ctx.db, { workspaceId, id: assetId });
  if (!asset || asset.is_active !== 1) {
    throw errors.notFound('asset', assetId);
  }
  if (!(await isProjectAsset(ctx.db, { workspaceId, projectId: project.id, assetId }))) {
    throw errors.forbidden('asset_not_in_project', 'The asset is not linked to this project.');
  }
  return asset;
}

/**
 * P7, P8 (`link`) and P10, P11 (`unlink`): editors (task.write) link and unlink assets of the workspace. Every id must
 * be a live asset of the workspace (404 naming it, nothing written). Linking a linked asset or unlinking an unlinked
 * one changes nothing. Returns the asset ids whose link changed.
 */
export async function changeProjectAssets(ctx: Ctx, projectId: string, op: 'link' | 'unlink', assetIds: readonly string[]): Promise<string[]> {
  requirePermission(ctx.actor, 'task.write');
  if (assetIds.length === 0) {
    throw errors.invalidField('body', 'assetids', 'must name at least one asset');
  }
  const workspaceId = scopedWorkspaceId(ctx);
  return inTransaction(ctx, async (tx) => {
    const project = await requireProject(tx, projectId);
    const wanted = [...new Set(assetIds)];
    const assets = new Map((await findAssetsByIds(tx.db, { workspaceId, ids: wanted })).map((a) => [a.id, a]));
    for (const id of wanted) {
      const asset = assets.get(id);
      // Unlinking a trashed asset is allowed (the link goes); linking one is not.
      if (!asset || (op === 'link' && asset.is_active !== 1)) {
        throw errors.notFound('asset', id);
      }
    }
    const linked = new Set(
      (await tx.db.selectFrom('project_linked_assets').select('asset_id').where('workspace_id', '=', workspaceId).where('project_id', '=', project.id).execute()).map(
        (r) => r.asset_id,
      ),
    );
    const changed = op === 'link' ? wanted.filter((a) => !linked.has(a)) : wanted.filter((a) => linked.has(a));
    if (changed.length === 0) {
      return [];
    }
    if (op === 'link') {
      const now = isoNow(tx.clock);
      await tx.db
        .insertInto('project_linked_assets')
        .values(changed.map((assetId) => ({ id: newId(), workspace_id: workspaceId, project_id: project.id, asset_id: assetId, added_by_user_id: tx.actor.userId, created_at: now })))
        .execute();
    } else {
      await tx.db.deleteFrom('project_linked_assets').where('workspace_id', '=', workspaceId).where('project_id', '=', project.id).where('asset_id', 'in', changed).execute();
    }
    await touchProject(tx, project.id);
    for (const assetId of changed) {
      await recordHistory(tx, {
        accountId: scopedAccountId(tx),
        workspaceId,
        assetId,
        userId: tx.actor.userId,
        subjectType: 'project',
        recordId: project.id,
        type: op === 'link' ? 'project_asset_linked' : 'project_asset_unlinked',
        data: { project_id: project.id, asset_id: assetId },
      });
    }
    await notifyProjectWatchers(tx, project, ['assets']);
    return changed;
  });
}

/** P6: the project's watchers, oldest first. */
export async function listProjectWatchers(ctx: Ctx, projectId: string, page: { offset: number; limit: number }): Promise<UserRow[]> {
  const project = await requireProject(ctx, projectId);
  return listProjectWatcherUsers(ctx.db, { workspaceId: scopedWorkspaceId(ctx), projectId: project.id, ...page });
}

/** The core view of a project's watchers: whether the caller watches it, and who does (oldest first, at most 500). */
export async function projectWatchers(ctx: Ctx, projectId: string): Promise<WatchersView> {
  return watchersView(ctx, await listProjectWatchers(ctx, projectId, { offset: 0, limit: CORE_WATCHERS_MAX }));
}

/** Core PUT/DELETE of one project watcher (`me` is the caller), by changeProjectWatchers' rules; answers projectWatchers. */
export async function setProjectWatcher(ctx: Ctx, projectId: string, userId: string, watch: boolean, message?: string | undefined): Promise<WatchersView> {
  await changeProjectWatchers(ctx, projectId, watch ? 'add' : 'remove', { userIds: [meOr(ctx, userId)], message });
  return projectWatchers(ctx, projectId);
}

/**
 * P9 / P12: adds or removes watchers. Anyone who may see the project may watch it or stop watching; changing other
 * people needs task.write (editors) or being the project's sponsor or owner. Each user added or removed is notified
 * (not the caller about themselves) with the message, through notifications (and so e-mail); a history event of the
 * same type is written (and so webhooks). Users outside the workspace: 404, nothing written. Returns the users changed.
 */
export async function changeProjectWatchers(
  ctx: Ctx,
  projectId: string,
  op: 'add' | 'remove',
  input: { userIds: readonly string[]; message?: string | undefined },
): Promise<string[]> {
  const message = input.message ?? null;
  if (message !== null && (message.length < 1 || message.length > PROJECT_MESSAGE_MAX)) {
    throw errors.invalidField('body', 'message', `must be 1 to ${PROJECT_MESSAGE_MAX} characters`);
  }
  if (input.userIds.length === 0) {
    throw errors.invalidField('body', 'user_ids', 'must name at least one user');
  }
  const workspaceId = scopedWorkspaceId(ctx);
  const accountId = scopedAccountId(ctx);
  return inTransaction(ctx, async (tx) => {
    const project = await requireProject(tx, projectId);
    const userIds = [...new Set(input.userIds)];
    const me = tx.actor.userId;
    const onlySelf = userIds.every((u) => u === me);
    if (!onlySelf && !can(tx.actor, 'task.write') && project.sponsor_id !== me && project.owner_id !== me) {
      throw errors.forbidden('permission_denied', 'Only editors and the project\'s sponsor or owner may change who else watches it.');
    }
    for (const userId of userIds) {
      if (!(await isWorkspaceUser(tx.db, { accountId, workspaceId, userId }))) {
        throw errors.notFound('user', userId);
      }
    }
    const current = new Set(
      (await tx.db.selectFrom('project_watchers').select('user_id').where('workspace_id', '=', workspaceId).where('project_id', '=', project.id).execute()).map(
        (r) => r.user_id,
      ),
    );
    const changed = op === 'add' ? userIds.filter((u) => !current.has(u)) : userIds.filter((u) => current.has(u));
    if (changed.length === 0) {
      return [];
    }
    if (op === 'add') {
      const now = isoNow(tx.clock);
      await tx.db
        .insertInto('project_watchers')
        .values(changed.map((userId) => ({ id: newId(), workspace_id: workspaceId, project_id: project.id, user_id: userId, added_by_user_id: me, created_at: now })))
        .execute();
    } else {
      await tx.db.deleteFrom('project_watchers').where('workspace_id', '=', workspaceId).where('project_id', '=', project.id).where('user_id', 'in', changed).execute();
    }
    const type = op === 'add' ? PROJECT_WATCHER_ADDED : PROJECT_WATCHER_REMOVED;
    await recordHistory(tx, { accountId, workspaceId, userId: me, subjectType: 'project', recordId: project.id, type, data: { user_ids: changed, message } });
    await notify(tx, {
      accountId,
      workspaceId,
      userIds: changed.filter((u) => u !== me),
      type,
      data: { project_id: project.id, title: project.name, message, by_user_id: me },
    });
    return changed;
  });
}
