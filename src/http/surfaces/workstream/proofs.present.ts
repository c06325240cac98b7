import type { ProofRow } from '../../../db/schema.js';
import type { Ctx } from '../../../domain/context.js';
import { sequencesOf } from '../../../domain/ids/surface-ids.js';
import { findUsersByIds } from '../../../domain/users/users.repo.js';
import { unixSecondsText } from './conventions.js';
import { idScope } from './ids.js';

/**
 * §1.3.12 Proof. `cs_asset_id` (the asset's id in Webdam's proofing service) is the proof's own id here; `version` the
 * newest version proofed; `source`/`primary_source_id` the container it was generated through; `url` stays null (the
 * viewer URL comes from `…/proof/url`, as in the seed).
 */
export async function presentProof(ctx: Ctx, p: ProofRow) {
  const [assets, users] = await Promise.all([
    sequencesOf(ctx.db, 'assets', idScope(ctx), [p.asset_id]),
    findUsersByIds(ctx.db, p.owner_id === null ? [] : [p.owner_id]),
  ]);
  const owner = p.owner_id === null ? undefined : users.get(p.owner_id);
  return {
    id: p.sequence,
    status: p.status,
    asset_id: assets.get(p.asset_id) ?? 0,
    version: p.version_number,
    cs_asset_id: p.sequence,
    owner_id: owner ? owner.sequence : 0,
    primary_source_id: p.primary_source_id,
    secondary_source_id: null,
    source: p.source,
    url: null,
    created_at: unixSecondsText(p.created_at),
    updated_at: unixSecondsText(p.updated_at),
  };
}
