import type { Kysely, Updateable } from 'kysely';
import type { DB, ShotRow, ShotSequenceRow, ShotSequencesTable } from '../../db/schema.js';

/* Sequences of a video asset's shots (docs/medialoopster.md "Shots and sequences"); every query is workspace-scoped. */

export interface AssetScope {
  workspaceId: string;
  assetId: string;
}

export function listSequenceRows(db: Kysely<DB>, scope: AssetScope): Promise<ShotSequenceRow[]> {
  return db
    .selectFrom('shot_sequences')
    .selectAll()
    .where('workspace_id', '=', scope.workspaceId)
    .where('asset_id', '=', scope.assetId)
    .orderBy('timecode_start')
    .orderBy('sequence')
    .execute();
}

export function findSequenceRow(db: Kysely<DB>, scope: AssetScope, id: string): Promise<ShotSequenceRow | undefined> {
  return db
    .selectFrom('shot_sequences')
    .selectAll()
    .where('workspace_id', '=', scope.workspaceId)
    .where('asset_id', '=', scope.assetId)
    .where('id', '=', id)
    .executeTakeFirst();
}

/** The shots of one version of the asset whose integer ids (`sequence`, as /api/ shows them) are in `ids`. */
export function findVersionShots(db: Kysely<DB>, scope: AssetScope & { versionId: string }, ids: readonly number[]): Promise<ShotRow[]> {
  if (ids.length === 0) {
    return Promise.resolve([]);
  }
  return db
    .selectFrom('shots')
    .selectAll()
    .where('workspace_id', '=', scope.workspaceId)
    .where('asset_id', '=', scope.assetId)
    .where('version_id', '=', scope.versionId)
    .where('sequence', 'in', [...ids])
    .orderBy('timecode_start')
    .orderBy('sequence')
    .execute();
}

/** The shots grouped by any of the sequences (any version), by start time. */
export function shotsOfSequences(db: Kysely<DB>, scope: AssetScope, sequenceIds: readonly string[]): Promise<ShotRow[]> {
  if (sequenceIds.length === 0) {
    return Promise.resolve([]);
  }
  return db
    .selectFrom('shots')
    .selectAll()
    .where('workspace_id', '=', scope.workspaceId)
    .where('asset_id', '=', scope.assetId)
    .where('sequence_id', 'in', [...sequenceIds])
    .orderBy('timecode_start')
    .orderBy('sequence')
    .execute();
}

export async function insertSequenceRow(db: Kysely<DB>, row: Omit<ShotSequenceRow, 'sequence'>): Promise<void> {
  await db.insertInto('shot_sequences').values(row).execute();
}

export async function updateSequenceRow(db: Kysely<DB>, scope: AssetScope, id: string, set: Updateable<ShotSequencesTable>): Promise<void> {
  await db.updateTable('shot_sequences').set(set).where('workspace_id', '=', scope.workspaceId).where('asset_id', '=', scope.assetId).where('id', '=', id).execute();
}

export async function deleteSequenceRow(db: Kysely<DB>, scope: AssetScope, id: string): Promise<void> {
  await db.deleteFrom('shot_sequences').where('workspace_id', '=', scope.workspaceId).where('asset_id', '=', scope.assetId).where('id', '=', id).execute();
}

/** Makes `shotIds` exactly the sequence's shots: others it held are released, these are taken. */
export async function setSequenceShots(db: Kysely<DB>, scope: AssetScope, sequenceId: string, shotIds: readonly string[]): Promise<void> {
  let release = db
    .updateTable('shots')
    .set({ sequence_id: null })
    .where('workspace_id', '=', scope.workspaceId)
    .where('asset_id', '=', scope.assetId)
    .where('sequence_id', '=', sequenceId);
  if (shotIds.length > 0) {
    release = release.where('id', 'not in', [...shotIds]);
  }
  await release.execute();
  if (shotIds.length > 0) {
    await db
      .updateTable('shots')
      .set({ sequence_id: sequenceId })
      .where('workspace_id', '=', scope.workspaceId)
      .where('asset_id', '=', scope.assetId)
      .where('id', 'in', [...shotIds])
      .execute();
  }
}
