import { sql } from 'kysely';
import type { ApprovalCommentRow, ApprovalResponseRow, ApprovalRow } from '../../db/schema.js';
import { requirePermission } from '../access.js';
import { scopedWorkspaceId, type Ctx } from '../context.js';
import { errors } from '../errors.js';
import { callerOf, holdsSlot, manages, openByKey, requireAssetIn, seesApproval, type Caller, type Container, type Keyed } from './approval-access.js';
import { SETTING } from './approval-settings.js';
import { APPROVAL_STATUS, RESPONSE } from './approvals.rules.js';
import { findLatestApprovalOfAsset, findLatestApprovalsOfAssets, listComments, listResponses, settingValue } from './approvals.repo.js';

/* Reading approvals: lists (A1), counts (A2), by key (A3), the activity feed (A4), the check routes (A9/A11). */

export const APPROVAL_SORTS = ['status', 'created_at', 'updated_at'] as const;
export type ApprovalSort = (typeof APPROVAL_SORTS)[number];

export interface ApprovalFilters {
  ownerIds?: string[] | undefined;
  statuses?: number[] | undefined;
  objectTypes?: number[] | undefined;
  assetIds?: string[] | undefined;
  objectVersions?: number[] | undefined;
  templateIds?: string[] | undefined;
  approverIds?: string[] | undefined;
}

/** Approvals the caller may see (owner, admin, or an approver of any stage), as Keyed from the caller's side. */
export async function listApprovals(
  ctx: Ctx,
  input: { sort: ApprovalSort; desc: boolean; offset: number; limit: number; filters: ApprovalFilters },
): Promise<Keyed[]> {
  requirePermission(ctx.actor, 'asset.read');
  const workspaceId = scopedWorkspaceId(ctx);
  const caller = await callerOf(ctx);
  const f = input.filters;
  let q = ctx.db.selectFrom('approvals as a').selectAll('a').where('a.workspace_id', '=', workspaceId);
  if (!caller.isAdmin) {
    const teams = [...caller.teamIds];
    q = q.where((eb) =>
      eb.or([
        eb('a.owner_id', '=', ctx.actor.userId),
        eb.exists(
          eb
            .selectFrom('approval_responses as r')
            .select('r.id')
            .whereRef('r.approval_id', '=', 'a.id')
            .where((e) => e.or([e('r.user_id', '=', ctx.actor.userId), ...(teams.length > 0 ? [e('r.team_id', 'in', teams)] : [])])),
        ),
      ]),
    );
  }
  const none = ['00000000-0000-0000-0000-000000000000'];
  if (f.ownerIds) {
    q = q.where('a.owner_id', 'in', f.ownerIds.length > 0 ? f.ownerIds : none);
  }
  if (f.statuses) {
    q = q.where('a.status', 'in', f.statuses.length > 0 ? f.statuses : [0]);
  }
  if (f.objectTypes && !f.objectTypes.includes(1)) {
    q = q.where(sql<boolean>`1 = 0`);
  }
  if (f.assetIds) {
    q = q.where('a.asset_id', 'in', f.assetIds.length > 0 ? f.assetIds : none);
  }
  if (f.objectVersions) {
    q = q.where('a.object_version', 'in', f.objectVersions.length > 0 ? f.objectVersions : [0]);
  }
  if (f.templateIds) {
    // template_parent_id: any version of the templates' lines (their root).
    const roots = f.templateIds.length > 0 ? ctx.db.selectFrom('approval_templates').select('root_id').where('id', 'in', f.templateIds) : undefined;
    q = roots
      ? q.where('a.template_id', 'in', ctx.db.selectFrom('approval_templates').select('id').where('root_id', 'in', roots))
      : q.where('a.template_id', 'in', none);
  }
  if (f.approverIds) {
    const ids = f.approverIds.length > 0 ? f.approverIds : none;
    q = q.where((eb) =>
      eb.exists(
        eb
          .selectFrom('approval_responses as r')
          .select('r.id')
          .whereRef('r.approval_id', '=', 'a.id')
          .where((e) => e.or([e('r.user_id', 'in', ids), e('r.team_id', 'in', e.selectFrom('team_members').select('team_id').where('user_id', 'in', ids))])),
      ),
    );
  }
  const dir = input.desc ? 'desc' : 'asc';
  const rows = await q.orderBy(`a.${input.sort}`, dir).orderBy('a.sequence', dir).limit(input.limit).offset(input.offset).execute();
  const slots = await listResponses(ctx.db, { workspaceId, approvalIds: rows.map((r) => r.id) });
  return rows.map((approval) => ({ approval, slot: chooseSlot(approval, slots, caller), caller }));
}

/**
 * The slot whose key a listed approval shows the caller: their own on the current stage (pending first), else none
 * (the view-only key) for the owner and admins, else their own on another stage.
 */
function chooseSlot(approval: ApprovalRow, slots: readonly ApprovalResponseRow[], caller: Caller): ApprovalResponseRow | undefined {
  const mine = slots.filter((s) => s.approval_id === approval.id && holdsSlot(s, caller));
  const current = mine.filter((s) => s.stage === approval.current_stage).sort((a, b) => (a.response === RESPONSE.pending ? -1 : 0) - (b.response === RESPONSE.pending ? -1 : 0));
  if (current[0]) {
    return current[0];
  }
  return manages(approval, caller) ? undefined : mine[0];
}

/** A2: pending approvals whose current stage waits on the caller (their slot or their team's, still unanswered). */
export async function countPendingForMe(ctx: Ctx): Promise<number> {
  requirePermission(ctx.actor, 'asset.read');
  const caller = await callerOf(ctx);
  const teams = [...caller.teamIds];
  const row = await ctx.db
    .selectFrom('approvals as a')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('a.workspace_id', '=', scopedWorkspaceId(ctx))
    .where('a.status', '=', APPROVAL_STATUS.pending)
    .where((eb) =>
      eb.exists(
        eb
          .selectFrom('approval_responses as r')
          .select('r.id')
          .whereRef('r.approval_id', '=', 'a.id')
          .whereRef('r.stage', '=', 'a.current_stage')
          .where('r.response', '=', RESPONSE.pending)
          .where((e) => e.or([e('r.user_id', '=', ctx.actor.userId), ...(teams.length > 0 ? [e('r.team_id', 'in', teams)] : [])])),
      ),
    )
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}

/** A3. */
export function getApprovalByKey(ctx: Ctx, key: string): Promise<Keyed> {
  return openByKey(ctx, key);
}

/**
 * A4 (§1.5 item 8): the owner and admins see every comment; an approver sees only the current stage's, and only
 * when that stage lets approvers view comments (else an empty list).
 */
export async function listApprovalComments(ctx: Ctx, key: string): Promise<{ keyed: Keyed; comments: ApprovalCommentRow[] }> {
  const keyed = await openByKey(ctx, key);
  return { keyed, comments: await commentsVisibleTo(ctx, keyed) };
}

export async function commentsVisibleTo(ctx: Pick<Ctx, 'db'>, keyed: Keyed): Promise<ApprovalCommentRow[]> {
  const { approval } = keyed;
  const workspaceId = approval.workspace_id;
  if (manages(approval, keyed.caller)) {
    return listComments(ctx.db, { workspaceId, approvalId: approval.id });
  }
  const stage = approval.current_stage;
  if ((await settingValue(ctx.db, { workspaceId, approvalId: approval.id, stage, type: SETTING.viewComments })) !== '1') {
    return [];
  }
  return listComments(ctx.db, { workspaceId, approvalId: approval.id, stage });
}

/**
 * A9/A11 (§1.5 item 10): the asset's approval through a container. 403 when the asset is not reachable through it,
 * 404 when there is an approval the caller may not see; `undefined` (200, no approval) when there is none and the
 * caller may create one (an editor), else 404.
 */
export async function checkAssetApproval(ctx: Ctx, container: Container, assetId: string): Promise<Keyed | undefined> {
  const asset = await requireAssetIn(ctx, container, assetId);
  const workspaceId = scopedWorkspaceId(ctx);
  const caller = await callerOf(ctx);
  const approval = await findLatestApprovalOfAsset(ctx.db, { workspaceId, assetId: asset.id });
  if (!approval) {
    if (ctx.actor.workspaceRole === 'viewer') {
      throw errors.notFound('approval');
    }
    return undefined;
  }
  const slots = await listResponses(ctx.db, { workspaceId, approvalIds: [approval.id] });
  if (!seesApproval(approval, slots, caller)) {
    throw errors.notFound('approval');
  }
  return { approval, slot: chooseSlot(approval, slots, caller), caller };
}

/**
 * T3 and P3 with `approval_status` (spec "summary form"): each listed asset's latest approval, when the caller may see
 * it (owner, admin, or an approver of any stage). Assets without one, or with one hidden from the caller, are absent.
 * The container check is the list route's; the assets are the workspace's.
 */
export async function assetApprovalsFor(ctx: Ctx, assetIds: readonly string[]): Promise<Map<string, Keyed>> {
  const out = new Map<string, Keyed>();
  if (assetIds.length === 0) {
    return out;
  }
  const workspaceId = scopedWorkspaceId(ctx);
  const caller = await callerOf(ctx);
  // Two queries for the page, not two per asset.
  const latest = await findLatestApprovalsOfAssets(ctx.db, { workspaceId, assetIds });
  const responses = await listResponses(ctx.db, { workspaceId, approvalIds: [...latest.values()].map((a) => a.id) });
  for (const [assetId, approval] of latest) {
    const slots = responses.filter((r) => r.approval_id === approval.id);
    if (seesApproval(approval, slots, caller)) {
      out.set(assetId, { approval, slot: chooseSlot(approval, slots, caller), caller });
    }
  }
  return out;
}
