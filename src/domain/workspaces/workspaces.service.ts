import type { Readable } from 'node:stream';
import type { WorkspaceMemberRow, WorkspaceRow, WorkspaceUpdate } from '../../db/schema.js';
import { isoNow } from '../../lib/clock.js';
import { requirePermission } from '../access.js';
import { insertWorkspace } from '../accounts/accounts.service.js';
import { inTransaction, scopedAccountId, scopedWorkspaceId, type Ctx } from '../context.js';
import { errors, type FieldProblem } from '../errors.js';
import { listHistory, recordHistory, type HistoryPage } from '../history/history.service.js';
import { storeThumbnail, THUMBNAIL_CONTENT_TYPE } from '../thumbnails/thumbnails.service.js';
import { deleteWorkspaceRow, findWorkspace, findWorkspaceMember, updateWorkspaceRow } from './workspaces.repo.js';
import { workspaceUsage, type WorkspaceUsage } from './usage.js';

export interface WorkspaceView {
  workspace: WorkspaceRow;
  /** The caller's own membership row, if they have one (account admins may not). */
  membership: WorkspaceMemberRow | undefined;
  usage: WorkspaceUsage;
}

/** What a create or update request carries. */
export interface WorkspaceFields {
  name?: string | undefined;
  /** Where `name` came from, so a bad one is reported in the right request part. */
  nameIn?: FieldProblem['in'] | undefined;
  thumbnailKey?: string | undefined;
}

/**
 * Reads the request's fields, storing an uploaded thumbnail through `storeImage`. Services call it only after the
 * permission check, so nothing is stored for a caller who may not make the change.
 */
export type WorkspaceFormReader = (storeImage: (image: Readable) => Promise<string>) => Promise<WorkspaceFields>;

export const WORKSPACE_NAME_MAX = 200;

function cleanName(fields: WorkspaceFields): string | undefined {
  if (fields.name === undefined) {
    return undefined;
  }
  const name = fields.name.trim();
  const part = fields.nameIn ?? 'query';
  if (name.length === 0) {
    throw errors.invalidField(part, 'name', 'must not be blank');
  }
  if (name.length > WORKSPACE_NAME_MAX) {
    throw errors.invalidField(part, 'name', `must be at most ${WORKSPACE_NAME_MAX} characters`);
  }
  return name;
}

async function viewOf(ctx: Ctx, workspace: WorkspaceRow): Promise<WorkspaceView> {
  const [membership, usage] = await Promise.all([
    findWorkspaceMember(ctx.db, { workspaceId: workspace.id, userId: ctx.actor.userId }),
    workspaceUsage(ctx.db, workspace.id),
  ]);
  return { workspace, membership, usage };
}

async function requireCurrentWorkspace(ctx: Ctx): Promise<WorkspaceRow> {
  const workspaceId = scopedWorkspaceId(ctx);
  const workspace = await findWorkspace(ctx.db, { accountId: scopedAccountId(ctx), id: workspaceId });
  if (!workspace) {
    throw errors.notFound('workspace', workspaceId);
  }
  return workspace;
}

const snapshot = (w: WorkspaceRow): Record<string, unknown> => ({ name: w.name, thumbnail_file_id: w.thumbnail_blob_key });

/**
 * GET /workspaces: the workspace named by the request's scope, with the caller's role and usage. Clients call it
 * often (it is how documented scripts check their credentials), and it is five queries, so it goes through the read
 * cache: any write (an upload, a member added, a rename) makes the next call read afresh.
 */
export async function getCurrentWorkspace(ctx: Ctx): Promise<WorkspaceView> {
  requirePermission(ctx.actor, 'workspace.read');
  const key = `workspace-view:${scopedAccountId(ctx)}:${scopedWorkspaceId(ctx)}:${ctx.actor.userId}`;
  return ctx.cache.get(ctx.db, key, async () => viewOf(ctx, await requireCurrentWorkspace(ctx)));
}

/** POST /workspaces: a new workspace in the caller's account; the creator becomes its admin member. */
export async function createWorkspace(ctx: Ctx, read: WorkspaceFormReader): Promise<WorkspaceView> {
  requirePermission(ctx.actor, 'workspace.create');
  const fields = await read((image) => storeThumbnail(ctx, image));
  const name = cleanName(fields);
  if (name === undefined) {
    throw errors.invalidField('query', 'name', 'is required');
  }
  const workspace = await inTransaction(ctx, (tx) =>
    insertWorkspace(tx, {
      accountId: scopedAccountId(tx),
      name,
      createdByUserId: tx.actor.userId,
      thumbnailBlobKey: fields.thumbnailKey ?? null,
    }),
  );
  return viewOf(ctx, workspace);
}

/** PUT /workspaces: renames the current workspace and/or replaces its thumbnail. An empty update changes nothing. */
export async function updateWorkspace(ctx: Ctx, read: WorkspaceFormReader): Promise<WorkspaceView> {
  requirePermission(ctx.actor, 'workspace.update');
  const fields = await read((image) => storeThumbnail(ctx, image));
  const name = cleanName(fields);
  const workspace = await inTransaction(ctx, async (tx) => {
    const before = await requireCurrentWorkspace(tx);
    const patch: WorkspaceUpdate = {};
    if (name !== undefined && name !== before.name) {
      patch.name = name;
    }
    if (fields.thumbnailKey !== undefined && fields.thumbnailKey !== before.thumbnail_blob_key) {
      patch.thumbnail_blob_key = fields.thumbnailKey;
    }
    if (Object.keys(patch).length === 0) {
      return before;
    }
    patch.updated_at = isoNow(tx.clock);
    const after = await updateWorkspaceRow(tx.db, { accountId: before.account_id, id: before.id }, patch);
    if (!after) {
      throw errors.notFound('workspace', before.id);
    }
    await recordHistory(tx, {
      accountId: after.account_id,
      workspaceId: after.id,
      userId: tx.actor.userId,
      subjectType: 'workspace',
      recordId: after.id,
      type: 'workspace_updated',
      data: { before: snapshot(before), after: snapshot(after) },
    });
    return after;
  });
  return viewOf(ctx, workspace);
}

/**
 * DELETE /workspaces: deletes the current workspace; memberships (and everything inside it) go by FK cascade.
 * History is kept: its rows have no foreign keys. The thumbnail blob is left to the orphan sweep (blobs are shared).
 */
export async function deleteWorkspace(ctx: Ctx): Promise<void> {
  requirePermission(ctx.actor, 'workspace.delete');
  await inTransaction(ctx, async (tx) => {
    const before = await requireCurrentWorkspace(tx);
    await deleteWorkspaceRow(tx.db, { accountId: before.account_id, id: before.id });
    await recordHistory(tx, {
      accountId: before.account_id,
      workspaceId: before.id,
      userId: tx.actor.userId,
      subjectType: 'workspace',
      recordId: before.id,
      type: 'workspace_deleted',
      data: { before: { ...snapshot(before), created_by_user_id: before.created_by_user_id, created_at: before.created_at } },
    });
  });
}

/** GET /workspaces/thumbnail: the stored WebP, or `thumbnail_not_found`. */
export async function getWorkspaceThumbnail(ctx: Ctx): Promise<{ stream: Readable; key: string; contentType: string }> {
  requirePermission(ctx.actor, 'workspace.read');
  const workspace = await requireCurrentWorkspace(ctx);
  if (!workspace.thumbnail_blob_key) {
    throw errors.notFound('thumbnail');
  }
  const stream = await ctx.blobs.get(workspace.thumbnail_blob_key);
  return { stream, key: workspace.thumbnail_blob_key, contentType: THUMBNAIL_CONTENT_TYPE };
}

/** GET /workspaces/usage. */
export async function getWorkspaceUsage(ctx: Ctx): Promise<WorkspaceUsage> {
  requirePermission(ctx.actor, 'workspace.read');
  const workspace = await requireCurrentWorkspace(ctx);
  return workspaceUsage(ctx.db, workspace.id);
}

/** GET /workspaces/history: the current workspace's events, newest first. */
export async function listWorkspaceHistory(ctx: Ctx, page: { limit: number; cursor?: number | undefined }): Promise<HistoryPage> {
  requirePermission(ctx.actor, 'workspace.history.read');
  return listHistory(ctx.db, { workspaceId: scopedWorkspaceId(ctx), viewerId: ctx.actor.userId }, { limit: page.limit, before: page.cursor });
}
