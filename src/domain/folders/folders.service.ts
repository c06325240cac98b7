import type { FolderRow } from '../../db/schema.js';
import { isoNow } from '../../lib/clock.js';
import { requirePermission } from '../access.js';
import { viewAssets, type AssetView } from '../assets/assets.service.js';
import { inTransaction, scopedWorkspaceId, type Ctx } from '../context.js';
import { DomainError, errors, type FieldProblem } from '../errors.js';
import { recordHistory } from '../history/history.service.js';
import { trashAssets, MAX_TRASH_IDS } from '../trash/trash.service.js';
import { ensureFolderPath } from './folder-paths.js';
import {
  assetTotalsUnder,
  countSubfolders,
  deleteFoldersUnder,
  findFolder,
  findFolderByPath,
  listAssetsInFolder,
  listAssetsUnder,
  listFoldersUnder,
  listFoldersWithCounts,
  rewritePrefix,
  updateFolderRow,
} from './folders.repo.js';
import { cleanFolderName, cleanFolderPath, cleanFolderRowPath, folderNameOf, isWithin, parentPathOf } from './folders.rules.js';

/** The folder in the request's workspace, or `folder_not_found`. */
export async function requireFolder(ctx: Ctx, id: string): Promise<FolderRow> {
  const folder = await findFolder(ctx.db, { workspaceId: scopedWorkspaceId(ctx), id });
  if (!folder) {
    throw errors.notFound('folder', id);
  }
  return folder;
}

export interface CreateFolderInput {
  /** A full path (`/A/B`); missing parents are created too. */
  path?: string | undefined;
  /** Where `path` came from (`?folder=` unless said otherwise), so a bad one is reported at the field the client sent. */
  pathField?: { in: FieldProblem['in']; name: string } | undefined;
  /** Or a name inside `parentId` (null or absent: the root). */
  name?: string | undefined;
  parentId?: string | null | undefined;
}

/** POST /workspaces/folders: creates the folder and any missing parent; an existing path is returned as it is. */
export async function createFolder(ctx: Ctx, input: CreateFolderInput): Promise<{ folder: FolderRow; created: boolean }> {
  requirePermission(ctx.actor, 'organise.manage');
  const workspaceId = scopedWorkspaceId(ctx);
  return inTransaction(ctx, async (tx) => {
    let path: string;
    if (input.path !== undefined) {
      path = cleanFolderRowPath(input.path, input.pathField?.name ?? 'folder', input.pathField?.in ?? 'query');
    } else if (input.name !== undefined) {
      const parentPath = input.parentId ? (await requireFolder(tx, input.parentId)).path : '/';
      path = `${parentPath}${cleanFolderName(input.name, 'name', 'body')}/`;
    } else {
      throw errors.invalidField('query', 'folder', 'is required (or `path`, or `name` with an optional `parent_id`)');
    }
    const existing = await findFolderByPath(tx.db, { workspaceId, path });
    if (existing) {
      return { folder: existing, created: false };
    }
    const folder = await ensureFolderPath(tx, workspaceId, path);
    if (!folder) {
      throw new Error('ensureFolderPath returned no row for a non-root path');
    }
    return { folder, created: true };
  });
}

/** GET /workspaces/folders/{id}. */
export async function getFolder(ctx: Ctx, id: string): Promise<FolderRow> {
  requirePermission(ctx.actor, 'asset.read');
  return requireFolder(ctx, id);
}

/** GET /workspaces/folders?folder=/A/B: the folder at a path. */
export async function getFolderByPath(ctx: Ctx, rawPath: string): Promise<FolderRow> {
  requirePermission(ctx.actor, 'asset.read');
  const path = cleanFolderRowPath(rawPath, 'folder', 'query');
  const folder = await findFolderByPath(ctx.db, { workspaceId: scopedWorkspaceId(ctx), path });
  if (!folder) {
    throw new DomainError('not_found', 'folder_not_found', `No folder at ${path}.`);
  }
  return folder;
}

export interface FolderPatch {
  /** The new full path (move and/or rename). */
  path?: string | undefined;
  /** The new name (rename; with `path` or `parentId`, the name at the destination). */
  name?: string | undefined;
  /** The new parent (null: the root); an alternative to `path`. */
  parentId?: string | null | undefined;
}

async function targetPathOf(tx: Ctx, folder: FolderRow, patch: FolderPatch): Promise<string> {
  if (patch.path === undefined && patch.name === undefined && patch.parentId === undefined) {
    throw errors.invalidField('body', 'path', 'give `path`, `name` or `parent_id`');
  }
  let parentPath = parentPathOf(folder.path);
  let name = folder.name;
  if (patch.path !== undefined) {
    const path = cleanFolderRowPath(patch.path, 'path', 'body');
    parentPath = parentPathOf(path);
    name = folderNameOf(path);
  } else if (patch.parentId !== undefined) {
    parentPath = patch.parentId === null ? '/' : (await requireFolder(tx, patch.parentId)).path;
  }
  if (patch.name !== undefined) {
    name = cleanFolderName(patch.name, 'name', 'body');
  }
  return `${parentPath}${name}/`;
}

/**
 * PUT /workspaces/folders/{id}: moves and/or renames a folder. In ONE transaction its path, every descendant
 * folder's path and every asset's file_location below it change together. Refused: a move into its own subtree
 * (400), onto an existing folder (409), or while an asset inside is locked by someone else (423).
 */
export async function updateFolder(ctx: Ctx, id: string, patch: FolderPatch): Promise<FolderRow> {
  requirePermission(ctx.actor, 'organise.manage');
  const workspaceId = scopedWorkspaceId(ctx);
  return inTransaction(ctx, async (tx) => {
    const folder = await requireFolder(tx, id);
    const target = await targetPathOf(tx, folder, patch);
    if (target === folder.path) {
      return folder;
    }
    if (isWithin(target, folder.path)) {
      throw errors.invalidField('body', patch.path !== undefined ? 'path' : 'parent_id', 'cannot move a folder into itself or one of its subfolders');
    }
    const taken = (await findFolderByPath(tx.db, { workspaceId, path: target })) ?? (await listAssetsUnder(tx.db, { workspaceId, path: target })).find((a) => a.is_active === 1);
    if (taken) {
      throw errors.conflict('folder_path_taken', `There is already a folder at ${target}.`);
    }
    const assets = await listAssetsUnder(tx.db, { workspaceId, path: folder.path });
    const locked = assets.find((a) => a.locked_by_user_id !== null && a.locked_by_user_id !== ctx.actor.userId);
    if (locked?.locked_by_user_id) {
      throw new DomainError('locked', 'asset_locked', `The asset ${locked.id} in this folder is locked by user ${locked.locked_by_user_id}.`, {
        locked_by_user_id: locked.locked_by_user_id,
        asset_id: locked.id,
      });
    }
    const parent = await ensureFolderPath(tx, workspaceId, parentPathOf(target));
    const now = isoNow(tx.clock);
    try {
      await rewritePrefix(tx.db, { workspaceId, from: folder.path, to: target, now });
    } catch (err) {
      throw tx.dialect.translateError(err)?.kind === 'conflict' ? errors.conflict('folder_path_taken', `There is already a folder at ${target}.`, err) : err;
    }
    const after = await updateFolderRow(tx.db, { workspaceId, id }, { name: folderNameOf(target), parent_id: parent?.id ?? null, updated_at: now });
    if (!after) {
      throw errors.notFound('folder', id);
    }
    const base = { accountId: ctx.actor.accountId, workspaceId, userId: ctx.actor.userId };
    await recordHistory(tx, {
      ...base,
      subjectType: 'folder',
      recordId: id,
      type: parentPathOf(target) === parentPathOf(folder.path) ? 'folder_renamed' : 'folder_moved',
      data: { before: { path: folder.path, parent_id: folder.parent_id }, after: { path: after.path, parent_id: after.parent_id }, assets_moved: assets.length },
    });
    for (const a of assets) {
      await recordHistory(tx, {
        ...base,
        assetId: a.id,
        subjectType: 'asset',
        recordId: a.id,
        type: 'asset_updated',
        data: { before: { file_location: a.file_location }, after: { file_location: `${target}${a.file_location.slice(folder.path.length)}` }, folder_id: id },
      });
    }
    return after;
  });
}

/**
 * DELETE /workspaces/folders/{id}: only an empty folder (409 folder_not_empty), unless `recursive`, which moves the
 * live assets below it to the trash (the trash's own rules: locks are honoured) and deletes the folder rows.
 */
export async function deleteFolder(ctx: Ctx, id: string, opts: { recursive: boolean }): Promise<void> {
  requirePermission(ctx.actor, 'organise.manage');
  const workspaceId = scopedWorkspaceId(ctx);
  await inTransaction(ctx, async (tx) => {
    const folder = await requireFolder(tx, id);
    const folders = await listFoldersUnder(tx.db, { workspaceId, path: folder.path });
    const live = (await listAssetsUnder(tx.db, { workspaceId, path: folder.path })).filter((a) => a.is_active === 1);
    if (!opts.recursive && (folders.length > 1 || live.length > 0)) {
      throw errors.conflict('folder_not_empty', `${folder.path} has ${folders.length - 1} subfolder(s) and ${live.length} asset(s); delete with ?recursive=true to move its assets to the trash.`);
    }
    for (let i = 0; i < live.length; i += MAX_TRASH_IDS) {
      await trashAssets(tx, live.slice(i, i + MAX_TRASH_IDS).map((a) => a.id));
    }
    await deleteFoldersUnder(tx.db, { workspaceId, path: folder.path });
    await recordHistory(tx, {
      accountId: ctx.actor.accountId,
      workspaceId,
      userId: ctx.actor.userId,
      subjectType: 'folder',
      recordId: id,
      type: 'folder_deleted',
      data: { path: folder.path, recursive: opts.recursive, folders_deleted: folders.length, assets_trashed: live.length },
    });
  });
}

export interface FolderNode {
  id: string;
  name: string;
  path: string;
  parent_id: string | null;
  asset_count: number;
  children: FolderNode[];
}

/** GET /workspaces/folders/hierarchy: the whole tree from ONE query; siblings by name; asset_count = direct live assets. */
export async function folderHierarchy(ctx: Ctx): Promise<FolderNode[]> {
  requirePermission(ctx.actor, 'asset.read');
  const rows = await listFoldersWithCounts(ctx.db, { workspaceId: scopedWorkspaceId(ctx) });
  const nodes = new Map<string, FolderNode>(rows.map((r) => [r.id, { ...r, children: [] }]));
  const roots: FolderNode[] = [];
  for (const node of nodes.values()) {
    const parent = node.parent_id ? nodes.get(node.parent_id) : undefined;
    (parent ? parent.children : roots).push(node);
  }
  // Code-point order, the same on both databases (PostgreSQL's ORDER BY follows its collation).
  const byName = (a: FolderNode, b: FolderNode): number => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
  const sort = (list: FolderNode[]): void => {
    list.sort(byName);
    list.forEach((n) => sort(n.children));
  };
  sort(roots);
  return roots;
}

export interface FolderStats {
  path: string;
  folderId: string | null;
  folders: number;
  assets: number;
  totalAssets: number;
  totalSize: number;
}

/** GET /workspaces/folders/stats?folder=/A/: `/` always answers (clients call it to check their credentials). */
export async function folderStats(ctx: Ctx, rawPath: string | undefined): Promise<FolderStats> {
  requirePermission(ctx.actor, 'asset.read');
  const workspaceId = scopedWorkspaceId(ctx);
  const path = cleanFolderPath(rawPath ?? '/', 'folder', 'query');
  let folderId: string | null = null;
  if (path !== '/') {
    const folder = await findFolderByPath(ctx.db, { workspaceId, path });
    if (!folder) {
      throw new DomainError('not_found', 'folder_not_found', `No folder at ${path}.`);
    }
    folderId = folder.id;
  }
  const [folders, totals] = await Promise.all([
    countSubfolders(ctx.db, { workspaceId, parentId: folderId }),
    assetTotalsUnder(ctx.db, { workspaceId, path }),
  ]);
  return { path, folderId, folders, assets: totals.direct, totalAssets: totals.total, totalSize: totals.size };
}

/** GET /workspaces/folders/{id}/assets: the live assets directly in the folder, by file name. */
export async function listFolderAssets(ctx: Ctx, id: string): Promise<AssetView[]> {
  requirePermission(ctx.actor, 'asset.read');
  const folder = await requireFolder(ctx, id);
  return viewAssets(ctx, await listAssetsInFolder(ctx.db, { workspaceId: scopedWorkspaceId(ctx), path: folder.path }));
}
