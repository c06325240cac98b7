import type { ApprovalResponseRow, ApprovalSettingRow, ApprovalTemplateRow, AssetRow, AssetVersionRow, FolderRow, TeamRow, UserRow } from '../../db/schema.js';
import type { Ctx } from '../context.js';
import { findAssetsByIds } from '../assets/assets.repo.js';
import { usersWithRoles, type UserWithRole } from '../tasks/task-request-views.js';
import { findTeamsByIds } from '../teams/teams.repo.js';
import { findUsersByIds } from '../users/users.repo.js';
import { holdsSlot, manages, type Keyed } from './approval-access.js';
import { responseKey, viewKey } from './approval-keys.js';
import { APPROVAL_STATUS } from './approvals.rules.js';
import { listResponses, listSettings } from './approvals.repo.js';

/* What the surfaces show of an approval, loaded for many in a fixed number of queries. */

export interface ApprovalView {
  keyed: Keyed;
  /** The key this view is seen through: the slot's, or the view-only key. */
  key: string;
  owner: UserWithRole | undefined;
  template: ApprovalTemplateRow | undefined;
  /** The current stage's approver slots. */
  responses: ApprovalResponseRow[];
  users: Map<string, UserWithRole>;
  teams: Map<string, TeamRow>;
  asset: AssetRow | undefined;
  version: AssetVersionRow | undefined;
  folder: FolderRow | undefined;
  uploader: UserRow | undefined;
  /** The caller may answer through this key now. */
  isApprover: boolean;
  /** The caller is the owner or an admin. */
  editable: boolean;
  /** Full view only: the current stage's settings and the caller as an approver (with their teams). */
  settings: ApprovalSettingRow[];
  currentApprover: { user: UserWithRole; teams: TeamRow[] } | undefined;
}

const present = <T>(v: T | null | undefined): v is T => v !== null && v !== undefined;

export async function viewApprovals(ctx: Ctx, keyeds: readonly Keyed[], opts: { full: boolean }): Promise<ApprovalView[]> {
  if (keyeds.length === 0) {
    return [];
  }
  const workspaceId = keyeds[0]?.approval.workspace_id ?? '';
  const accountId = keyeds[0]?.approval.account_id ?? '';
  const approvals = keyeds.map((k) => k.approval);
  const [slots, assets, templates] = await Promise.all([
    listResponses(ctx.db, { workspaceId, approvalIds: approvals.map((a) => a.id) }),
    findAssetsByIds(ctx.db, { workspaceId, ids: approvals.map((a) => a.asset_id) }),
    approvals.some((a) => a.template_id)
      ? ctx.db.selectFrom('approval_templates').selectAll().where('account_id', '=', accountId).where('id', 'in', approvals.map((a) => a.template_id).filter(present)).execute()
      : Promise.resolve([]),
  ]);
  const versionIds = approvals.map((a) => a.asset_version_id).filter(present);
  const versions = versionIds.length > 0 ? await ctx.db.selectFrom('asset_versions').selectAll().where('workspace_id', '=', workspaceId).where('id', 'in', versionIds).execute() : [];
  const paths = [...new Set(assets.map((a) => a.file_location))];
  const folders = paths.length > 0 ? await ctx.db.selectFrom('folders').selectAll().where('workspace_id', '=', workspaceId).where('path', 'in', paths).execute() : [];
  const current = slots.filter((s) => approvals.some((a) => a.id === s.approval_id && a.current_stage === s.stage));
  const callerIds = keyeds.flatMap((k) => (k.caller.userId ? [k.caller.userId] : []));
  const userRows = await findUsersByIds(
    ctx.db,
    [...approvals.map((a) => a.owner_id), ...current.flatMap((s) => [s.user_id, s.responder_id]), ...assets.map((a) => a.created_by_user_id), ...callerIds].filter(present),
  );
  const users = await usersWithRoles(ctx, [...userRows.values()]);
  const teams = await findTeamsByIds(ctx.db, { accountId, ids: [...current.map((s) => s.team_id), ...keyeds.flatMap((k) => [...k.caller.teamIds])].filter(present) });
  const out: ApprovalView[] = [];
  for (const keyed of keyeds) {
    const a = keyed.approval;
    const asset = assets.find((x) => x.id === a.asset_id);
    const slot = keyed.slot;
    const mine = slot !== undefined && (keyed.caller.userId === null || holdsSlot(slot, keyed.caller));
    const caller = keyed.caller.userId ? users.get(keyed.caller.userId) : undefined;
    out.push({
      keyed,
      key: slot ? responseKey(ctx.tokenKey, slot.id) : viewKey(ctx.tokenKey, a.id),
      owner: a.owner_id ? users.get(a.owner_id) : undefined,
      template: templates.find((t) => t.id === a.template_id),
      responses: current.filter((s) => s.approval_id === a.id),
      users,
      teams,
      asset,
      version: versions.find((v) => v.id === a.asset_version_id),
      folder: asset ? folders.find((f) => f.path === asset.file_location) : undefined,
      uploader: asset?.created_by_user_id ? userRows.get(asset.created_by_user_id) : undefined,
      isApprover: mine && a.status === APPROVAL_STATUS.pending && slot.stage === a.current_stage,
      editable: manages(a, keyed.caller),
      settings: opts.full ? await listSettings(ctx.db, { workspaceId, approvalId: a.id, stage: a.current_stage }) : [],
      currentApprover: opts.full && mine && caller ? { user: caller, teams: [...keyed.caller.teamIds].map((t) => teams.get(t)).filter(present) } : undefined,
    });
  }
  return out;
}

export async function viewApproval(ctx: Ctx, keyed: Keyed, opts: { full: boolean }): Promise<ApprovalView> {
  const [v] = await viewApprovals(ctx, [keyed], opts);
  return v as ApprovalView;
}
