import type { TeamRow } from '../../db/schema.js';
import { isoNow } from '../../lib/clock.js';
import { newId } from '../../lib/ids.js';
import { requirePermission } from '../access.js';
import { inTransaction, scopedAccountId, type Ctx } from '../context.js';
import { errors } from '../errors.js';
import { recordHistory } from '../history/history.service.js';
import { findTeam, listTeamRows, teamMemberIds } from './teams.repo.js';

/*
 * Teams of an account (core admin routes; Workstream approvers and share options). Account owners and admins manage
 * them; every member of the account may read them. Each change writes a history event (subject `team`).
 */

export interface TeamView {
  team: TeamRow;
  memberIds: string[];
}

const COLORS = ['#0D39DA', '#50AE55', '#FEC958', '#239F8F', '#C60000', '#00A6DC', '#F68D2E', '#8E44AD'];

export interface TeamInput {
  name?: string | undefined;
  color?: string | undefined;
}

function cleanName(name: string | undefined): string {
  const n = (name ?? '').trim();
  if (n === '' || n.length > 255) {
    throw errors.invalidField('body', 'name', 'must be 1 to 255 characters');
  }
  return n;
}

async function viewOf(ctx: Ctx, team: TeamRow): Promise<TeamView> {
  const members = await teamMemberIds(ctx.db, { accountId: team.account_id, teamIds: [team.id] });
  return { team, memberIds: members.get(team.id) ?? [] };
}

/** The account's team, or `team_not_found`. */
export async function requireTeam(ctx: Ctx, id: string): Promise<TeamRow> {
  requirePermission(ctx.actor, 'account.members.read');
  const team = await findTeam(ctx.db, { accountId: scopedAccountId(ctx), id });
  if (!team) {
    throw errors.notFound('team', id);
  }
  return team;
}

export async function getTeam(ctx: Ctx, id: string): Promise<TeamView> {
  return viewOf(ctx, await requireTeam(ctx, id));
}

export async function listTeams(ctx: Ctx, page: { limit: number; offset: number; q?: string | undefined }): Promise<TeamView[]> {
  requirePermission(ctx.actor, 'account.members.read');
  const accountId = scopedAccountId(ctx);
  const rows = await listTeamRows(ctx.db, { accountId, ...page });
  const members = await teamMemberIds(ctx.db, { accountId, teamIds: rows.map((r) => r.id) });
  return rows.map((team) => ({ team, memberIds: members.get(team.id) ?? [] }));
}

/** Users of `ids` that are members of the account; another account's user is a 404 naming it. */
async function requireAccountUsers(ctx: Ctx, ids: readonly string[]): Promise<string[]> {
  const wanted = [...new Set(ids)];
  if (wanted.length === 0) {
    return [];
  }
  const rows = await ctx.db.selectFrom('account_members').select('user_id').where('account_id', '=', scopedAccountId(ctx)).where('user_id', 'in', wanted).execute();
  const found = new Set(rows.map((r) => r.user_id));
  const missing = wanted.find((id) => !found.has(id));
  if (missing !== undefined) {
    throw errors.notFound('user', missing);
  }
  return wanted;
}

export async function createTeam(ctx: Ctx, input: TeamInput & { memberIds?: readonly string[] | undefined }): Promise<TeamView> {
  requirePermission(ctx.actor, 'account.members.manage');
  const accountId = scopedAccountId(ctx);
  const name = cleanName(input.name);
  const team = await inTransaction(ctx, async (tx) => {
    const members = await requireAccountUsers(tx, input.memberIds ?? []);
    const now = isoNow(tx.clock);
    const count = await tx.db.selectFrom('teams').select((eb) => eb.fn.countAll<number>().as('n')).where('account_id', '=', accountId).executeTakeFirst();
    const row = await tx.db
      .insertInto('teams')
      .values({
        id: newId(), account_id: accountId, name, color: input.color ?? COLORS[Number(count?.n ?? 0) % COLORS.length] ?? '#0D39DA',
        created_by_user_id: tx.actor.userId, created_at: now, updated_at: now,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    for (const userId of members) {
      await tx.db.insertInto('team_members').values({ id: newId(), account_id: accountId, team_id: row.id, user_id: userId, created_at: now }).execute();
    }
    await recordHistory(tx, { accountId, userId: tx.actor.userId, subjectType: 'team', recordId: row.id, type: 'team_created', data: { after: { name, member_ids: members } } });
    return row;
  });
  return viewOf(ctx, team);
}

export async function updateTeam(ctx: Ctx, id: string, input: TeamInput): Promise<TeamView> {
  requirePermission(ctx.actor, 'account.members.manage');
  const accountId = scopedAccountId(ctx);
  const team = await inTransaction(ctx, async (tx) => {
    const before = await requireTeam(tx, id);
    const name = input.name === undefined ? before.name : cleanName(input.name);
    const color = input.color ?? before.color;
    const after = await tx.db
      .updateTable('teams')
      .set({ name, color, updated_at: isoNow(tx.clock) })
      .where('id', '=', id)
      .where('account_id', '=', accountId)
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordHistory(tx, {
      accountId, userId: tx.actor.userId, subjectType: 'team', recordId: id, type: 'team_updated',
      data: { before: { name: before.name, color: before.color }, after: { name, color } },
    });
    return after;
  });
  return viewOf(ctx, team);
}

export async function deleteTeam(ctx: Ctx, id: string): Promise<void> {
  requirePermission(ctx.actor, 'account.members.manage');
  const accountId = scopedAccountId(ctx);
  await inTransaction(ctx, async (tx) => {
    const before = await requireTeam(tx, id);
    await tx.db.deleteFrom('team_members').where('team_id', '=', id).where('account_id', '=', accountId).execute();
    await tx.db.deleteFrom('teams').where('id', '=', id).where('account_id', '=', accountId).execute();
    await recordHistory(tx, { accountId, userId: tx.actor.userId, subjectType: 'team', recordId: id, type: 'team_deleted', data: { before: { name: before.name } } });
  });
}

/** Adds (`add`) or removes (`remove`) members; adding a member twice or removing a non-member changes nothing. */
export async function changeTeamMembers(ctx: Ctx, id: string, op: 'add' | 'remove', userIds: readonly string[]): Promise<TeamView> {
  requirePermission(ctx.actor, 'account.members.manage');
  const accountId = scopedAccountId(ctx);
  if (userIds.length === 0) {
    throw errors.invalidField('body', 'user_ids', 'name at least one user');
  }
  const team = await inTransaction(ctx, async (tx) => {
    const row = await requireTeam(tx, id);
    const users = await requireAccountUsers(tx, userIds);
    const now = isoNow(tx.clock);
    if (op === 'add') {
      const existing = new Set((await teamMemberIds(tx.db, { accountId, teamIds: [id] })).get(id) ?? []);
      for (const userId of users.filter((u) => !existing.has(u))) {
        await tx.db.insertInto('team_members').values({ id: newId(), account_id: accountId, team_id: id, user_id: userId, created_at: now }).execute();
      }
    } else {
      await tx.db.deleteFrom('team_members').where('team_id', '=', id).where('account_id', '=', accountId).where('user_id', 'in', users).execute();
    }
    await recordHistory(tx, {
      accountId, userId: tx.actor.userId, subjectType: 'team', recordId: id, type: op === 'add' ? 'team_members_added' : 'team_members_removed', data: { user_ids: users },
    });
    return row;
  });
  return viewOf(ctx, team);
}
