import { findAsset } from '../assets/assets.repo.js';
import { scopedWorkspaceId, type Ctx } from '../context.js';
import { errors } from '../errors.js';
import type { ProofSource } from '../proofs/proofs.service.js';
import { manages, openByKey } from './approval-access.js';
import { SETTING } from './approval-settings.js';
import { settingValue } from './approvals.repo.js';

/*
 * The approvals scope of proofing (spec §1.4.5, `/approvals/{key}/assets/{assetId}/proof`): "using the approval key's
 * permissions". The key must open the approval (approval-access.ts), the approval must be of that asset, and an
 * approver who does not manage the approval may use the proof only when their stage lets approvers proof (setting
 * type 10). The owner and admins (the view-only key included) always may. The proof itself stays the asset's.
 */

/**
 * The asset's UUID and the proof source (the approval's integer id), or 404 / 403. The key is opened before the
 * asset id is resolved (`assetIdOf`), so another tenant's key is `approval_not_found` whatever the asset.
 */
export async function requireApprovalAsset(ctx: Ctx, key: string, assetIdOf: () => Promise<string>): Promise<{ assetId: string; source: ProofSource }> {
  const { approval, slot, caller } = await openByKey(ctx, key);
  const assetId = await assetIdOf();
  const asset = await findAsset(ctx.db, { workspaceId: scopedWorkspaceId(ctx), id: assetId });
  if (!asset || asset.is_active !== 1) {
    throw errors.notFound('asset', assetId);
  }
  if (approval.asset_id !== asset.id) {
    throw errors.forbidden('asset_not_in_approval', 'The approval is not of this asset.');
  }
  if (!manages(approval, caller) && slot) {
    const allowed = await settingValue(ctx.db, { workspaceId: approval.workspace_id, approvalId: approval.id, stage: slot.stage, type: SETTING.canProof });
    if (allowed !== '1') {
      throw errors.forbidden('proofing_not_allowed', 'Approvers of this stage may not proof.');
    }
  }
  return { assetId: asset.id, source: { kind: 'approval', containerSequence: approval.sequence } };
}
