import { CompiledQuery, type Kysely } from 'kysely';
import type { DB } from '../../db/schema.js';
import { isUuid } from '../../lib/ids.js';
import { effectiveWorkspaceRole, isAccountRole, isWorkspaceRole } from '../access.js';
import type { Actor, Deps } from '../context.js';
import { errors } from '../errors.js';
import { verifyToken } from './tokens.service.js';

/** How much of the tenancy a route needs: just a user, an account, or an account and a workspace. */
export type Scope = 'user' | 'account' | 'workspace';

export interface ActorRequest {
  token: string | undefined;
  scope: Scope;
  accountHeader: string | undefined;
  workspaceHeader: string | undefined;
}

function requireUuidHeader(name: string, value: string | undefined): string {
  if (value === undefined || value === '') {
    throw errors.missingHeader(name);
  }
  if (!isUuid(value)) {
    throw errors.malformedHeader(name);
  }
  return value.toLowerCase();
}

/**
 * Authenticates the token and resolves the tenancy headers into an Actor, in one query:
 * 401 for a missing/invalid/expired token or a revoked key; 400 for a missing or malformed header;
 * 403 for an account or workspace the caller does not belong to.
 */
export async function resolveActor(deps: Deps, req: ActorRequest): Promise<Actor> {
  if (!req.token) {
    throw errors.unauthenticated();
  }
  const claims = verifyToken(deps, req.token);
  const accountId = req.scope === 'user' ? claims.accountId : requireUuidHeader('x-account-id', req.accountHeader);
  const workspaceId = req.scope === 'workspace' ? requireUuidHeader('x-workspace-id', req.workspaceHeader) : null;

  const lookup = { accountId, workspaceId, apiKeyId: claims.apiKeyId, userId: claims.userId };
  const row = await deps.cache.get(deps.db, `actor:${lookup.apiKeyId}:${lookup.userId}:${accountId}:${workspaceId ?? ''}`, () =>
    findActorRow(deps.db, lookup),
  );
  if (!row || row.revoked_at !== null || row.is_active !== 1) {
    throw errors.invalidToken();
  }
  // A key acts only inside the account it was issued for.
  if (row.key_account_id !== accountId || row.account_role === null || !isAccountRole(row.account_role)) {
    throw errors.forbidden('account_forbidden', 'You are not a member of this account.');
  }
  const actor: Actor = {
    userId: claims.userId,
    apiKeyId: claims.apiKeyId,
    accountId,
    accountRole: row.account_role,
    workspaceId: null,
    workspaceRole: null,
  };
  if (workspaceId === null) {
    return actor;
  }
  const memberRole = row.member_role !== null && isWorkspaceRole(row.member_role) ? row.member_role : null;
  const role = row.workspace_id === null ? null : effectiveWorkspaceRole(actor.accountRole, memberRole);
  if (role === null) {
    throw errors.forbidden('workspace_forbidden', 'You do not have access to this workspace.');
  }
  return { ...actor, workspaceId, workspaceRole: role };
}

interface ActorLookup {
  accountId: string;
  workspaceId: string | null;
  apiKeyId: string;
  userId: string;
}

/** The key, its user, and the user's roles in the requested account and workspace, in one query. */
function actorQuery(db: Kysely<DB>, p: ActorLookup) {
  return db
    .selectFrom('api_keys as k')
    .innerJoin('users as u', 'u.id', 'k.user_id')
    .leftJoin('account_members as am', (j) => j.onRef('am.user_id', '=', 'k.user_id').on('am.account_id', '=', p.accountId))
    .leftJoin('workspaces as w', (j) =>
      // `w` only matches a workspace of the requested account; another account's workspace reads as absent.
      j.on('w.id', '=', p.workspaceId ?? '').onRef('w.account_id', '=', 'am.account_id'),
    )
    .leftJoin('workspace_members as wm', (j) => j.onRef('wm.workspace_id', '=', 'w.id').onRef('wm.user_id', '=', 'k.user_id'))
    .select(['k.revoked_at', 'k.account_id as key_account_id', 'u.is_active', 'am.role as account_role', 'w.id as workspace_id', 'wm.role as member_role'])
    .where('k.id', '=', p.apiKeyId)
    .where('k.user_id', '=', p.userId);
}

type ActorRow = Awaited<ReturnType<ReturnType<typeof actorQuery>['executeTakeFirstOrThrow']>>;

const SLOTS = ['accountId', 'workspaceId', 'apiKeyId', 'userId'] as const;
const placeholder = (slot: string) => `\u0000${slot}`;

/*
 * Every authenticated request runs this query. Building and compiling the five-table join with Kysely costs several
 * times more than SQLite takes to run it, so it is compiled once per database handle (the SQL text differs by
 * dialect) with placeholder values, and each request binds its own values in the recorded order. The query itself
 * still runs on every request the read cache cannot answer, which is any request after a write, so a revoked key or a
 * removed member is refused at once, in every process.
 */
const compiled = new WeakMap<Kysely<DB>, { sql: string; slots: Array<(typeof SLOTS)[number]> }>();

async function findActorRow(db: Kysely<DB>, p: ActorLookup): Promise<ActorRow | undefined> {
  let template = compiled.get(db);
  if (!template) {
    const c = actorQuery(db, { accountId: placeholder('accountId'), workspaceId: placeholder('workspaceId'), apiKeyId: placeholder('apiKeyId'), userId: placeholder('userId') }).compile();
    const slots = c.parameters.map((value) => {
      const slot = SLOTS.find((s) => placeholder(s) === value);
      if (!slot) {
        throw new Error(`actor query has an unexpected parameter: ${String(value)}`);
      }
      return slot;
    });
    template = { sql: c.sql, slots };
    compiled.set(db, template);
  }
  const values: Record<(typeof SLOTS)[number], string> = { ...p, workspaceId: p.workspaceId ?? '' };
  const result = await db.executeQuery(CompiledQuery.raw(template.sql, template.slots.map((s) => values[s])));
  return result.rows[0] as ActorRow | undefined;
}
