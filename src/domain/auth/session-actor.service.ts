import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.js';
import { isUuid } from '../../lib/ids.js';
import { effectiveWorkspaceRole, isAccountRole, isWorkspaceRole } from '../access.js';
import type { Actor, Deps } from '../context.js';
import { errors } from '../errors.js';
import type { Scope } from './actor.service.js';
import { findActiveSession, type ActiveSession } from './sessions.service.js';

export interface SessionActorRequest {
  /** The session cookie's value. */
  token: string;
  /** `credential`: the non-core surfaces' rule (account from the header or the person's first account). */
  scope: Scope | 'credential';
  accountHeader: string | undefined;
  workspaceHeader: string | undefined;
}

function uuidHeader(name: string, value: string | undefined, required: boolean): string | null {
  if (value === undefined || value === '') {
    if (required) {
      throw errors.missingHeader(name);
    }
    return null;
  }
  if (!isUuid(value)) {
    throw errors.malformedHeader(name);
  }
  return value.toLowerCase();
}

/**
 * A browser session's Actor, by the same tenancy rules as an API key's (actor.service.ts): `x-account-id` and
 * `x-workspace-id` choose where the person acts, 403 outside their memberships. A key is bound to one account; a
 * session is the person's, so where the key's account would be implied (`user` routes, the non-core surfaces) the
 * `x-account-id` header is used when sent, else the person's first account. `apiKeyId` is null.
 */
export async function resolveSessionActor(deps: Deps, req: SessionActorRequest): Promise<{ actor: Actor; active: ActiveSession }> {
  const active = await findActiveSession(deps, req.token);
  if (!active) {
    throw errors.unauthenticated('Your session has ended; sign in again.');
  }
  const userId = active.user.id;
  const needsAccount = req.scope === 'account' || req.scope === 'workspace';
  const needsWorkspace = req.scope === 'workspace';
  const accountId = uuidHeader('x-account-id', req.accountHeader, needsAccount) ?? (await firstAccountId(deps.db, userId));
  const workspaceId = uuidHeader('x-workspace-id', req.workspaceHeader, needsWorkspace);
  const base: Actor = { userId, apiKeyId: null, accountId: null, accountRole: null, workspaceId: null, workspaceRole: null };
  if (accountId === null) {
    // A person removed from every account: the routes a key could call all act in some account.
    throw errors.forbidden('account_forbidden', 'You are not a member of any account.');
  }
  const row = await deps.cache.get(deps.db, `session-actor:${userId}:${accountId}:${workspaceId ?? ''}`, () =>
    findRoles(deps.db, { userId, accountId, workspaceId }),
  );
  if (!row || row.account_role === null || !isAccountRole(row.account_role)) {
    throw errors.forbidden('account_forbidden', 'You are not a member of this account.');
  }
  const actor: Actor = { ...base, accountId, accountRole: row.account_role };
  const wantsWorkspace = workspaceId ?? (req.scope === 'credential' ? await firstWorkspaceId(deps.db, { userId, accountId }) : null);
  if (!needsWorkspace && req.scope !== 'credential') {
    return { actor, active };
  }
  if (wantsWorkspace === null) {
    throw errors.forbidden('workspace_forbidden', 'You do not belong to any workspace of this account.');
  }
  const ws = wantsWorkspace === workspaceId ? row : await findRoles(deps.db, { userId, accountId, workspaceId: wantsWorkspace });
  const memberRole = ws?.member_role != null && isWorkspaceRole(ws.member_role) ? ws.member_role : null;
  const role = ws?.workspace_id == null ? null : effectiveWorkspaceRole(actor.accountRole, memberRole);
  if (role === null) {
    throw errors.forbidden('workspace_forbidden', 'You do not have access to this workspace.');
  }
  return { actor: { ...actor, workspaceId: wantsWorkspace, workspaceRole: role }, active };
}

/** The person's roles in an account and (when named) one of its workspaces, in one query. */
function findRoles(db: Kysely<DB>, p: { userId: string; accountId: string; workspaceId: string | null }) {
  return db
    .selectFrom('account_members as am')
    .leftJoin('workspaces as w', (j) => j.on('w.id', '=', p.workspaceId ?? '').onRef('w.account_id', '=', 'am.account_id'))
    .leftJoin('workspace_members as wm', (j) => j.onRef('wm.workspace_id', '=', 'w.id').onRef('wm.user_id', '=', 'am.user_id'))
    .select(['am.role as account_role', 'w.id as workspace_id', 'wm.role as member_role'])
    .where('am.user_id', '=', p.userId)
    .where('am.account_id', '=', p.accountId)
    .executeTakeFirst();
}

async function firstAccountId(db: Kysely<DB>, userId: string): Promise<string | null> {
  const row = await db.selectFrom('account_members').select('account_id').where('user_id', '=', userId).orderBy('sequence').limit(1).executeTakeFirst();
  return row?.account_id ?? null;
}

/** As credential-tenancy.ts: the oldest workspace of the account the person can act in. */
async function firstWorkspaceId(db: Kysely<DB>, p: { userId: string; accountId: string }): Promise<string | null> {
  const row = await db
    .selectFrom('workspaces as w')
    .innerJoin('account_members as am', (j) => j.onRef('am.account_id', '=', 'w.account_id').on('am.user_id', '=', p.userId))
    .leftJoin('workspace_members as wm', (j) => j.onRef('wm.workspace_id', '=', 'w.id').on('wm.user_id', '=', p.userId))
    .select('w.id')
    .where('w.account_id', '=', p.accountId)
    .where((eb) => eb.or([eb('am.role', 'in', ['owner', 'admin']), eb('wm.id', 'is not', null)]))
    .orderBy('w.sequence')
    .limit(1)
    .executeTakeFirst();
  return row?.id ?? null;
}
