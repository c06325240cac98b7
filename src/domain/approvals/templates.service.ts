import type { ApprovalTemplateRow } from '../../db/schema.js';
import { isoNow } from '../../lib/clock.js';
import { newId } from '../../lib/ids.js';
import { requirePermission } from '../access.js';
import { inTransaction, scopedAccountId, type Ctx } from '../context.js';
import { errors } from '../errors.js';
import { recordHistory } from '../history/history.service.js';
import { findTeamsByIds } from '../teams/teams.repo.js';
import { cleanStages, type TemplateStage } from './templates.rules.js';

/*
 * Approval templates (approval paths): versioned. Creating one makes version 1 (its own root); "editing" makes a new
 * version whose `parent_id` is the edited version and whose root is the same, and marks the old one not current.
 * Approvals keep the version they started on. Account owners and admins manage templates; members read them.
 */

export interface TemplateInput {
  name?: string | undefined;
  stages?: unknown;
}

function cleanName(name: string | undefined): string {
  const n = (name ?? '').trim();
  if (n === '' || n.length > 255) {
    throw errors.invalidField('body', 'name', 'must be 1 to 255 characters');
  }
  return n;
}

/** Fixed approvers must be users and teams of the account (404 naming them otherwise). */
async function checkApprovers(ctx: Ctx, stages: TemplateStage[]): Promise<void> {
  const accountId = scopedAccountId(ctx);
  const refs = stages.flatMap((s) => s.approvers);
  const userIds = [...new Set(refs.flatMap((r) => (r.type === 'user' ? [r.id] : [])))];
  const teamIds = refs.flatMap((r) => (r.type === 'team' ? [r.id] : []));
  if (userIds.length > 0) {
    const rows = await ctx.db.selectFrom('account_members').select('user_id').where('account_id', '=', accountId).where('user_id', 'in', userIds).execute();
    const found = new Set(rows.map((r) => r.user_id));
    const missing = userIds.find((u) => !found.has(u));
    if (missing !== undefined) {
      throw errors.notFound('user', missing);
    }
  }
  const teams = await findTeamsByIds(ctx.db, { accountId, ids: teamIds });
  const missingTeam = teamIds.find((t) => !teams.has(t));
  if (missingTeam !== undefined) {
    throw errors.notFound('team', missingTeam);
  }
}

export async function requireTemplate(ctx: Ctx, id: string): Promise<ApprovalTemplateRow> {
  requirePermission(ctx.actor, 'account.read');
  const row = await ctx.db.selectFrom('approval_templates').selectAll().where('account_id', '=', scopedAccountId(ctx)).where('id', '=', id).executeTakeFirst();
  if (!row) {
    throw errors.notFound('approval_template', id);
  }
  return row;
}

/** Current versions (or every version with `all`), by name. */
export async function listTemplates(ctx: Ctx, opts: { all: boolean }): Promise<ApprovalTemplateRow[]> {
  requirePermission(ctx.actor, 'account.read');
  let q = ctx.db.selectFrom('approval_templates').selectAll().where('account_id', '=', scopedAccountId(ctx));
  if (!opts.all) {
    q = q.where('is_current', '=', 1);
  }
  return q.orderBy('name').orderBy('sequence').execute();
}

async function insertVersion(ctx: Ctx, input: { name: string; stages: TemplateStage[]; parent: ApprovalTemplateRow | undefined }): Promise<ApprovalTemplateRow> {
  const id = newId();
  const accountId = scopedAccountId(ctx);
  if (input.parent) {
    await ctx.db.updateTable('approval_templates').set({ is_current: 0 }).where('account_id', '=', accountId).where('root_id', '=', input.parent.root_id).execute();
  }
  const row = await ctx.db
    .insertInto('approval_templates')
    .values({
      id, account_id: accountId, parent_id: input.parent?.id ?? null, root_id: input.parent?.root_id ?? id,
      version: (input.parent?.version ?? 0) + 1, is_current: 1, name: input.name, stages: JSON.stringify(input.stages),
      created_by_user_id: ctx.actor.userId, created_at: isoNow(ctx.clock),
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  await recordHistory(ctx, {
    accountId, userId: ctx.actor.userId, subjectType: 'approval_template', recordId: id,
    type: input.parent ? 'approval_template_versioned' : 'approval_template_created',
    data: { after: { name: row.name, version: row.version, parent_id: row.parent_id, stages: input.stages.length } },
  });
  return row;
}

export async function createTemplate(ctx: Ctx, input: TemplateInput): Promise<ApprovalTemplateRow> {
  requirePermission(ctx.actor, 'account.members.manage');
  const name = cleanName(input.name);
  const stages = cleanStages(input.stages);
  return inTransaction(ctx, async (tx) => {
    await checkApprovers(tx, stages);
    return insertVersion(tx, { name, stages, parent: undefined });
  });
}

/**
 * A new version of a template (its "edit"): name and stages default to the edited version's. Only the current version
 * may be edited (409 otherwise), so versions form a line, not a tree.
 */
export async function newTemplateVersion(ctx: Ctx, id: string, input: TemplateInput): Promise<ApprovalTemplateRow> {
  requirePermission(ctx.actor, 'account.members.manage');
  return inTransaction(ctx, async (tx) => {
    const parent = await requireTemplate(tx, id);
    if (parent.is_current !== 1) {
      throw errors.conflict('approval_template_not_current', 'Only the current version of a template can be edited.');
    }
    const name = input.name === undefined ? parent.name : cleanName(input.name);
    const stages = input.stages === undefined ? (JSON.parse(parent.stages) as TemplateStage[]) : cleanStages(input.stages);
    await checkApprovers(tx, stages);
    return insertVersion(tx, { name, stages, parent });
  });
}
