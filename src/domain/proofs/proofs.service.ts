import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Readable } from 'node:stream';
import type { ProofPageRow, ProofRow } from '../../db/schema.js';
import { isoNow } from '../../lib/clock.js';
import { newId } from '../../lib/ids.js';
import { enqueue } from '../../jobs/queue.js';
import { can, requirePermission } from '../access.js';
import { inTransaction, scopedWorkspaceId, type Ctx, type Deps } from '../context.js';
import { errors } from '../errors.js';
import { recordHistory } from '../history/history.service.js';
import { proofGenerateJob } from './proof-generate.job.js';
import { deleteProofRow, findProofById, findProofOfAsset, findProofPage, insertProof, listProofPages, PROOF_SOURCE, PROOF_STATUS, updateProofRow, type ProofSourceKind } from './proofs.repo.js';

/*
 * Proofs (spec §1.4.5, §1.5 item 12; docs/workstream.md "Proofs"). Scope-agnostic: the caller (a folder, project, task
 * or approval route) has already checked that the asset may be reached through its container; these functions take
 * the asset and the container it came through. One proof per asset, shared by all its versions: generating for a newer
 * version adds that version's pages to the same proof; generating for an older version than the proof's is refused.
 */

/** How long a proof URL works. */
export const PROOF_URL_TTL_SECONDS = 3600;

/** Where a proof was requested through: the container kind and its integer id (shown as `source`/`primary_source_id`). */
export interface ProofSource {
  kind: ProofSourceKind;
  containerSequence: number;
}

async function assetFacts(ctx: Ctx, assetId: string) {
  const asset = await ctx.db
    .selectFrom('assets')
    .innerJoin('asset_versions as v', 'v.id', 'assets.current_version_id')
    .select(['assets.id', 'assets.created_by_user_id', 'v.version_number'])
    .where('assets.workspace_id', '=', scopedWorkspaceId(ctx))
    .where('assets.id', '=', assetId)
    .where('assets.is_active', '=', 1)
    .executeTakeFirst();
  if (!asset) {
    throw errors.notFound('asset', assetId);
  }
  return asset;
}

/** The asset's proof, or `proof_not_found` (404) when it has none. */
export async function getProof(ctx: Ctx, assetId: string): Promise<ProofRow> {
  requirePermission(ctx.actor, 'asset.read');
  const proof = await findProofOfAsset(ctx.db, { workspaceId: scopedWorkspaceId(ctx), assetId });
  if (!proof) {
    throw errors.notFound('proof');
  }
  return proof;
}

/**
 * POST …/proof: generates the asset's proof for `version` (default: the current version) with a `proof.generate` job
 * and answers the proof, pending (status 2) until the job settles it. Any member who may review may ask for one.
 * - no proof yet: one is made for that version;
 * - a proof of the same version that is ready or pending: answered as it is (nothing queued);
 * - a newer version, or the same version after a failure: the same proof goes pending for that version (earlier
 *   versions' pages stay viewable);
 * - an **earlier** version than the proof's: `409 proof_version_older`, nothing written (spec §1.4.5).
 * A version that does not exist (or is trashed) is a 422 naming `version`.
 */
export async function generateProof(ctx: Ctx, input: { assetId: string; version?: number | undefined; source: ProofSource }): Promise<ProofRow> {
  requirePermission(ctx.actor, 'asset.review');
  const workspaceId = scopedWorkspaceId(ctx);
  return inTransaction(ctx, async (tx) => {
    const asset = await assetFacts(tx, input.assetId);
    const versionNumber = input.version ?? asset.version_number;
    const version = await tx.db
      .selectFrom('asset_versions')
      .select(['id', 'version_number'])
      .where('workspace_id', '=', workspaceId)
      .where('asset_id', '=', asset.id)
      .where('version_number', '=', versionNumber)
      .where('deleted_at', 'is', null)
      .executeTakeFirst();
    if (!version) {
      throw errors.invalidField('body', 'version', `must be the number of a version of the asset (1 to ${asset.version_number})`);
    }
    const existing = await findProofOfAsset(tx.db, { workspaceId, assetId: asset.id });
    const now = isoNow(tx.clock);
    const source = { source: PROOF_SOURCE[input.source.kind], primary_source_id: input.source.containerSequence };
    let proof: ProofRow;
    if (!existing) {
      proof = await insertProof(tx.db, {
        id: newId(),
        workspace_id: workspaceId,
        asset_id: asset.id,
        version_id: version.id,
        version_number: versionNumber,
        status: PROOF_STATUS.pending,
        error: null,
        ...source,
        owner_id: tx.actor.userId,
        created_at: now,
        updated_at: now,
      });
    } else if (versionNumber < existing.version_number) {
      throw errors.conflict(
        'proof_version_older',
        `The asset's proof is of version ${existing.version_number}; an earlier version (${versionNumber}) cannot be proofed. Delete the proof first to proof an earlier version.`,
      );
    } else if (versionNumber === existing.version_number && (existing.status === PROOF_STATUS.ready || existing.status === PROOF_STATUS.pending)) {
      return existing;
    } else {
      const updated = await updateProofRow(tx.db, { workspaceId, id: existing.id }, {
        version_id: version.id,
        version_number: versionNumber,
        status: PROOF_STATUS.pending,
        error: null,
        ...source,
        updated_at: now,
      });
      proof = updated ?? existing;
    }
    await enqueue(tx, proofGenerateJob, { workspace_id: workspaceId, proof_id: proof.id, version_number: versionNumber });
    await recordHistory(tx, {
      accountId: tx.actor.accountId,
      workspaceId,
      assetId: asset.id,
      userId: tx.actor.userId,
      subjectType: 'proof',
      recordId: proof.id,
      type: 'proof_requested',
      data: { version: versionNumber, source: input.source.kind },
    });
    return proof;
  });
}

/**
 * DELETE …/proof: removes the proof and the pages of every version, so no proof URL of any version works any more.
 * Editors, or whoever generated it. No proof: 404.
 */
export async function deleteProof(ctx: Ctx, assetId: string): Promise<void> {
  requirePermission(ctx.actor, 'asset.read');
  const workspaceId = scopedWorkspaceId(ctx);
  await inTransaction(ctx, async (tx) => {
    const proof = await getProof(tx, assetId);
    if (!can(tx.actor, 'asset.write') && proof.owner_id !== tx.actor.userId) {
      throw errors.forbidden('permission_denied', 'Only editors and the person who generated the proof may delete it.');
    }
    await deleteProofRow(tx.db, { workspaceId, id: proof.id });
    await recordHistory(tx, {
      accountId: tx.actor.accountId,
      workspaceId,
      assetId,
      userId: tx.actor.userId,
      subjectType: 'proof',
      recordId: proof.id,
      type: 'proof_deleted',
      data: { version: proof.version_number },
    });
  });
}

function signature(key: Uint8Array, workspaceId: string, proofId: string, expires: number): string {
  return createHmac('sha256', key).update(`proof\n${workspaceId}\n${proofId}\n${expires}`).digest('base64url');
}

/**
 * GET …/proof/url: a signed URL of the proof viewer (an HTML page of the proof's pages, every version proofed) that
 * works without a token for PROOF_URL_TTL_SECONDS, and stops working when the proof is deleted.
 */
export async function proofViewPath(ctx: Ctx, assetId: string, prefix: string): Promise<string> {
  const proof = await getProof(ctx, assetId);
  const expires = Math.floor(ctx.clock.now().getTime() / 1000) + PROOF_URL_TTL_SECONDS;
  return `${prefix}/${proof.workspace_id}/${proof.id}/${expires}/${signature(ctx.tokenKey, proof.workspace_id, proof.id, expires)}`;
}

export interface ProofViewRef {
  workspaceId: string;
  proofId: string;
  expires: string;
  sig: string;
}

/** The proof and its pages named by a signed viewer URL; forged or expired: 403; deleted: 404. */
export async function openProofView(deps: Deps, ref: ProofViewRef): Promise<{ proof: ProofRow; pages: ProofPageRow[]; assetName: string }> {
  const expected = /^\d{1,12}$/.test(ref.expires) ? Buffer.from(signature(deps.tokenKey, ref.workspaceId, ref.proofId, Number(ref.expires))) : undefined;
  const given = Buffer.from(ref.sig);
  if (!expected || given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw errors.forbidden('proof_signature_invalid', 'The proof URL signature is not valid.');
  }
  if (Number(ref.expires) * 1000 <= deps.clock.now().getTime()) {
    throw errors.forbidden('proof_url_expired', 'The proof URL has expired; ask for a new one.');
  }
  const proof = await findProofById(deps.db, { workspaceId: ref.workspaceId, id: ref.proofId });
  if (!proof) {
    throw errors.notFound('proof');
  }
  const asset = await deps.db.selectFrom('assets').select('name').where('workspace_id', '=', ref.workspaceId).where('id', '=', proof.asset_id).executeTakeFirst();
  return { proof, pages: await listProofPages(deps.db, { workspaceId: ref.workspaceId, proofId: proof.id }), assetName: asset?.name ?? '' };
}

/** One page image of a proof named by a signed viewer URL. */
export async function openProofPage(deps: Deps, ref: ProofViewRef & { pageId: string }): Promise<{ page: ProofPageRow; open: () => Promise<Readable> }> {
  const { proof } = await openProofView(deps, ref);
  const page = await findProofPage(deps.db, { workspaceId: ref.workspaceId, proofId: proof.id, id: ref.pageId });
  if (!page) {
    throw errors.notFound('proof_page', ref.pageId);
  }
  return { page, open: () => deps.blobs.get(page.blob_key) };
}
