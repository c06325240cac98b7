import type { Readable } from 'node:stream';
import type { DerivativeRow } from '../../db/schema.js';
import { requirePermission } from '../access.js';
import { requireAsset } from '../assets/assets.service.js';
import { scopedWorkspaceId, type Ctx } from '../context.js';
import { errors } from '../errors.js';
import { findVersion } from '../versions/versions.repo.js';
import { findDerivativeOfKind } from './media.repo.js';

/** A ready derivative's row, to answer with its bytes. */
export interface ReadyDerivative extends DerivativeRow {
  blob_key: string;
  content_type: string;
}

/**
 * GET /workspaces/assets/{asset_id}/versions/{version_id}/derivatives/{kind}: the ready derivative of a version of
 * the request's workspace. Pending or failed: `derivative_not_ready` (404) with the state (and reason) in the message.
 */
export async function getReadyDerivative(ctx: Ctx, input: { assetId: string; versionId: string; kind: string }): Promise<ReadyDerivative> {
  requirePermission(ctx.actor, 'asset.read');
  const workspaceId = scopedWorkspaceId(ctx);
  await requireAsset(ctx, input.assetId);
  const version = await findVersion(ctx.db, { workspaceId, assetId: input.assetId, id: input.versionId });
  if (!version || version.deleted_at !== null) {
    throw errors.notFound('version', input.versionId);
  }
  const row = await findDerivativeOfKind(ctx.db, { workspaceId, versionId: version.id, kind: input.kind });
  if (!row) {
    throw errors.notFound('derivative');
  }
  if (row.state !== 'ready' || !row.blob_key || !row.content_type) {
    throw errors.derivativeNotReady(input.kind, row.state, row.error);
  }
  return { ...row, blob_key: row.blob_key, content_type: row.content_type };
}

/** The bytes of a ready derivative, whole or one inclusive byte range. */
export function openDerivative(ctx: Ctx, row: ReadyDerivative, range?: { start: number; end: number }): Promise<Readable> {
  return ctx.blobs.get(row.blob_key, range);
}
