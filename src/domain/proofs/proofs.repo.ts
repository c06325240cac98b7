import type { Kysely } from 'kysely';
import type { DB, ProofPageRow, ProofRow } from '../../db/schema.js';

/* Proof rows and their pages; every query scoped to the workspace. */

type Scope = { workspaceId: string };

/** Proof statuses as Workstream shows them (spec §1.2): 1 ready, 2 pending, 3/4 not created. */
export const PROOF_STATUS = { ready: 1, pending: 2, unsupported: 3, failed: 4 } as const;

/** Where a proof was generated from (the `source` field): the scope's container kind. */
export const PROOF_SOURCE = { folder: 1, task: 2, project: 3, approval: 4 } as const;
export type ProofSourceKind = keyof typeof PROOF_SOURCE;

export function findProofOfAsset(db: Kysely<DB>, scope: Scope & { assetId: string }): Promise<ProofRow | undefined> {
  return db.selectFrom('proofs').selectAll().where('workspace_id', '=', scope.workspaceId).where('asset_id', '=', scope.assetId).executeTakeFirst();
}

/** The proofs of several assets (one per asset at most). */
export function findProofsOfAssets(db: Kysely<DB>, scope: Scope & { assetIds: readonly string[] }): Promise<ProofRow[]> {
  if (scope.assetIds.length === 0) {
    return Promise.resolve([]);
  }
  return db.selectFrom('proofs').selectAll().where('workspace_id', '=', scope.workspaceId).where('asset_id', 'in', [...new Set(scope.assetIds)]).execute();
}

export function findProofById(db: Kysely<DB>, scope: Scope & { id: string }): Promise<ProofRow | undefined> {
  return db.selectFrom('proofs').selectAll().where('workspace_id', '=', scope.workspaceId).where('id', '=', scope.id).executeTakeFirst();
}

export function insertProof(db: Kysely<DB>, row: Omit<ProofRow, 'sequence'>): Promise<ProofRow> {
  return db.insertInto('proofs').values(row).returningAll().executeTakeFirstOrThrow();
}

export function updateProofRow(db: Kysely<DB>, scope: Scope & { id: string }, set: Partial<Omit<ProofRow, 'id' | 'sequence' | 'workspace_id' | 'asset_id'>>): Promise<ProofRow | undefined> {
  return db.updateTable('proofs').set(set).where('workspace_id', '=', scope.workspaceId).where('id', '=', scope.id).returningAll().executeTakeFirst();
}

/** Deletes the proof and (by cascade) the pages of every version; their blobs are left to the orphan sweep. */
export async function deleteProofRow(db: Kysely<DB>, scope: Scope & { id: string }): Promise<void> {
  await db.deleteFrom('proof_pages').where('workspace_id', '=', scope.workspaceId).where('proof_id', '=', scope.id).execute();
  await db.deleteFrom('proofs').where('workspace_id', '=', scope.workspaceId).where('id', '=', scope.id).execute();
}

/** The proof's pages, by version (newest first) then page. */
export function listProofPages(db: Kysely<DB>, scope: Scope & { proofId: string }): Promise<ProofPageRow[]> {
  return db
    .selectFrom('proof_pages')
    .selectAll()
    .where('workspace_id', '=', scope.workspaceId)
    .where('proof_id', '=', scope.proofId)
    .orderBy('version_number', 'desc')
    .orderBy('page')
    .execute();
}

export function findProofPage(db: Kysely<DB>, scope: Scope & { proofId: string; id: string }): Promise<ProofPageRow | undefined> {
  return db
    .selectFrom('proof_pages')
    .selectAll()
    .where('workspace_id', '=', scope.workspaceId)
    .where('proof_id', '=', scope.proofId)
    .where('id', '=', scope.id)
    .executeTakeFirst();
}
