import type { JobCtx } from '../../jobs/define.js';
import { isoNow } from '../../lib/clock.js';
import { newId } from '../../lib/ids.js';
import { BlobInput, BlobReadError, putFile } from '../../media/files.js';
import { describeSharpError, imageSize, renderWebp } from '../../media/images.js';
import { renderPages } from '../../media/pdf.js';
import { MediaError } from '../../media/tool.js';
import { inTransaction, type Deps } from '../context.js';
import { toolLimits } from '../media/derivatives.service.js';
import { findProofById, PROOF_STATUS, updateProofRow } from './proofs.repo.js';

/*
 * Making a proof's pages from the real file of the proofed version, with the media pipeline's tools: every page of a
 * PDF (pdftoppm, up to PROOF_MAX_PAGES) as PNG, an image (sharp) as one WebP page. Other file types cannot be proofed.
 */

export const PROOF_PAGE_SIZE = 1600;
export const PROOF_MAX_PAGES = 50;

const SHARP_READS = new Set(['image/jpeg', 'image/png', 'image/webp', 'image/gif', 'image/avif', 'image/tiff', 'image/heif', 'image/heic', 'image/svg+xml']);

export interface ProofJobPayload {
  workspace_id: string;
  proof_id: string;
  version_number: number;
}

interface MadePage {
  blobKey: string;
  contentType: string;
  width: number;
  height: number;
}

/** The `proof.generate` job body. Idempotent: a proof no longer pending for this version (or gone) is left alone. */
export async function generateProofPages(ctx: JobCtx, payload: ProofJobPayload): Promise<void> {
  const scope = { workspaceId: payload.workspace_id };
  const proof = await findProofById(ctx.db, { ...scope, id: payload.proof_id });
  if (!proof || proof.status !== PROOF_STATUS.pending || proof.version_number !== payload.version_number) {
    return;
  }
  const version = await ctx.db
    .selectFrom('asset_versions')
    .select(['id', 'blob_key', 'size', 'content_type'])
    .where('workspace_id', '=', payload.workspace_id)
    .where('asset_id', '=', proof.asset_id)
    .where('version_number', '=', payload.version_number)
    .executeTakeFirst();
  if (!version) {
    await settle(ctx, payload, { status: PROOF_STATUS.failed, error: `Version ${payload.version_number} of the asset no longer exists.` });
    return;
  }
  const isPdf = version.content_type === 'application/pdf';
  if (!isPdf && !SHARP_READS.has(version.content_type)) {
    await settle(ctx, payload, { status: PROOF_STATUS.unsupported, error: `Unsupported format: no proof can be made from ${version.content_type}.` });
    return;
  }
  const source = new BlobInput(ctx.blobs, version.blob_key, Number(version.size), ctx.signal);
  let pages: MadePage[];
  try {
    pages = isPdf ? await pdfPages(ctx, source) : [await imagePage(ctx, source)];
  } catch (err) {
    if (ctx.signal.aborted || err instanceof BlobReadError || (err instanceof MediaError && !err.permanent)) {
      if (ctx.job.attempt >= ctx.job.maxAttempts) {
        await settle(ctx, payload, { status: PROOF_STATUS.failed, error: `Gave up: ${err instanceof Error ? err.message : String(err)}` });
      }
      throw err;
    }
    await settle(ctx, payload, { status: PROOF_STATUS.failed, error: err instanceof Error ? err.message : String(err) });
    return;
  } finally {
    await source.dispose();
  }
  if (pages.length === 0) {
    await settle(ctx, payload, { status: PROOF_STATUS.failed, error: 'The document has no pages to proof.' });
    return;
  }
  await settle(ctx, payload, { status: PROOF_STATUS.ready, error: null, pages });
}

async function pdfPages(ctx: JobCtx, source: BlobInput): Promise<MadePage[]> {
  const paths = await renderPages(await source.file(), PROOF_PAGE_SIZE, toolLimits(ctx), PROOF_MAX_PAGES);
  const out: MadePage[] = [];
  for (const path of paths) {
    const size = await imageSize(path);
    const put = await putFile(ctx.blobs, path);
    out.push({ blobKey: put.key, contentType: 'image/png', ...size });
  }
  return out;
}

async function imagePage(ctx: JobCtx, source: BlobInput): Promise<MadePage> {
  const maxPixels = ctx.config.media.maxPixels;
  let made;
  try {
    made = await renderWebp(await source.readablePath(), { size: PROOF_PAGE_SIZE, maxPixels, quality: 85 });
  } catch (err) {
    await source.assertReadable();
    throw new MediaError(describeSharpError(err, maxPixels), true, { cause: err });
  }
  const put = await ctx.blobs.put(made.data);
  return { blobKey: put.key, contentType: 'image/webp', width: made.width, height: made.height };
}

/** Writes the outcome: the version's pages (replacing any of an earlier run) and the proof's status, in one transaction. */
async function settle(ctx: Deps, payload: ProofJobPayload, outcome: { status: number; error: string | null; pages?: MadePage[] }): Promise<void> {
  await inTransaction(ctx, async (tx) => {
    const scope = { workspaceId: payload.workspace_id };
    const proof = await findProofById(tx.db, { ...scope, id: payload.proof_id });
    if (!proof || proof.status !== PROOF_STATUS.pending || proof.version_number !== payload.version_number) {
      return;
    }
    const now = isoNow(tx.clock);
    await tx.db
      .deleteFrom('proof_pages')
      .where('workspace_id', '=', payload.workspace_id)
      .where('proof_id', '=', proof.id)
      .where('version_number', '=', payload.version_number)
      .execute();
    if (outcome.pages && outcome.pages.length > 0) {
      await tx.db
        .insertInto('proof_pages')
        .values(
          outcome.pages.map((p, i) => ({
            id: newId(),
            workspace_id: payload.workspace_id,
            proof_id: proof.id,
            version_number: payload.version_number,
            page: i + 1,
            blob_key: p.blobKey,
            content_type: p.contentType,
            width: p.width,
            height: p.height,
            created_at: now,
          })),
        )
        .execute();
    }
    await updateProofRow(tx.db, { ...scope, id: proof.id }, { status: outcome.status, error: outcome.error, updated_at: now });
  });
  ctx.log.info({ proof_id: payload.proof_id, status: outcome.status, error: outcome.error ?? undefined }, 'proof settled');
}

/** `onDead`: a proof still pending when its job goes dead is marked failed. */
export async function failDeadProof(ctx: Deps, payload: ProofJobPayload, error: string): Promise<void> {
  await settle(ctx, payload, { status: PROOF_STATUS.failed, error: `Gave up: ${error}` });
}
