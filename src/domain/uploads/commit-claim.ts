import type { UploadSessionRow } from '../../db/schema.js';
import { isoNow } from '../../lib/clock.js';
import { inTransaction, type Deps } from '../context.js';
import { errors } from '../errors.js';
import { claimCommit, moveSessionState, renewCommitClaim } from './upload-sessions.repo.js';

/*
 * The commit of a presigned or tus upload is claimed on its session row (`committing`), so two requests never commit
 * one upload twice. The claim is renewed while the commit runs; one not renewed for config.uploads.commitClaimSeconds (UPLOAD_COMMIT_CLAIM_SECONDS, 30 by default) was left by
 * a process that died mid-commit, and the next attempt (a retried commit, an empty tus PATCH) takes it over. The
 * asset and the session's move to `committed` are written in one transaction, so a commit is either done, with its
 * asset on the session, or not done at all, and retrying it is always safe.
 */

/** Whether a `committing` session's claim was left by a process that died mid-commit. */
export function isStaleCommit(ctx: Pick<Deps, 'clock' | 'config'>, session: UploadSessionRow): boolean {
  return session.state === 'committing' && Date.parse(session.updated_at) < ctx.clock.now().getTime() - ctx.config.uploads.commitClaimSeconds * 1000;
}

/** What a commit records on its session. */
export interface CommittedIds {
  assetId: string;
  versionId: string;
  receivedBytes?: number;
}

export interface CommitClaim {
  /** Runs `write` (the asset's rows) and moves the session to `committed`, in one transaction. */
  finish<C extends Deps, T>(ctx: C, write: (tx: C) => Promise<T>, idsOf: (result: T) => CommittedIds): Promise<T>;
  /** Gives the claim up: back to `open` (to retry), or `failed` (the bytes were wrong and are gone). */
  release(to: 'open' | 'failed'): Promise<void>;
  /** Stops renewing; call it once the commit is over, whatever its outcome. */
  end(): void;
}

/** Claims the commit of an upload, or throws 409 `upload_in_progress` while a live request holds it. */
export async function claimUploadCommit(ctx: Deps, sessionId: string): Promise<CommitClaim> {
  const claimSeconds = ctx.config.uploads.commitClaimSeconds;
  let claimedAt = isoNow(ctx.clock);
  const staleBefore = new Date(ctx.clock.now().getTime() - claimSeconds * 1000).toISOString();
  if (!(await claimCommit(ctx.db, { id: sessionId, now: claimedAt, staleBefore }))) {
    throw errors.conflict('upload_in_progress', 'This upload is being completed by another request; try again shortly.');
  }
  const renew = setInterval(() => {
    const now = isoNow(ctx.clock);
    renewCommitClaim(ctx.db, { id: sessionId, claimedAt, now })
      .then((renewed) => {
        if (renewed) {
          claimedAt = now;
        }
      })
      .catch((err: unknown) => ctx.log.warn({ err, upload: sessionId }, 'could not renew an upload commit claim'));
  }, (claimSeconds * 1000) / 3);
  renew.unref();
  return {
    finish: (outer, write, idsOf) =>
      inTransaction(outer, async (tx) => {
        const result = await write(tx);
        const ids = idsOf(result);
        const set = { asset_id: ids.assetId, version_id: ids.versionId, ...(ids.receivedBytes === undefined ? {} : { received_bytes: ids.receivedBytes }) };
        if (!(await moveSessionState(tx.db, { id: sessionId, from: 'committing', to: 'committed', now: isoNow(tx.clock), set }))) {
          // Another request took the claim over (this one looked dead): its commit stands, this one rolls back.
          throw errors.conflict('upload_in_progress', 'This upload was completed by another request.');
        }
        return result;
      }),
    release: async (to) => {
      await moveSessionState(ctx.db, { id: sessionId, from: 'committing', to, now: isoNow(ctx.clock) });
    },
    end: () => clearInterval(renew),
  };
}
