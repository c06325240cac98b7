import type { Readable } from 'node:stream';
import type { PutResult } from '../../blobs/blob-store.js';
import type { UploadSessionRow } from '../../db/schema.js';
import { isoAfterSeconds, isoNow } from '../../lib/clock.js';
import { crashPoint } from '../../lib/crash-points.js';
import { newId } from '../../lib/ids.js';
import { requirePermission } from '../access.js';
import { cleanFileName } from '../assets/assets.rules.js';
import { inTransaction, scopedAccountId, scopedWorkspaceId, type Ctx } from '../context.js';
import { errors, isDomainError } from '../errors.js';
import { claimUploadCommit, isStaleCommit } from './commit-claim.js';
import { commitUpload } from './commit.service.js';
import { adoptOrFindBlob } from './presigned.service.js';
import { releaseHold, type ReceivedFile } from './receive.js';
import { sniffBlob } from './sniff.js';
import { offsetMismatch, runningHashOf, writeChunkInPlace } from './tus-in-place.js';
import { commitTarget, concatTemp, preflightCommit, storeStream, type UploadTarget } from './stream-store.js';
import { assertWithinLimit, uploadLimit } from './upload-limit.js';
import { advanceOffset, declareChecksum, deleteParts, deleteSession, findSession, insertPart, insertSession, listParts } from './upload-sessions.repo.js';

/*
 * tus 1.0.0 resumable uploads (core, creation, creation-with-upload, termination, expiration). The state (offset,
 * length, metadata) is the upload_sessions row, so an upload resumes after a restart and on any API process. Where
 * the blob store writes temp bytes in place (disk), the bytes are one temp file written at each PATCH's offset under
 * a write claim on the row (tus-in-place.ts), hashed and adopted whole when the offset reaches the length. Elsewhere
 * (S3) each PATCH body is one temp object named by its upload_parts row, and the parts are streamed into one blob
 * (hashed, checked) at the end. Either way the upload is committed in the request that completes it.
 */

export interface TusCreateInput {
  length: number;
  fileName: string;
  checksum?: string | undefined;
  target: UploadTarget;
}

export interface TusState {
  session: UploadSessionRow;
  /** Set once the upload is committed. */
  assetId: string | null;
  versionId: string | null;
}

const stateOf = (session: UploadSessionRow): TusState => ({ session, assetId: session.asset_id, versionId: session.version_id });

/** The PATCH size advised where a cut PATCH is lost whole (each PATCH its own temp object): what a resume re-sends. */
export const PARTS_PATCH_BYTES = 64 * 1024 * 1024;

/**
 * The PATCH size this server advises for the rest of an upload (`Atelier-Patch-Bytes`). Written in place, a cut
 * PATCH keeps what arrived, so splitting costs a round trip, a drained pipeline and an fsync per PATCH and saves
 * nothing on resume: the rest in one PATCH. As parts, a cut PATCH is lost whole: PARTS_PATCH_BYTES.
 */
export function advisedPatchBytes(session: UploadSessionRow): number {
  const rest = Math.max(0, (session.declared_size ?? 0) - session.received_bytes);
  return session.bytes_in_place ? Math.max(1, rest) : PARTS_PATCH_BYTES;
}

/** POST (creation, optionally with the first chunk): a new upload of `length` bytes. */
export async function createTusUpload(ctx: Ctx, input: TusCreateInput, firstChunk?: { body: Readable; contentLength?: number | undefined }): Promise<TusState> {
  requirePermission(ctx.actor, 'asset.write');
  const workspaceId = scopedWorkspaceId(ctx);
  assertWithinLimit(await uploadLimit(ctx, scopedAccountId(ctx)), input.length);
  const fileName = cleanFileName(input.fileName, 'filename', 'headers');
  await preflightCommit(ctx, { fileName, target: input.target, fieldsIn: 'headers', fileNameField: 'filename' });
  const now = isoNow(ctx.clock);
  const session = await insertSession(ctx.db, {
    id: newId(),
    workspace_id: workspaceId,
    created_by_user_id: ctx.actor.userId,
    kind: 'tus',
    file_name: fileName,
    declared_size: input.length,
    declared_checksum: input.checksum?.toLowerCase() ?? null,
    received_bytes: 0,
    state: 'open',
    asset_id: null,
    version_id: null,
    expires_at: isoAfterSeconds(now, ctx.config.uploads.tusExpirySeconds),
    metadata: JSON.stringify(input.target),
    created_at: now,
    updated_at: now,
    bytes_in_place: ctx.blobs.writesTempInPlace ? 1 : 0,
  });
  if (firstChunk) {
    return appendTusChunk(ctx, { id: session.id, offset: 0, body: firstChunk.body, contentLength: firstChunk.contentLength });
  }
  return input.length === 0 ? completeTusUpload(ctx, session) : stateOf(session);
}

/** The caller's own, unexpired tus upload in this workspace (anyone else's reads as absent). */
async function requireTusSession(ctx: Ctx, id: string): Promise<UploadSessionRow> {
  const session = await findSession(ctx.db, { workspaceId: scopedWorkspaceId(ctx), id });
  if (!session || session.kind !== 'tus' || session.created_by_user_id !== ctx.actor.userId) {
    throw errors.notFound('upload', id);
  }
  if (session.expires_at <= isoNow(ctx.clock) && session.state !== 'committed') {
    throw errors.uploadExpired(id);
  }
  return session;
}

/** HEAD: the upload's offset, length and expiry (and its asset once committed). */
export async function getTusUpload(ctx: Ctx, id: string): Promise<TusState> {
  requirePermission(ctx.actor, 'asset.write');
  return stateOf(await requireTusSession(ctx, id));
}

/**
 * PATCH: appends one chunk at `offset`. In place: under the row's write claim (a PATCH finding another's live claim
 * is 423). As parts: the chunk is stored as its own temp object first, then the offset moves by compare-and-set, so
 * of two PATCHes at the same offset exactly one wins (the other is 409 and its bytes deleted). A chunk cut short
 * (client gone) keeps what arrived when written in place; as a part it is discarded whole and the offset stays.
 * Either way the client resumes from the offset HEAD gives.
 */
export async function appendTusChunk(
  ctx: Ctx,
  input: { id: string; offset: number; body: Readable; contentLength?: number | undefined; checksum?: string | undefined },
): Promise<TusState> {
  requirePermission(ctx.actor, 'asset.write');
  let session = await requireTusSession(ctx, input.id);
  if (input.checksum !== undefined && session.declared_checksum !== input.checksum) {
    // The file's SHA-256 declared late (`Atelier-Checksum`): a client that hashes while it sends knows it by its
    // last chunk. Checked at completion like one declared at creation; a different one than declared is refused.
    const checksum = input.checksum;
    if (session.state !== 'open' || !(await declareChecksum(ctx.db, { id: session.id, checksum, now: isoNow(ctx.clock) }))) {
      input.body.resume();
      throw errors.conflict('checksum_conflict', session.state === 'open' ? 'This upload declared another checksum.' : 'This upload is no longer open; its checksum cannot change.');
    }
    session = { ...session, declared_checksum: checksum };
  }
  const length = session.declared_size ?? 0;
  if (session.state === 'failed') {
    input.body.resume();
    throw errors.conflict('upload_failed', 'This upload failed its checks; its bytes were discarded. Start a new upload.');
  }
  if (session.state === 'committing' && !isStaleCommit(ctx, session)) {
    input.body.resume();
    throw errors.conflict('upload_in_progress', 'This upload is being completed by another request; try again shortly.');
  }
  // An upload whose completion was cut off (its process died) is `committing` with every byte in: the client's empty
  // PATCH at the full offset takes the commit over once the dead claim is stale.
  const resumable = session.state === 'open' || (isStaleCommit(ctx, session) && input.offset === length);
  if (!resumable || input.offset !== session.received_bytes) {
    input.body.resume();
    throw offsetMismatch(session.received_bytes);
  }
  const remaining = length - input.offset;
  if (input.contentLength !== undefined && input.contentLength > remaining) {
    throw errors.tooLarge(`The chunk goes past Upload-Length (${remaining} bytes remain).`);
  }
  if (remaining === 0) {
    // Everything arrived but an earlier completion did not finish (I/O error): an empty PATCH retries it.
    input.body.resume();
    return completeTusUpload(ctx, session);
  }
  if (session.bytes_in_place === 1) {
    const next = await writeChunkInPlace(ctx, session, { offset: input.offset, body: input.body, remaining });
    const updated = { ...session, received_bytes: next, updated_at: isoNow(ctx.clock) };
    return next === length ? completeTusUpload(ctx, updated) : stateOf(updated);
  }
  const partId = newId();
  const { size } = await ctx.blobs.putTemp(partId, input.body, { maxBytes: remaining, onChunk: () => crashPoint('upload.tus.mid-patch') });
  if (size === 0) {
    await ctx.blobs.deleteTemp(partId);
    return stateOf(session);
  }
  const next = input.offset + size;
  const now = isoNow(ctx.clock);
  const advanced = await inTransaction(ctx, async (tx) => {
    if (!(await advanceOffset(tx.db, { id: session.id, expected: input.offset, next, now }))) {
      return false;
    }
    await insertPart(tx.db, { id: partId, session_id: session.id, start_offset: input.offset, size, created_at: now });
    return true;
  });
  if (!advanced) {
    await ctx.blobs.deleteTemp(partId);
    const current = await findSession(ctx.db, { workspaceId: session.workspace_id, id: session.id });
    throw offsetMismatch(current?.received_bytes ?? input.offset);
  }
  const updated = { ...session, received_bytes: next, updated_at: now };
  return next === length ? completeTusUpload(ctx, updated) : stateOf(updated);
}

/** Deletes an upload's temp bytes: its parts, and its one file when written in place. */
async function deletePartBytes(ctx: Ctx, sessionId: string): Promise<void> {
  for (const part of await listParts(ctx.db, sessionId)) {
    await ctx.blobs.deleteTemp(part.id);
  }
  await ctx.blobs.deleteTemp(sessionId);
}

/** The upload's whole bytes as one checked blob: its in-place file adopted, or its parts joined. */
async function storeUploadBytes(ctx: Ctx, session: UploadSessionRow): Promise<ReceivedFile> {
  const expected = { expectedSha256: session.declared_checksum ?? undefined, expectedSize: session.declared_size ?? 0, maxBytes: ctx.config.uploads.maxBytes };
  if (session.bytes_in_place === 1 && expected.expectedSize > 0) {
    const blob = await adoptOrFindBlob(ctx, session.id, { ...expected, tempHash: runningHashOf(session.id) }).catch((err: unknown) => {
      // Adopted by a completion whose process died before the commit, without a checksum to find the blob by.
      throw isDomainError(err) && err.code === 'upload_not_found'
        ? errors.conflict('upload_failed', 'The bytes of this upload were lost when its completion was cut off; start a new upload.')
        : err;
    });
    return { blob, contentType: await sniffBlob(ctx.blobs, blob.key, blob.size, session.file_name), originalFileName: session.file_name };
  }
  // An empty upload has no file in place (no PATCH wrote one) and no parts: the join of none is the empty blob.
  const parts = await listParts(ctx.db, session.id);
  // Not tied to the session: a retried completion joins the parts again.
  return storeStream(ctx.blobs, concatTemp(ctx.blobs, parts.map((p) => p.id)), session.file_name, { ...expected, hold: {} });
}

/**
 * All bytes are in: adopts the upload's file, or streams its parts into one blob, with the declared checksum and
 * length checked (a mismatch stores nothing and fails the upload), commits it, then frees the parts.
 */
async function completeTusUpload(ctx: Ctx, session: UploadSessionRow): Promise<TusState> {
  const claim = await claimUploadCommit(ctx, session.id);
  let held: PutResult | undefined;
  try {
    const target = JSON.parse(session.metadata) as UploadTarget;
    const file = await storeUploadBytes(ctx, session);
    held = file.blob;
    crashPoint('upload.tus.after-join');
    const result = await claim.finish(
      ctx,
      (tx) =>
        commitUpload(tx, {
          workspaceId: session.workspace_id,
          blob: file.blob,
          contentType: file.contentType,
          originalFileName: session.file_name,
          target: commitTarget(target),
          fieldsIn: 'headers',
        }),
      (r) => ({ assetId: r.asset.id, versionId: r.version.id }),
    );
    await releaseHold(ctx, file.blob);
    held = undefined;
    crashPoint('upload.tus.after-commit');
    await deletePartBytes(ctx, session.id);
    await deleteParts(ctx.db, session.id);
    return { session: { ...session, state: 'committed', asset_id: result.asset.id, version_id: result.version.id }, assetId: result.asset.id, versionId: result.version.id };
  } catch (err) {
    if (isDomainError(err) && err.code !== 'upload_in_progress') {
      // The bytes are wrong (checksum, size) or cannot be committed: nothing is kept, the upload is over.
      await deletePartBytes(ctx, session.id);
      await deleteParts(ctx.db, session.id);
      await claim.release('failed');
    } else if (!isDomainError(err)) {
      await claim.release('open');
    }
    throw err;
  } finally {
    claim.end();
    // Only a kill leaves a hold behind (docs/crash-recovery.md).
    if (held) {
      await releaseHold(ctx, held);
    }
  }
}

/** DELETE (termination): frees the upload's bytes and forgets it; a committed asset stays. */
export async function terminateTusUpload(ctx: Ctx, id: string): Promise<void> {
  requirePermission(ctx.actor, 'asset.write');
  const session = await requireTusSession(ctx, id);
  if (session.state === 'committing' && !isStaleCommit(ctx, session)) {
    throw errors.conflict('upload_in_progress', 'This upload is being completed; try again later.');
  }
  runningHashOf(session.id)?.drop();
  await deletePartBytes(ctx, session.id);
  await deleteSession(ctx.db, session.id);
}
