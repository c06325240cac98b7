import type { ApprovalResponseRow, ApprovalRow, AssetRow, UserRow } from '../../db/schema.js';
import { isoNow } from '../../lib/clock.js';
import { newId } from '../../lib/ids.js';
import { requirePermission } from '../access.js';
import { inTransaction, scopedAccountId, scopedWorkspaceId, type Ctx } from '../context.js';
import { errors } from '../errors.js';
import { recordHistory } from '../history/history.service.js';
import { findTeamsByIds } from '../teams/teams.repo.js';
import { findVersion } from '../versions/versions.repo.js';
import { requireAssetIn, type Container } from './approval-access.js';
import { keyHash, responseKey, viewKey } from './approval-keys.js';
import { noticeSlots } from './approval-notify.js';
import { SETTING, stageSettings, type StageSwitches } from './approval-settings.js';
import { APPROVAL_STATUS, RESPONSE } from './approvals.rules.js';
import { findLatestApprovalOfAsset, insertApproval, insertResponse } from './approvals.repo.js';
import { requireTemplate } from './templates.service.js';
import { isEmail, MAX_APPROVERS, parseStages, type ApproverRef } from './templates.rules.js';

/*
 * Creating approvals (Workstream A13/A15, and the engine behind core review requests): ad-hoc (named approvers, all
 * required, one stage 0) or from a template version (stages 1..n, approvers from the uploader, the requester's list or
 * the template). Every approver slot of every stage is written at once, each with its own key.
 */

export interface CreateApprovalInput {
  container: Container;
  assetId: string;
  templateId?: string | undefined;
  /** Named by the requester: ad-hoc approvers, or those of the template's `requester` stages. */
  approvers: readonly ApproverRef[];
  comments: string;
  /** ISO timestamp, or null. */
  dueDate: string | null;
  /** The request message (setting 22); defaults to the comments. */
  message?: string | undefined;
  /** Ad-hoc switches (templates carry their own per stage). */
  viewComments?: boolean | undefined;
  canProof?: boolean | undefined;
}

interface SlotSpec {
  user_id: string | null;
  team_id: string | null;
  email: string;
}

/** Refs → slots: users and teams of the account; an e-mail of an account user is that user, else a guest. */
async function resolveSlots(ctx: Ctx, refs: readonly ApproverRef[], field: string): Promise<SlotSpec[]> {
  const accountId = scopedAccountId(ctx);
  const emails = refs.flatMap((r) => (r.type === 'email' ? [r.email] : []));
  const userIds = refs.flatMap((r) => (r.type === 'user' ? [r.id] : []));
  const members = (userIds.length > 0 || emails.length > 0)
    ? await ctx.db
        .selectFrom('users as u')
        .innerJoin('account_members as am', 'am.user_id', 'u.id')
        .selectAll('u')
        .where('am.account_id', '=', accountId)
        .where((eb) => eb.or([eb('u.id', 'in', userIds.length > 0 ? userIds : ['']), eb(eb.fn('lower', ['u.email']), 'in', emails.length > 0 ? emails : [''])]))
        .execute()
    : [];
  const byId = new Map<string, UserRow>(members.map((u) => [u.id, u]));
  const byEmail = new Map<string, UserRow>(members.map((u) => [u.email.toLowerCase(), u]));
  const teams = await findTeamsByIds(ctx.db, { accountId, ids: refs.flatMap((r) => (r.type === 'team' ? [r.id] : [])) });
  const out = new Map<string, SlotSpec>();
  refs.forEach((ref, i) => {
    if (ref.type === 'team') {
      if (!teams.has(ref.id)) {
        throw errors.invalidField('body', `${field}/${i}`, 'must be a team of this account');
      }
      out.set(`team:${ref.id}`, { user_id: null, team_id: ref.id, email: '' });
      return;
    }
    const user = ref.type === 'user' ? byId.get(ref.id) : byEmail.get(ref.email);
    if (ref.type === 'user' && !user) {
      throw errors.invalidField('body', `${field}/${i}`, 'must be a user of this account');
    }
    if (user) {
      out.set(`user:${user.id}`, { user_id: user.id, team_id: null, email: user.email });
    } else if (ref.type === 'email') {
      out.set(`email:${ref.email}`, { user_id: null, team_id: null, email: ref.email });
    }
  });
  return [...out.values()];
}

interface StagePlan {
  stage: number;
  slots: SlotSpec[];
  switches: StageSwitches;
}

async function planStages(ctx: Ctx, asset: AssetRow, input: CreateApprovalInput): Promise<{ templateId: string | null; stages: StagePlan[] }> {
  if (input.approvers.length > MAX_APPROVERS) {
    throw errors.invalidField('body', 'approvers', `at most ${MAX_APPROVERS} approvers`);
  }
  const named = await resolveSlots(ctx, input.approvers, 'approvers');
  if (input.templateId === undefined) {
    if (named.length === 0) {
      throw errors.invalidField('body', 'approvers', 'name at least one approver (a user, a team or an e-mail address)');
    }
    return { templateId: null, stages: [{ stage: 0, slots: named, switches: { style: 'all', viewComments: input.viewComments ?? true, canProof: input.canProof ?? true } }] };
  }
  const template = await requireTemplate(ctx, input.templateId);
  const stages: StagePlan[] = [];
  for (const [i, s] of parseStages(template.stages).entries()) {
    let slots: SlotSpec[];
    if (s.approver_source === 'uploader') {
      if (!asset.created_by_user_id) {
        throw errors.invalidField('body', 'template_id', `stage ${i + 1} takes the asset's uploader, and this asset has none`);
      }
      slots = await resolveSlots(ctx, [{ type: 'user', id: asset.created_by_user_id }], 'template_id');
    } else if (s.approver_source === 'requester') {
      if (named.length === 0) {
        throw errors.invalidField('body', 'approvers', `stage ${i + 1} ("${s.name}") takes approvers named by the requester: name at least one`);
      }
      slots = named;
    } else {
      // Fixed approvers were checked when the template was saved; a user or team removed since is skipped.
      slots = await resolveSlots(ctx, s.approvers.filter((a) => a.type === 'email'), 'template_id');
      const live = await resolveSlotsLenient(ctx, s.approvers.filter((a) => a.type !== 'email'));
      slots = [...live, ...slots];
    }
    stages.push({ stage: i + 1, slots, switches: { style: s.approver_style, viewComments: s.view_comments, canProof: s.can_proof } });
  }
  if (stages.every((s) => s.slots.length === 0)) {
    throw errors.invalidField('body', 'template_id', 'the template has no approver left');
  }
  return { templateId: template.id, stages };
}

/** Fixed users and teams that still exist in the account (others are left out rather than refused). */
async function resolveSlotsLenient(ctx: Ctx, refs: readonly ApproverRef[]): Promise<SlotSpec[]> {
  const out: SlotSpec[] = [];
  for (const ref of refs) {
    try {
      out.push(...(await resolveSlots(ctx, [ref], 'template_id')));
    } catch {
      // removed since the template was saved
    }
  }
  return out;
}

/**
 * POST …/assets/{assetId}/approvals (A13/A15): the caller (an editor) asks for approval of the asset's current version.
 * One pending approval per asset (409 `approval_pending_exists`). Notifies the first stage's approvers.
 */
export async function createApproval(ctx: Ctx, input: CreateApprovalInput): Promise<ApprovalRow> {
  requirePermission(ctx.actor, 'asset.write');
  const workspaceId = scopedWorkspaceId(ctx);
  const accountId = scopedAccountId(ctx);
  if (input.comments.length > 3000) {
    throw errors.invalidField('body', 'comments', 'must be at most 3000 characters');
  }
  return inTransaction(ctx, async (tx) => {
    const asset = await requireAssetIn(tx, input.container, input.assetId);
    const version = asset.current_version_id ? await findVersion(tx.db, { workspaceId, assetId: asset.id, id: asset.current_version_id }) : undefined;
    if (!version) {
      throw errors.notFound('version');
    }
    const plan = await planStages(tx, asset, input);
    const existing = await findLatestApprovalOfAsset(tx.db, { workspaceId, assetId: asset.id });
    if (existing && existing.status === APPROVAL_STATUS.pending) {
      throw errors.conflict('approval_pending_exists', 'The asset already has a pending approval; cancel it first.');
    }
    const now = isoNow(tx.clock);
    const id = newId();
    const withSlots = plan.stages.filter((s) => s.slots.length > 0);
    const first = withSlots[0]?.stage ?? 0;
    const approval = await insertApproval(tx.db, {
      id, account_id: accountId, workspace_id: workspaceId, asset_id: asset.id, asset_version_id: version.id, object_version: version.version_number,
      owner_id: tx.actor.userId, template_id: plan.templateId, current_stage: first, stage_count: plan.stages.length, status: APPROVAL_STATUS.pending,
      comments: input.comments, due_date: input.dueDate, view_key_hash: keyHash(viewKey(tx.tokenKey, id)), created_at: now, updated_at: now,
      completed_at: null, cancelled_at: null,
    });
    const firstSlots: ApprovalResponseRow[] = [];
    const message = input.message ?? input.comments;
    for (const stage of plan.stages) {
      for (const slot of stage.slots) {
        const rid = newId();
        const row = await insertResponse(tx.db, {
          id: rid, workspace_id: workspaceId, approval_id: id, stage: stage.stage, ...slot, responder_id: null, response: RESPONSE.pending,
          key_hash: keyHash(responseKey(tx.tokenKey, rid)), created_at: now, updated_at: now,
        });
        if (stage.stage === first) {
          firstSlots.push(row);
        }
      }
      const settings = stageSettings(stage.switches, message);
      await tx.db
        .insertInto('approval_settings')
        .values([...settings.entries()].map(([type, value]) => ({ id: newId(), workspace_id: workspaceId, approval_id: id, stage: stage.stage, type, value, created_at: now, updated_at: now })))
        .execute();
    }
    await recordHistory(tx, {
      accountId, workspaceId, assetId: asset.id, userId: tx.actor.userId, subjectType: 'approval', recordId: id, type: 'approval_created',
      data: { after: { status: approval.status, current_stage: first, template_id: plan.templateId, asset_version_id: version.id, approvers: plan.stages.reduce((n, s) => n + s.slots.length, 0) } },
    });
    if ((await settingOf(tx, id, first, SETTING.emailApprovers)) !== '0') {
      await noticeSlots(tx, { approval, slots: firstSlots, type: 'approval_requested', message, byUserId: tx.actor.userId });
    }
    return approval;
  });
}

async function settingOf(ctx: Ctx, approvalId: string, stage: number, type: number): Promise<string | undefined> {
  const row = await ctx.db.selectFrom('approval_settings').select('value').where('approval_id', '=', approvalId).where('stage', '=', stage).where('type', '=', type).executeTakeFirst();
  return row?.value;
}
