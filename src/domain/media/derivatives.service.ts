import { setImmediate as nextTurn } from 'node:timers/promises';
import type { JobCtx } from '../../jobs/define.js';
import { isoNow } from '../../lib/clock.js';
import { crashPoint } from '../../lib/crash-points.js';
import { BlobInput, BlobReadError, putFile } from '../../media/files.js';
import { MediaError, type ToolLimits } from '../../media/tool.js';
import { inTransaction, type Deps } from '../context.js';
import { recordHistory } from '../history/history.service.js';
import type { DerivativeJobPayload } from '../versions/derivatives.js';
import {
  findPendingDerivativeVersion,
  findWorkspaceAccountId,
  listDerivativeStates,
  lockVersionDerivatives,
  setThumbnailIfUnset,
  settleDerivative,
  type DerivativeOutcome,
  type DerivativeSource,
} from './media.repo.js';

/** What a maker hands back: bytes in memory (small images) or a file in the job's temp dir (ffmpeg, pdftoppm). */
export type MadeDerivative = { contentType: string; width: number | null; height: number | null } & ({ data: Buffer } | { path: string });

export interface MakerInput {
  /** The version's bytes: as a private temp file (seekable, as the tools need) or, when small, in memory. */
  source: BlobInput;
  version: DerivativeSource;
  limits: ToolLimits;
  maxPixels: number;
}

/** Turns the input file into the derivative's bytes. Throws anything: every error it throws is about the input. */
export type Maker = (input: MakerInput) => Promise<MadeDerivative>;

/** Picks the maker for a version's content type, or says (a human reason) why this kind cannot be made from it. */
export type ChooseMaker = (contentType: string) => Maker | string;

/** The job's tool limits: the configured time limit, and the job's abort signal. */
export const toolLimits = (ctx: JobCtx): ToolLimits => ({ timeoutSeconds: ctx.config.media.toolTimeoutSeconds, signal: ctx.signal });

/**
 * The body of every `derivative.<kind>` job. Idempotent: a row that is no longer pending (made, failed, or gone) is
 * left alone. Input problems (unsupported, corrupt, over a limit, too slow) mark the row failed and end the job;
 * anything else (blob store, database, a tool missing) is thrown so the queue retries it, and on the last attempt
 * the row is marked failed before the error is thrown.
 */
export async function runDerivativeJob(ctx: JobCtx, payload: DerivativeJobPayload, choose: ChooseMaker): Promise<void> {
  const version = await findPendingDerivativeVersion(ctx.db, {
    workspaceId: payload.workspace_id,
    derivativeId: payload.derivative_id,
    versionId: payload.version_id,
  });
  if (!version) {
    ctx.log.debug({ derivative_id: payload.derivative_id }, 'derivative not pending (or gone); nothing to do');
    return;
  }
  const make = choose(version.content_type);
  if (typeof make === 'string') {
    await settle(ctx, payload, version, { state: 'failed', error: make }, { completeJob: true });
    return;
  }
  // The rows above were read without a slot (acquiresSlot): making the derivative is the CPU-bound part.
  await ctx.acquireSlot();
  let outcome: DerivativeOutcome;
  const source = new BlobInput(ctx.blobs, version.blob_key, Number(version.size), ctx.signal);
  try {
    const made = await tryMake(ctx, make, { source, version, limits: toolLimits(ctx), maxPixels: ctx.config.media.maxPixels });
    if ('error' in made) {
      outcome = { state: 'failed', error: made.error };
    } else {
      // What is left (a durable put, the settle transaction) waits on the disk: let the next job start, and let it
      // reach its own CPU work (a few promise steps) before this put's first step takes the event loop.
      ctx.releaseSlot();
      await nextTurn();
      const put = 'data' in made ? await ctx.blobs.put(made.data) : await putFile(ctx.blobs, made.path);
      crashPoint('derivative.after-put');
      outcome = { state: 'ready', blob_key: put.key, content_type: made.contentType, size: put.size, width: made.width, height: made.height };
    }
  } catch (err) {
    // The job's own time limit on its last attempt ends it for good too; other aborts (shutdown, lost lease) do not.
    const timedOut = ctx.signal.aborted && ctx.signal.reason instanceof Error && ctx.signal.reason.name === 'JobTimeoutError';
    if ((!ctx.signal.aborted || timedOut) && ctx.job.attempt >= ctx.job.maxAttempts) {
      const message = err instanceof Error ? err.message : String(err);
      await settle(ctx, payload, version, { state: 'failed', error: `Gave up after ${ctx.job.attempt} attempts: ${message}` }, { completeJob: false });
    }
    throw err;
  } finally {
    await source.dispose();
  }
  await settle(ctx, payload, version, outcome, { completeJob: true });
}

/**
 * The `onDead` of every `derivative.<kind>` job: a derivative still pending when its job goes dead (its worker died on
 * the last attempt, or the run failed before it could settle) is marked failed with the job's last error, and the
 * version's `derivatives_ready` event is recorded when it was the last one pending. A settled derivative is left alone.
 */
export async function failDeadDerivative(ctx: Deps, payload: DerivativeJobPayload, error: string): Promise<void> {
  const version = await findPendingDerivativeVersion(ctx.db, {
    workspaceId: payload.workspace_id,
    derivativeId: payload.derivative_id,
    versionId: payload.version_id,
  });
  if (!version) {
    return;
  }
  await inTransaction(ctx, (tx) => applyOutcome(tx, payload, version, { state: 'failed', error: `Gave up: ${error}` }));
  ctx.log.info({ derivative_id: payload.derivative_id, error }, 'derivative of a dead job marked failed');
}

/** Runs the maker; a failure about the input becomes `{ error }`, anything to retry (or an abort) is thrown. */
async function tryMake(ctx: JobCtx, make: Maker, input: MakerInput): Promise<MadeDerivative | { error: string }> {
  try {
    const made = make(input);
    crashPoint('derivative.mid-render');
    return await made;
  } catch (err) {
    if (ctx.signal.aborted || err instanceof BlobReadError || (err instanceof MediaError && !err.permanent)) {
      throw err;
    }
    // A blob read in place that has gone missing is the store's problem, not the content's: retried, not failed.
    await input.source.assertReadable();
    return { error: err instanceof Error ? err.message : String(err) };
  }
}

/**
 * Writes the outcome, and in the same transaction: a ready thumbnail becomes the version's thumbnail when it has
 * none, and when this was the version's last pending derivative a `derivatives_ready` history event is recorded
 * (the hook webhooks will use). With `completeJob` the job's completion commits with it (the run ends here).
 */
async function settle(
  ctx: JobCtx,
  payload: DerivativeJobPayload,
  version: DerivativeSource,
  outcome: DerivativeOutcome,
  options: { completeJob: boolean },
): Promise<void> {
  await inTransaction(ctx, async (tx) => {
    await applyOutcome(tx, payload, version, outcome);
    if (options.completeJob) {
      await ctx.completeWithin(tx.db);
    }
  });
  ctx.log.info({ derivative_id: payload.derivative_id, state: outcome.state, error: outcome.state === 'failed' ? outcome.error : undefined }, 'derivative settled');
}

/** The derivative row's new state, the version's thumbnail, and the history event (see settle). */
async function applyOutcome(tx: Deps, payload: DerivativeJobPayload, version: DerivativeSource, outcome: DerivativeOutcome): Promise<void> {
  const workspaceId = payload.workspace_id;
  await lockVersionDerivatives(tx, version.id);
  const changed = await settleDerivative(tx.db, { workspaceId, id: payload.derivative_id }, outcome, isoNow(tx.clock));
  if (!changed) {
    return;
  }
  const rows = await listDerivativeStates(tx.db, { workspaceId, versionId: version.id });
  const kind = rows.find((r) => r.id === payload.derivative_id)?.kind;
  if (outcome.state === 'ready' && kind === 'thumbnail') {
    await setThumbnailIfUnset(tx.db, { workspaceId, id: version.id }, outcome.blob_key);
  }
  if (rows.some((r) => r.state === 'pending')) {
    return;
  }
  await recordHistory(tx, {
    accountId: await findWorkspaceAccountId(tx.db, workspaceId),
    workspaceId,
    assetId: version.asset_id,
    userId: null,
    subjectType: 'version',
    recordId: version.id,
    type: 'derivatives_ready',
    data: { version_id: version.id, states: Object.fromEntries(rows.map((r) => [r.kind, r.state])) },
  });
}
