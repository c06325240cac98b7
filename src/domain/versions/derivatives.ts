import type { Kysely } from 'kysely';
import type { DB, DerivativeRow } from '../../db/schema.js';
import { isoNow, type Clock } from '../../lib/clock.js';
import type { Deps } from '../context.js';
import { newId } from '../../lib/ids.js';

/** Files made from a version by jobs (never on the request path). */
export const DERIVATIVE_KINDS = ['thumbnail', 'preview', 'poster', 'proxy', 'waveform', 'page'] as const;
export type DerivativeKind = (typeof DERIVATIVE_KINDS)[number];
export const isDerivativeKind = (k: string): k is DerivativeKind => (DERIVATIVE_KINDS as readonly string[]).includes(k);

export const DERIVATIVE_STATES = ['pending', 'ready', 'failed'] as const;
export type DerivativeState = (typeof DERIVATIVE_STATES)[number];

// Image formats sharp decodes; others (PSD, EXR...) get no derivatives until a tool for them exists.
const SHARP_IMAGES = new Set(['image/jpeg', 'image/png', 'image/webp', 'image/gif', 'image/avif', 'image/tiff', 'image/heif', 'image/svg+xml', 'image/bmp']);

/** Which derivatives a version of this content type gets; the media pipeline has a job per kind. */
export function derivativeKindsFor(contentType: string): DerivativeKind[] {
  // PSD too: sharp cannot read it, and the media pipeline fails these rows with that reason for the user to see.
  if (SHARP_IMAGES.has(contentType) || contentType === 'image/vnd.adobe.photoshop') {
    return ['thumbnail', 'preview'];
  }
  if (contentType.startsWith('video/')) {
    return ['thumbnail', 'poster', 'proxy'];
  }
  if (contentType.startsWith('audio/')) {
    return ['waveform'];
  }
  if (contentType === 'application/pdf') {
    return ['thumbnail', 'page'];
  }
  return [];
}

/** Inserts one `pending` row per kind for a new version, in the caller's transaction. */
export async function insertPendingDerivatives(
  ctx: { db: Kysely<DB>; clock: Clock },
  input: { workspaceId: string; versionId: string; kinds: readonly DerivativeKind[] },
): Promise<DerivativeRow[]> {
  if (input.kinds.length === 0) {
    return [];
  }
  const now = isoNow(ctx.clock);
  return ctx.db
    .insertInto('derivatives')
    .values(
      input.kinds.map((kind) => ({
        id: newId(),
        version_id: input.versionId,
        workspace_id: input.workspaceId,
        kind,
        state: 'pending',
        blob_key: null,
        content_type: null,
        size: null,
        width: null,
        height: null,
        error: null,
        created_at: now,
        updated_at: now,
      })),
    )
    .returningAll()
    .execute();
}

/** Copies a version's ready derivatives to another version of the same bytes (make-current). */
export async function copyReadyDerivatives(
  ctx: { db: Kysely<DB>; clock: Clock },
  input: { workspaceId: string; from: readonly DerivativeRow[]; toVersionId: string },
): Promise<DerivativeRow[]> {
  const ready = input.from.filter((d) => d.state === 'ready');
  if (ready.length === 0) {
    return [];
  }
  const now = isoNow(ctx.clock);
  return ctx.db
    .insertInto('derivatives')
    .values(
      ready.map((d) => ({
        id: newId(),
        version_id: input.toVersionId,
        workspace_id: input.workspaceId,
        kind: d.kind,
        state: d.state,
        blob_key: d.blob_key,
        content_type: d.content_type,
        size: d.size,
        width: d.width,
        height: d.height,
        error: null,
        created_at: now,
        updated_at: now,
      })),
    )
    .returningAll()
    .execute();
}

/** Derivatives of several versions of the workspace. */
export async function listDerivativesOfVersions(
  db: Kysely<DB>,
  scope: { workspaceId: string; versionIds: readonly string[] },
): Promise<DerivativeRow[]> {
  if (scope.versionIds.length === 0) {
    return [];
  }
  return db
    .selectFrom('derivatives')
    .selectAll()
    .where('workspace_id', '=', scope.workspaceId)
    .where('version_id', 'in', [...new Set(scope.versionIds)])
    .orderBy('sequence')
    .execute();
}

/** Payload of every `derivative.<kind>` job: the tenant scope and the row to fill. */
export interface DerivativeJobPayload {
  workspace_id: string;
  version_id: string;
  derivative_id: string;
}
