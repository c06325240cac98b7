import type { Keyed } from '../../../domain/approvals/approval-access.js';
import { assetApprovalsFor } from '../../../domain/approvals/approvals-read.service.js';
import { viewApprovals } from '../../../domain/approvals/approval-views.js';
import { scopedWorkspaceId, type Ctx } from '../../../domain/context.js';
import { findProofsOfAssets } from '../../../domain/proofs/proofs.repo.js';
import { loadAssetShapes } from '../../../domain/assets/asset-shapes.repo.js';
import { mediaLinks, presentLegacyAsset, presentMiniAsset } from './asset-shapes.js';
import { presentApproval, type ApprovalForm } from './approvals.present.js';
import { presentProof } from './proofs.present.js';

/** Loads and presents approvals in one of the three forms (the template ids they show included). */
export async function presentApprovals(ctx: Ctx, keyeds: readonly Keyed[], form: ApprovalForm) {
  const views = await viewApprovals(ctx, keyeds, { full: form === 'full' });
  const ids = views.flatMap((v) => (v.template ? [v.template.root_id, ...(v.template.parent_id ? [v.template.parent_id] : [])] : []));
  const rows = ids.length > 0 ? await ctx.db.selectFrom('approval_templates').select(['id', 'sequence']).where('id', 'in', ids).execute() : [];
  const seq = new Map(rows.map((r) => [r.id, r.sequence]));
  // The asset in the shapes every Workstream route shows (asset-shapes.ts): mini in lists, legacy in the full form.
  const shapes = form === 'limited' ? [] : await loadAssetShapes(ctx.db, { workspaceId: scopedWorkspaceId(ctx), viewerId: ctx.actor.userId, assetIds: views.map((v) => v.keyed.approval.asset_id) });
  const byAsset = new Map(shapes.map((d) => [d.asset.id, d]));
  const links = mediaLinks(ctx, ctx.config.uploads.publicUrl ?? '');
  const object = (assetId: string) => {
    const d = byAsset.get(assetId);
    return d ? (form === 'list' ? presentMiniAsset(links, d) : presentLegacyAsset(links, d)) : null;
  };
  // The asset's proof (one per asset, whichever scope made it); the limited form shows none.
  const proofRows = form === 'limited' ? [] : await findProofsOfAssets(ctx.db, { workspaceId: scopedWorkspaceId(ctx), assetIds: views.map((v) => v.keyed.approval.asset_id) });
  const proofs = new Map(await Promise.all(proofRows.map(async (p) => [p.asset_id, await presentProof(ctx, p)] as const)));
  const proof = (assetId: string) => proofs.get(assetId) ?? null;
  return views.map((v) => presentApproval(v, form, { templateSeq: (id) => seq.get(id) ?? 0, object, proof }));
}

export async function presentOneApproval(ctx: Ctx, keyed: Keyed, form: ApprovalForm) {
  const [out] = await presentApprovals(ctx, [keyed], form);
  if (!out) {
    throw new Error('presentApprovals returned nothing for one approval');
  }
  return out;
}

/**
 * The approval summary of mini assets (`approval_status=1` on T3 and P3): the limited form (A9's), cut to the summary
 * fields the spec lists. Keyed by asset UUID; an asset with no approval the caller may see is absent (shown as null).
 */
export async function presentApprovalSummaries(ctx: Ctx, assetIds: readonly string[]) {
  const keyed = await assetApprovalsFor(ctx, assetIds);
  const assets = [...keyed.keys()];
  const presented = await presentApprovals(ctx, [...keyed.values()], 'limited');
  return new Map(
    presented.map((p, i) => [assets[i] as string, { key: p.key, type: p.type, status: p.status, current_stage_id: p.current_stage_id, is_approver: p.is_approver, editable: p.editable }] as const),
  );
}
