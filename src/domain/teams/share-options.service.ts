import type { TeamRow } from '../../db/schema.js';
import { requirePermission } from '../access.js';
import { scopedAccountId, type Ctx } from '../context.js';
import { usersWithRoles, type UserWithRole } from '../tasks/task-request-views.js';
import { escapeLike, listTeamRows } from './teams.repo.js';

export type ShareOption = { kind: 'team'; team: TeamRow; name: string } | { kind: 'user'; user: UserWithRole; name: string };

/**
 * Workstream M1: people and teams to share with or name as approvers, mixed and ordered by name. `q` matches a
 * user's name, username or e-mail, or a team's name; `roles` keeps users whose role (as `roleOf` maps it) is
 * listed (teams are not filtered by role); teams are left out with `teamsEnabled` false.
 */
export async function listShareOptions(
  ctx: Ctx,
  input: { q?: string | undefined; limit: number; teamsEnabled: boolean; roles?: readonly number[] | undefined; roleOf: (u: UserWithRole) => number },
): Promise<ShareOption[]> {
  requirePermission(ctx.actor, 'asset.read');
  const accountId = scopedAccountId(ctx);
  const q = input.q?.trim().toLowerCase() ?? '';
  const like = `%${escapeLike(q)}%`;
  let users = ctx.db
    .selectFrom('users as u')
    .innerJoin('account_members as am', 'am.user_id', 'u.id')
    .selectAll('u')
    .where('am.account_id', '=', accountId)
    .where('u.is_active', '=', 1);
  if (q !== '') {
    users = users.where((eb) =>
      eb.or([
        eb(eb.fn('lower', ['u.first_name']), 'like', like),
        eb(eb.fn('lower', ['u.last_name']), 'like', like),
        eb(eb.fn('lower', ['u.username']), 'like', like),
        eb(eb.fn('lower', ['u.email']), 'like', like),
      ]),
    );
  }
  // Fetched past the limit: the role filter runs after the roles are known.
  const rows = await users.orderBy('u.first_name').orderBy('u.last_name').orderBy('u.sequence').limit(500).execute();
  const withRoles = await usersWithRoles(ctx, rows);
  const people: ShareOption[] = rows
    .map((r) => withRoles.get(r.id))
    .filter((u): u is UserWithRole => u !== undefined && (input.roles === undefined || input.roles.includes(input.roleOf(u))))
    .map((u) => ({ kind: 'user', user: u, name: `${u.user.first_name} ${u.user.last_name}`.trim() || u.user.username || u.user.email }));
  const teams: ShareOption[] = input.teamsEnabled
    ? (await listTeamRows(ctx.db, { accountId, q: q === '' ? undefined : q, limit: input.limit, offset: 0 })).map((team) => ({ kind: 'team', team, name: team.name }))
    : [];
  return [...teams, ...people].sort((a, b) => a.name.localeCompare(b.name)).slice(0, input.limit);
}
