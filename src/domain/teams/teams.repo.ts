import type { Kysely } from 'kysely';
import type { DB, TeamRow } from '../../db/schema.js';

/** One team of the account, or undefined. */
export function findTeam(db: Kysely<DB>, scope: { accountId: string; id: string }): Promise<TeamRow | undefined> {
  return db.selectFrom('teams').selectAll().where('account_id', '=', scope.accountId).where('id', '=', scope.id).executeTakeFirst();
}

/** Teams of the account among `ids`. */
export async function findTeamsByIds(db: Kysely<DB>, scope: { accountId: string; ids: readonly string[] }): Promise<Map<string, TeamRow>> {
  const ids = [...new Set(scope.ids)];
  if (ids.length === 0) {
    return new Map();
  }
  const rows = await db.selectFrom('teams').selectAll().where('account_id', '=', scope.accountId).where('id', 'in', ids).execute();
  return new Map(rows.map((r) => [r.id, r]));
}

/** The account's teams by name (ties by sequence), optionally those whose name contains `q` (case-insensitive). */
export function listTeamRows(db: Kysely<DB>, scope: { accountId: string; q?: string | undefined; limit: number; offset: number }): Promise<TeamRow[]> {
  let q = db.selectFrom('teams').selectAll().where('account_id', '=', scope.accountId);
  if (scope.q) {
    q = q.where((eb) => eb(eb.fn('lower', ['name']), 'like', `%${escapeLike(scope.q?.toLowerCase() ?? '')}%`));
  }
  return q.orderBy('name').orderBy('sequence').limit(scope.limit).offset(scope.offset).execute();
}

export const escapeLike = (s: string): string => s.replace(/[\\%_]/g, (c) => `\\${c}`);

/** Member user ids of teams, by team. */
export async function teamMemberIds(db: Kysely<DB>, scope: { accountId: string; teamIds: readonly string[] }): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  if (scope.teamIds.length === 0) {
    return out;
  }
  const rows = await db
    .selectFrom('team_members')
    .select(['team_id', 'user_id'])
    .where('account_id', '=', scope.accountId)
    .where('team_id', 'in', [...new Set(scope.teamIds)])
    .orderBy('sequence')
    .execute();
  for (const r of rows) {
    out.set(r.team_id, [...(out.get(r.team_id) ?? []), r.user_id]);
  }
  return out;
}

/** The teams a user belongs to in the account. */
export async function teamIdsOfUser(db: Kysely<DB>, scope: { accountId: string; userId: string }): Promise<string[]> {
  const rows = await db.selectFrom('team_members').select('team_id').where('account_id', '=', scope.accountId).where('user_id', '=', scope.userId).execute();
  return rows.map((r) => r.team_id);
}
