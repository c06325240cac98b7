import type { Kysely } from 'kysely';
import type { Dialect } from '../../db/dialects/dialect.js';
import type { AssetVersionRow, DB, DerivativeRow } from '../../db/schema.js';

/* Queries of the media pipeline's jobs. Every one takes the workspace scope the job's payload carries. */

/** One derivative row of the workspace. */
export function findDerivative(db: Kysely<DB>, scope: { workspaceId: string; id: string }): Promise<DerivativeRow | undefined> {
  return db.selectFrom('derivatives').selectAll().where('id', '=', scope.id).where('workspace_id', '=', scope.workspaceId).executeTakeFirst();
}

/** A version's derivative of one kind. */
export function findDerivativeOfKind(
  db: Kysely<DB>,
  scope: { workspaceId: string; versionId: string; kind: string },
): Promise<DerivativeRow | undefined> {
  return db
    .selectFrom('derivatives')
    .selectAll()
    .where('workspace_id', '=', scope.workspaceId)
    .where('version_id', '=', scope.versionId)
    .where('kind', '=', scope.kind)
    .executeTakeFirst();
}

/** All derivatives of one version. */
export function listVersionDerivatives(db: Kysely<DB>, scope: { workspaceId: string; versionId: string }): Promise<DerivativeRow[]> {
  return db
    .selectFrom('derivatives')
    .selectAll()
    .where('workspace_id', '=', scope.workspaceId)
    .where('version_id', '=', scope.versionId)
    .orderBy('sequence')
    .execute();
}

/** A version of the workspace by id alone (jobs know the version, not the asset). */
export function findVersionById(db: Kysely<DB>, scope: { workspaceId: string; id: string }): Promise<AssetVersionRow | undefined> {
  return db.selectFrom('asset_versions').selectAll().where('id', '=', scope.id).where('workspace_id', '=', scope.workspaceId).executeTakeFirst();
}

/** The account that owns a workspace (history events carry it). */
export async function findWorkspaceAccountId(db: Kysely<DB>, workspaceId: string): Promise<string | null> {
  const row = await db.selectFrom('workspaces').select('account_id').where('id', '=', workspaceId).executeTakeFirst();
  return row?.account_id ?? null;
}

/**
 * Takes the version row's lock for the rest of the transaction, and says whether the version still exists.
 * NOTE(postgres): two derivative jobs of one version settling at once are serialised here, so exactly one of them
 * sees "none pending" afterwards. A locking read, not a no-op update: that rewrote the row, metadata and all, on
 * every settle. NOTE(sqlite): transactions are already serialised.
 */
export async function lockVersion(tx: { db: Kysely<DB>; dialect: Dialect }, scope: { workspaceId: string; id: string }): Promise<boolean> {
  const row = await tx.dialect
    .lockingRead(tx.db.selectFrom('asset_versions').select('id').where('id', '=', scope.id).where('workspace_id', '=', scope.workspaceId))
    .executeTakeFirst();
  return row !== undefined;
}

export type DerivativeOutcome =
  | { state: 'ready'; blob_key: string; content_type: string; size: number; width: number | null; height: number | null }
  | { state: 'failed'; error: string };

/** Settles a pending derivative; false when it was not pending any more (another run settled it first). */
export async function settleDerivative(
  db: Kysely<DB>,
  scope: { workspaceId: string; id: string },
  outcome: DerivativeOutcome,
  now: string,
): Promise<boolean> {
  const set =
    outcome.state === 'ready'
      ? { ...outcome, error: null, updated_at: now }
      : { state: 'failed', error: outcome.error.slice(0, 1000), updated_at: now };
  const r = await db
    .updateTable('derivatives')
    .set(set)
    .where('id', '=', scope.id)
    .where('workspace_id', '=', scope.workspaceId)
    .where('state', '=', 'pending')
    .executeTakeFirst();
  return r.numUpdatedRows > 0n;
}

/** Sets the version's thumbnail to a generated one unless it already has one (an uploaded thumbnail wins). */
export async function setThumbnailIfUnset(db: Kysely<DB>, scope: { workspaceId: string; id: string }, blobKey: string): Promise<void> {
  await db
    .updateTable('asset_versions')
    .set({ thumbnail_blob_key: blobKey })
    .where('id', '=', scope.id)
    .where('workspace_id', '=', scope.workspaceId)
    .where('thumbnail_blob_key', 'is', null)
    .execute();
}

/** Replaces a version's metadata JSON text. */
export async function updateVersionMetadata(db: Kysely<DB>, scope: { workspaceId: string; id: string }, metadata: string): Promise<void> {
  await db.updateTable('asset_versions').set({ metadata }).where('id', '=', scope.id).where('workspace_id', '=', scope.workspaceId).execute();
}
