import type { Kysely, Updateable } from 'kysely';
import type { DB, UploadPartRow, UploadSessionRow, UploadSessionsTable } from '../../db/schema.js';

type Db = Kysely<DB>;
type SessionState = UploadSessionRow['state'];

/** Inserts an upload session. */
export async function insertSession(
  db: Db,
  row: Omit<UploadSessionRow, 'sequence' | 'bytes_in_place' | 'write_claim_token' | 'write_claim_until'> & { bytes_in_place?: number },
): Promise<UploadSessionRow> {
  return db.insertInto('upload_sessions').values(row).returningAll().executeTakeFirstOrThrow();
}

/** The session of `id` in the workspace, or undefined (another workspace's id reads as absent). */
export async function findSession(db: Db, scope: { workspaceId: string; id: string }): Promise<UploadSessionRow | undefined> {
  return db
    .selectFrom('upload_sessions')
    .selectAll()
    .where('workspace_id', '=', scope.workspaceId)
    .where('id', '=', scope.id)
    .executeTakeFirst();
}

/**
 * The session of `id` in any workspace. Only for the self-signed PUT, whose URL signature (checked before this) is
 * the capability and names the session; every other lookup is tenant-scoped.
 */
export async function findSessionForSignedPut(db: Db, id: string): Promise<UploadSessionRow | undefined> {
  return db.selectFrom('upload_sessions').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Compare-and-set of the state: true when this caller moved it from `from` (so exactly one caller wins). */
export async function moveSessionState(
  db: Db,
  input: { id: string; from: SessionState; to: SessionState; now: string; set?: Updateable<UploadSessionsTable> },
): Promise<boolean> {
  const r = await db
    .updateTable('upload_sessions')
    .set({ ...input.set, state: input.to, updated_at: input.now })
    .where('id', '=', input.id)
    .where('state', '=', input.from)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** Records bytes received by a signed PUT (each PUT replaces the earlier bytes). */
export async function setReceivedBytes(db: Db, input: { id: string; bytes: number; now: string }): Promise<void> {
  await db.updateTable('upload_sessions').set({ received_bytes: input.bytes, updated_at: input.now }).where('id', '=', input.id).execute();
}

/**
 * Moves a tus upload's offset from `expected` to `next` only if no other request moved it first (the database is
 * the lock, so concurrent PATCHes in one or several processes cannot both append at the same offset).
 */
export async function advanceOffset(db: Db, input: { id: string; expected: number; next: number; now: string }): Promise<boolean> {
  const r = await db
    .updateTable('upload_sessions')
    .set({ received_bytes: input.next, updated_at: input.now })
    .where('id', '=', input.id)
    .where('state', '=', 'open')
    .where('received_bytes', '=', input.expected)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/**
 * Takes the write claim of an open tus upload whose offset is `offset`: when no claim is held, the held one lapsed
 * (`until` before `now`), or it is `takeOver` (a claim whose process provably died). True when this caller holds it.
 */
export async function claimWrite(
  db: Db,
  input: { id: string; offset: number; token: string; until: string; now: string; takeOver?: string | undefined },
): Promise<boolean> {
  const r = await db
    .updateTable('upload_sessions')
    .set({ write_claim_token: input.token, write_claim_until: input.until })
    .where('id', '=', input.id)
    .where('state', '=', 'open')
    .where('received_bytes', '=', input.offset)
    .where((eb) => {
      const free = [eb('write_claim_until', 'is', null), eb('write_claim_until', '<=', input.now)];
      return eb.or(input.takeOver === undefined ? free : [...free, eb('write_claim_token', '=', input.takeOver)]);
    })
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** Extends a write claim this caller still holds; false when it lost it. */
export async function renewWriteClaim(db: Db, input: { id: string; token: string; until: string }): Promise<boolean> {
  const r = await db
    .updateTable('upload_sessions')
    .set({ write_claim_until: input.until })
    .where('id', '=', input.id)
    .where('write_claim_token', '=', input.token)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/**
 * Moves the offset from `expected` to `next` and ends the write claim, in one statement, only while this caller
 * still holds the claim; false (nothing changed) when it lost it.
 */
export async function finishWrite(db: Db, input: { id: string; token: string; expected: number; next: number; now: string }): Promise<boolean> {
  const r = await db
    .updateTable('upload_sessions')
    .set({ received_bytes: input.next, updated_at: input.now, write_claim_token: null, write_claim_until: null })
    .where('id', '=', input.id)
    .where('state', '=', 'open')
    .where('write_claim_token', '=', input.token)
    .where('received_bytes', '=', input.expected)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** Ends a write claim this caller holds without moving the offset (a write that failed or brought nothing). */
export async function releaseWriteClaim(db: Db, input: { id: string; token: string }): Promise<void> {
  await db
    .updateTable('upload_sessions')
    .set({ write_claim_token: null, write_claim_until: null })
    .where('id', '=', input.id)
    .where('write_claim_token', '=', input.token)
    .execute();
}

/**
 * Records an upload's declared SHA-256 when it had none (compare-and-set); true when it is now `checksum`, false
 * when the upload had declared another.
 */
export async function declareChecksum(db: Db, input: { id: string; checksum: string; now: string }): Promise<boolean> {
  await db
    .updateTable('upload_sessions')
    .set({ declared_checksum: input.checksum, updated_at: input.now })
    .where('id', '=', input.id)
    .where('declared_checksum', 'is', null)
    .execute();
  const row = await db.selectFrom('upload_sessions').select('declared_checksum').where('id', '=', input.id).executeTakeFirst();
  return row?.declared_checksum === input.checksum;
}

/** Inserts a tus part row (its id names its temp bytes). */
export async function insertPart(db: Db, row: Omit<UploadPartRow, 'sequence'>): Promise<void> {
  await db.insertInto('upload_parts').values(row).execute();
}

/** A session's parts in byte order. */
export async function listParts(db: Db, sessionId: string): Promise<UploadPartRow[]> {
  return db.selectFrom('upload_parts').selectAll().where('session_id', '=', sessionId).orderBy('start_offset').execute();
}

/** Deletes a session's part rows (their temp bytes must be deleted first). */
export async function deleteParts(db: Db, sessionId: string): Promise<void> {
  await db.deleteFrom('upload_parts').where('session_id', '=', sessionId).execute();
}

/** Deletes a session and (cascade) its part rows. */
export async function deleteSession(db: Db, id: string): Promise<void> {
  await db.deleteFrom('upload_sessions').where('id', '=', id).execute();
}

/** Sessions whose expiry has passed, oldest first. */
export async function listExpiredSessions(db: Db, input: { now: string; limit: number }): Promise<UploadSessionRow[]> {
  return db
    .selectFrom('upload_sessions')
    .selectAll()
    .where('expires_at', '<=', input.now)
    .orderBy('expires_at')
    .limit(input.limit)
    .execute();
}

/**
 * Takes the commit of an upload: from `open`, or over from a `committing` claim last renewed before `staleBefore`
 * (the process committing it died). False when another live request holds it, or the upload is done.
 */
export async function claimCommit(db: Db, input: { id: string; now: string; staleBefore: string }): Promise<boolean> {
  const r = await db
    .updateTable('upload_sessions')
    .set({ state: 'committing', updated_at: input.now })
    .where('id', '=', input.id)
    .where((eb) => eb.or([eb('state', '=', 'open'), eb.and([eb('state', '=', 'committing'), eb('updated_at', '<', input.staleBefore)])]))
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** Renews a commit claim (its `updated_at`), so a long commit is not taken for a dead one. */
export async function renewCommitClaim(db: Db, input: { id: string; claimedAt: string; now: string }): Promise<boolean> {
  const r = await db
    .updateTable('upload_sessions')
    .set({ updated_at: input.now })
    .where('id', '=', input.id)
    .where('state', '=', 'committing')
    .where('updated_at', '=', input.claimedAt)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/**
 * Whether the upload `id` (any workspace) may still be committed: open, or committing. For the crash reclaim, which
 * keeps a presigned upload's adopted bytes while its retried commit can still use them.
 */
export async function isSessionCommittable(db: Db, id: string): Promise<boolean> {
  const row = await db.selectFrom('upload_sessions').select('state').where('id', '=', id).executeTakeFirst();
  return row?.state === 'open' || row?.state === 'committing';
}

/** Part rows of committed uploads (any workspace): left when a process died between a tus commit and freeing them. */
export async function listPartsOfCommittedSessions(db: Db, limit: number): Promise<UploadPartRow[]> {
  return db
    .selectFrom('upload_parts')
    .innerJoin('upload_sessions', 'upload_sessions.id', 'upload_parts.session_id')
    .selectAll('upload_parts')
    .where('upload_sessions.state', '=', 'committed')
    .limit(limit)
    .execute();
}

/** Deletes part rows by id. */
export async function deletePartsById(db: Db, ids: readonly string[]): Promise<void> {
  if (ids.length > 0) {
    await db.deleteFrom('upload_parts').where('id', 'in', ids).execute();
  }
}
