import type { Readable } from 'node:stream';
import type { UploadSessionRow } from '../../db/schema.js';
import { isoAfterSeconds, isoNow } from '../../lib/clock.js';
import { crashPoint } from '../../lib/crash-points.js';
import { newId } from '../../lib/ids.js';
import { OWNER_TAG, writtenByDeadProcess } from '../../lib/process-owner.js';
import type { TempHash } from '../../blobs/blob-store.js';
import type { Ctx } from '../context.js';
import { DomainError, errors, isDomainError } from '../errors.js';
import { claimWrite, finishWrite, findSession, moveSessionState, releaseWriteClaim, renewWriteClaim } from './upload-sessions.repo.js';

/*
 * A tus PATCH on a store that writes temp bytes in place (disk): the upload's bytes are one temp file named by the
 * session's id, each PATCH written at its offset, so the file is written once and adopted whole at completion (no
 * parts written and read again). The file has no lock of its own: a PATCH writes only under a write claim on the
 * session row, taken by a conditional UPDATE on the expected offset and a free (absent, lapsed, or provably dead)
 * claim. Under it the file is cut to the committed offset (a crashed write's leftovers go), written, fsynced; then
 * one conditional UPDATE moves the offset and ends the claim. A crash anywhere leaves the old offset (the file maybe
 * longer: cut by the next PATCH) or the new one with its bytes fsynced (docs/crash-recovery.md).
 */

/** A write claim's life without renewal; a PATCH renews it while its body arrives. */
export const WRITE_CLAIM_SECONDS = 30;
/** Renewed when less than this is left. */
const RENEW_BELOW_MS = 20_000;
/**
 * A writer stops writing this long before its claim lapses, so another process whose clock runs up to this much
 * ahead cannot take the claim over while this one still writes.
 */
const STOP_BELOW_MS = 10_000;

/*
 * Running hashes of uploads written in place by this process, by session id: each PATCH continues its upload's
 * hash, and completion uses it instead of reading the file back (1 GiB: about a second of disk and CPU). Kept only
 * for bytes this process wrote and confirmed in the row, in order from 0; an upload whose PATCHes went to several
 * processes, or that resumed after a restart, is hashed at completion as before. Bounded: the oldest go first.
 */
const runningHashes = new Map<string, TempHash>();
const MAX_RUNNING_HASHES = 256;

/** The running hash for a write at `offset`: a new one at 0, the kept one when it has seen exactly `offset` bytes. */
function takeRunningHash(ctx: Ctx, sessionId: string, offset: number): TempHash | undefined {
  const kept = runningHashes.get(sessionId);
  runningHashes.delete(sessionId);
  if (kept && kept.size === offset) {
    return kept;
  }
  kept?.drop();
  return offset === 0 ? ctx.blobs.newTempHash() : undefined;
}

function keepRunningHash(sessionId: string, hash: TempHash): void {
  runningHashes.set(sessionId, hash);
  for (const [id, old] of runningHashes) {
    if (runningHashes.size <= MAX_RUNNING_HASHES) {
      break;
    }
    old.drop();
    runningHashes.delete(id);
  }
}

/** The upload's running hash for its completion (taken: the caller hands it to adopt, which uses it up). */
export function runningHashOf(sessionId: string): TempHash | undefined {
  const hash = runningHashes.get(sessionId);
  runningHashes.delete(sessionId);
  return hash;
}

export const offsetMismatch = (offset: number): Error =>
  errors.conflict('upload_offset_mismatch', `Upload-Offset does not match the upload's current offset ${offset}.`);

/** 423 (tus servers answer a PATCH to an upload another request is writing with 423 Locked, as tusd does). */
const uploadLocked = (): Error =>
  new DomainError('locked', 'upload_locked', 'Another request is writing to this upload; HEAD it for its offset and try again shortly.');

const claimLost = (): Error => errors.conflict('upload_in_progress', 'This request lost its claim on the upload (it took too long); HEAD it and resume.');

/** Takes the write claim at `offset`, or throws 409 (another offset, not open) or 423 (a live claim). */
async function takeWriteClaim(ctx: Ctx, session: UploadSessionRow, offset: number, token: string): Promise<number> {
  const now = isoNow(ctx.clock);
  const until = isoAfterSeconds(now, WRITE_CLAIM_SECONDS);
  const claim = { id: session.id, offset, token, until, now };
  if (await claimWrite(ctx.db, claim)) {
    return Date.parse(until);
  }
  const current = await findSession(ctx.db, { workspaceId: session.workspace_id, id: session.id });
  if (!current || current.state !== 'open' || current.received_bytes !== offset) {
    throw offsetMismatch(current?.received_bytes ?? offset);
  }
  // The claim of a process that was killed mid-write (its tag says so) need not wait out its time.
  const held = current.write_claim_token;
  if (held !== null && writtenByDeadProcess(held) && (await claimWrite(ctx.db, { ...claim, takeOver: held }))) {
    return Date.parse(until);
  }
  throw uploadLocked();
}

/**
 * Writes one PATCH body at `offset` into the upload's file and moves the offset; answers the new offset (the old one
 * when the body was empty). A body cut short (its client gone) keeps what arrived: the offset moves to it, as tus
 * recommends, so a resumed upload sends none of it again.
 */
export async function writeChunkInPlace(
  ctx: Ctx,
  session: UploadSessionRow,
  input: { offset: number; body: Readable; remaining: number },
): Promise<number> {
  const token = `${newId()}.${OWNER_TAG}`;
  let deadline = await takeWriteClaim(ctx, session, input.offset, token).catch((err: unknown) => {
    input.body.resume();
    throw err;
  });
  const beforeWrite = async (): Promise<void> => {
    const left = deadline - ctx.clock.now().getTime();
    if (left >= RENEW_BELOW_MS) {
      return;
    }
    if (left < STOP_BELOW_MS) {
      throw claimLost();
    }
    const until = isoAfterSeconds(isoNow(ctx.clock), WRITE_CLAIM_SECONDS);
    if (!(await renewWriteClaim(ctx.db, { id: session.id, token, until }))) {
      throw claimLost();
    }
    deadline = Date.parse(until);
  };
  const hash = takeRunningHash(ctx, session.id, input.offset);
  let size: number;
  try {
    ({ size } = await ctx.blobs.writeTempAt(session.id, input.offset, input.body, {
      maxBytes: input.remaining,
      onChunk: () => crashPoint('upload.tus.mid-patch'),
      beforeWrite,
      hash,
    }));
  } catch (err) {
    hash?.drop();
    await releaseWriteClaim(ctx.db, { id: session.id, token }).catch(() => undefined);
    if (isDomainError(err) && err.code === 'upload_not_found') {
      // Fewer bytes on disk than the offset says (the temp file was removed by hand): the upload cannot go on.
      await moveSessionState(ctx.db, { id: session.id, from: 'open', to: 'failed', now: isoNow(ctx.clock) });
      throw errors.conflict('upload_failed', 'The bytes of this upload were lost; start a new upload.');
    }
    throw err;
  }
  crashPoint('upload.tus.after-write');
  const next = input.offset + size;
  if (size === 0) {
    await releaseWriteClaim(ctx.db, { id: session.id, token });
    if (hash) {
      keepRunningHash(session.id, hash);
    }
    return input.offset;
  }
  const finished = await finishWrite(ctx.db, { id: session.id, token, expected: input.offset, next, now: isoNow(ctx.clock) }).catch((err: unknown) => {
    hash?.drop();
    throw err;
  });
  if (hash && finished && hash.size === next) {
    keepRunningHash(session.id, hash);
  } else {
    hash?.drop();
  }
  if (!finished) {
    const current = await findSession(ctx.db, { workspaceId: session.workspace_id, id: session.id });
    if (!current) {
      // Terminated while this PATCH wrote: the file this write may have made again goes too.
      await ctx.blobs.deleteTemp(session.id);
      throw errors.notFound('upload', session.id);
    }
    throw claimLost();
  }
  return next;
}
