import type { Kysely } from 'kysely';
import type { Dialect } from '../../db/dialects/dialect.js';
import { prepare } from '../../db/prepared.js';
import type { AssetVersionRow, DB, DerivativeRow } from '../../db/schema.js';

/*
 * Queries of the media pipeline's jobs. Every one takes the workspace scope the job's payload carries. The ones each
 * derivative job runs are prepared (db/prepared.ts): built and compiled once, not per job.
 */

/** What a derivative job needs of its version: the bytes and their type, and where history goes. */
export type DerivativeSource = Pick<AssetVersionRow, 'id' | 'asset_id' | 'blob_key' | 'content_type' | 'size'>;

// Only the columns used: every column of every row read costs the driver a property name and a value.
const pendingDerivativeQuery = prepare((db: Kysely<DB>, p: { workspaceId: string; derivativeId: string; versionId: string }) =>
  db
    .selectFrom('derivatives')
    .innerJoin('asset_versions', 'asset_versions.id', 'derivatives.version_id')
    .select(['asset_versions.id', 'asset_versions.asset_id', 'asset_versions.blob_key', 'asset_versions.content_type', 'asset_versions.size'])
    .where('derivatives.id', '=', p.derivativeId)
    .where('derivatives.workspace_id', '=', p.workspaceId)
    .where('derivatives.version_id', '=', p.versionId)
    .where('derivatives.state', '=', 'pending')
    .where('asset_versions.workspace_id', '=', p.workspaceId),
);

/** The version a derivative belongs to, when that derivative of the workspace is still pending (one query). */
export function findPendingDerivativeVersion(
  db: Kysely<DB>,
  scope: { workspaceId: string; derivativeId: string; versionId: string },
): Promise<DerivativeSource | undefined> {
  return pendingDerivativeQuery.first(db, scope);
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

const derivativeStatesQuery = prepare((db: Kysely<DB>, p: { workspaceId: string; versionId: string }) =>
  db
    .selectFrom('derivatives')
    .select(['id', 'kind', 'state'])
    .where('workspace_id', '=', p.workspaceId)
    .where('version_id', '=', p.versionId)
    .orderBy('sequence'),
);

/** The kind and state of every derivative of one version. */
export function listDerivativeStates(
  db: Kysely<DB>,
  scope: { workspaceId: string; versionId: string },
): Promise<Array<Pick<DerivativeRow, 'id' | 'kind' | 'state'>>> {
  return derivativeStatesQuery.rows(db, scope);
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
 * A locking read, not a no-op update: that rewrote the row, metadata and all. NOTE(sqlite): transactions are
 * already serialised.
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

/**
 * Serialises the settling of one version's derivatives for the rest of the transaction, so when two of them settle
 * at once exactly one sees "none pending" afterwards (an advisory lock on PostgreSQL; on SQLite transactions are
 * serialised already, and this runs no statement). Whether the version still exists is settleDerivative's answer:
 * its derivative rows go with it.
 */
export async function lockVersionDerivatives(tx: { db: Kysely<DB>; dialect: Dialect }, versionId: string): Promise<void> {
  await tx.dialect.lockKey(tx.db, `version-derivatives:${versionId}`);
}

/** An update of one derivative of the workspace that applies only while it is pending. */
const updatePending = (db: Kysely<DB>, p: { workspaceId: string; id: string }) =>
  db.updateTable('derivatives').where('id', '=', p.id).where('workspace_id', '=', p.workspaceId).where('state', '=', 'pending');

type ReadyValues = { workspaceId: string; id: string; blobKey: string; contentType: string; size: number; width: number | null; height: number | null; now: string };

const settleReadyQuery = prepare((db: Kysely<DB>, p: ReadyValues) =>
  updatePending(db, p).set({
    state: 'ready',
    blob_key: p.blobKey,
    content_type: p.contentType,
    size: p.size,
    width: p.width,
    height: p.height,
    error: null,
    updated_at: p.now,
  }),
);

const settleFailedQuery = prepare((db: Kysely<DB>, p: { workspaceId: string; id: string; error: string; now: string }) =>
  updatePending(db, p).set({ state: 'failed', error: p.error, updated_at: p.now }),
);

/** Settles a pending derivative; false when it was not pending any more (settled by another run, or gone). */
export async function settleDerivative(
  db: Kysely<DB>,
  scope: { workspaceId: string; id: string },
  outcome: DerivativeOutcome,
  now: string,
): Promise<boolean> {
  const changed =
    outcome.state === 'ready'
      ? await settleReadyQuery.affected(db, {
          ...scope,
          blobKey: outcome.blob_key,
          contentType: outcome.content_type,
          size: outcome.size,
          width: outcome.width,
          height: outcome.height,
          now,
        })
      : await settleFailedQuery.affected(db, { ...scope, error: outcome.error.slice(0, 1000), now });
  return changed > 0;
}

const setThumbnailQuery = prepare((db: Kysely<DB>, p: { workspaceId: string; id: string; blobKey: string }) =>
  db
    .updateTable('asset_versions')
    .set({ thumbnail_blob_key: p.blobKey })
    .where('id', '=', p.id)
    .where('workspace_id', '=', p.workspaceId)
    .where('thumbnail_blob_key', 'is', null),
);

/** Sets the version's thumbnail to a generated one unless it already has one (an uploaded thumbnail wins). */
export async function setThumbnailIfUnset(db: Kysely<DB>, scope: { workspaceId: string; id: string }, blobKey: string): Promise<void> {
  await setThumbnailQuery.execute(db, { ...scope, blobKey });
}

/** Replaces a version's metadata JSON text. */
export async function updateVersionMetadata(db: Kysely<DB>, scope: { workspaceId: string; id: string }, metadata: string): Promise<void> {
  await db.updateTable('asset_versions').set({ metadata }).where('id', '=', scope.id).where('workspace_id', '=', scope.workspaceId).execute();
}
